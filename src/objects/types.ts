/** The shapes every stage after rendering speaks: objects, paths into them, and where they came from. */

/** A path into an object, as kube field paths are written: ['spec', 'containers', 0, 'image']. */
export type JsonPath = readonly (string | number)[];

/** A place in the repository. `file` is repository-relative with '/' separators; lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A second place that helped produce a field: the template line beside a values line, the base beside a patch. */
export interface RelatedLocation extends SourceLocation {
  label: string;
}

export interface Located {
  location: SourceLocation;
  related: RelatedLocation[];
  /** The path that was actually found: the requested one, or its nearest existing parent. */
  foundPath: JsonPath;
}

/** Maps a path in a rendered object to the repository. Missing paths resolve to their nearest existing parent. */
export interface SourceMap {
  locate(path: JsonPath): Located;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One rendered Kubernetes object, with mapping annotations already removed from `body`. */
export interface KubeObject extends ObjectRef {
  body: Record<string, unknown>;
  /** Id of the render target that produced it. */
  target: string;
  sourceMap: SourceMap;
  /** Fields whose values differ from render to render (random values, the clock): diffs ignore their values. */
  volatilePaths?: JsonPath[];
  /**
   * For objects of a Helm release: the namespace Helm installs an object into when the object names none, and
   * whether the release declares it (config `charts[].namespace`) or the gate assumed `default`.
   */
  release?: { namespace: string; namespaceDeclared: boolean };
  /**
   * For objects of a Helm release with `metadata.namespace`: `written` when the chart's text or a values file
   * wrote it, `release` when the templates printed it from elsewhere (`.Release.Namespace`, a helper's default);
   * unset when not known.
   */
  namespaceSource?: 'written' | 'release';
  /** Where the object was written when that is not in the repository: a fetched chart and its template. */
  from?: string;
}

export function objectRefOf(body: Record<string, unknown>): ObjectRef {
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const ref: ObjectRef = {
    apiVersion: typeof body.apiVersion === 'string' ? body.apiVersion : '',
    kind: typeof body.kind === 'string' ? body.kind : '',
    name: typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? metadata.generateName : ''
  };
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '') ref.namespace = metadata.namespace;
  return ref;
}

/** Just the identity of an object (no body, no source map), as findings and reports carry it. */
export function refOf(object: ObjectRef): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.name, ...(object.namespace ? { namespace: object.namespace } : {}) };
}

/** `Deployment payments/api` or `ClusterRole admin`. */
export function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** `spec.template.spec.containers[0].image` */
export function formatPath(path: JsonPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a value at a path, or undefined when any step is missing. */
export function getAt(root: unknown, path: JsonPath): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (!isRecord(cur)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}
