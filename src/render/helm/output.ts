/**
 * From rendered files to `helm template` output (pkg/release/v1/util manifest splitting and kind sorting,
 * pkg/action renderResources, pkg/cmd/template.go): documents are split at `---` lines, sorted by file path
 * then install order of kinds, hooks separated (unknown hook names dropped), CRDs first with --include-crds,
 * `--show-only` filtering and `--output-dir` layout.
 */
import type { ProvenanceSegment } from '../gotemplate/index.js';
import { RELEASED_HELM, type HelmBuild } from './build.js';
import { goPathMatch } from './glob.js';
import { GoYamlError, jsonKind, parseYamlGo, yamlScalarAsString } from './yamlgo.js';

export const INSTALL_ORDER = [
  'PriorityClass', 'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'
];

const HOOK_EVENTS = new Set([
  'pre-install', 'post-install', 'pre-delete', 'post-delete', 'pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback',
  'test', 'test-success'
]);

export class ManifestError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number) {
    super(message);
    this.name = 'ManifestError';
  }
}

export interface SplitDoc {
  content: string;
  /** Offset of `content` in the split input. */
  offset: number;
}

/** Unicode white space as Go's unicode.IsSpace sees it (strings.TrimSpace). */
const WS = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** White space as Go's regexp `\s` sees it. */
function isRegexpSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r';
}

/**
 * SplitManifests as released Helm (3.x, 4.1) does it: the text is cut at every match of `(?:^|\s*\n)---\s*`
 * (so `---` right after a newline separates even when more follows on its line, and the white space around it
 * goes with the separator), and each piece is trimmed of white space on both sides; empty pieces are skipped.
 * The matches are found by a scan rather than a backtracking regular expression, so the work stays linear.
 */
function splitManifestsTrimmed(text: string): SplitDoc[] {
  // strings.TrimSpace(bigFile): the split works on [base, limit).
  let base = 0;
  let limit = text.length;
  while (base < limit && WS.test(text[base])) base++;
  while (limit > base && WS.test(text[limit - 1])) limit--;
  const pieces: [number, number][] = [];
  let pos = base;
  const skipSpace = (i: number): number => {
    while (i < limit && isRegexpSpace(text[i])) i++;
    return i;
  };
  if (text.startsWith('---', base) && base + 3 <= limit) {
    pos = skipSpace(base + 3);
    pieces.push([base, base]);
  }
  for (;;) {
    const nl = text.indexOf('\n---', pos);
    if (nl < 0 || nl + 4 > limit) break;
    let start = nl;
    while (start > pos && isRegexpSpace(text[start - 1])) start--;
    pieces.push([pos, start]);
    pos = skipSpace(nl + 4);
  }
  pieces.push([pos, limit]);
  const out: SplitDoc[] = [];
  for (const [a, b] of pieces) {
    if (a === b) continue;
    let s = a;
    let e = b;
    while (s < e && WS.test(text[s])) s++;
    while (e > s && WS.test(text[e - 1])) e--;
    out.push({ content: text.slice(s, e), offset: s });
  }
  return out;
}

export interface SimpleHead {
  apiVersion: string;
  kind: string;
  name: string;
  annotations: Record<string, string> | null;
}

function structErr(kind: string, fieldPath: string, type: string): never {
  throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go struct field ${fieldPath} of type ${type}`);
}

/** yaml.Unmarshal(m, &SimpleHead): throws Error with sigs.k8s.io/yaml's wording. */
/**
 * SplitManifests as helm/helm main after v4.1.4 does it (commit bfebbb7c1): `---` at the start of the stream or right
 * after a newline separates documents and takes the white space after it; the newline before it stays with the
 * previous document, so trailing white space is kept. A `---` line directly after a separator's white space is
 * content, not a separator. Leading white space of each document is dropped; white-space-only documents are skipped.
 */
function splitManifestsKeepingTrailingSpace(text: string): SplitDoc[] {
  const out: SplitDoc[] = [];
  let start = 0;
  while (start < text.length && WS.test(text[start])) start++;
  const body = text.slice(start);
  const re = /(?:^|\n)---[\t\n\f\r ]*/g;
  const pieces: [number, number][] = [];
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) {
    const cut = m[0].startsWith('\n') ? m.index + 1 : m.index;
    pieces.push([pos, cut]);
    pos = m.index + m[0].length;
    if (m[0].length === 0) re.lastIndex++;
  }
  pieces.push([pos, body.length]);
  for (const [a, b] of pieces) {
    if (goTrimSpace(body.slice(a, b)) === '') continue;
    let s = a;
    while (s < b && WS.test(body[s])) s++;
    out.push({ content: body.slice(s, b), offset: start + s });
  }
  return out;
}

/** SplitManifests of the Helm build the renderer behaves as. */
export function splitManifests(text: string, build: HelmBuild = RELEASED_HELM): SplitDoc[] {
  return build.keepsDocumentTrailingSpace ? splitManifestsKeepingTrailingSpace(text) : splitManifestsTrimmed(text);
}

export function parseHead(content: string): SimpleHead {
  let doc: unknown;
  try {
    doc = parseYamlGo(content);
  } catch (err) {
    if (err instanceof GoYamlError) throw new Error(`error converting YAML to JSON: ${err.message}`);
    throw err;
  }
  const head: SimpleHead = { apiVersion: '', kind: '', name: '', annotations: null };
  if (doc === null || doc === undefined) return head;
  if (!(doc instanceof Map)) {
    throw new Error(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(doc)} into Go value of type util.SimpleHead`);
  }
  const get = (m: Map<unknown, unknown>, k: string): unknown => {
    if (m.has(k)) return m.get(k);
    for (const [kk, v] of m) if (typeof kk === 'string' && kk.toLowerCase() === k.toLowerCase()) return v;
    return undefined;
  };
  const s = (v: unknown, f: string): string => {
    if (v === undefined || v === null) return '';
    if (typeof v === 'string') return v;
    return yamlScalarAsString(v) ?? structErr(jsonKind(v), f, 'string');
  };
  head.apiVersion = s(get(doc, 'apiVersion'), 'SimpleHead.apiVersion');
  head.kind = s(get(doc, 'kind'), 'SimpleHead.kind');
  const md = get(doc, 'metadata');
  if (md !== undefined && md !== null) {
    if (!(md instanceof Map)) structErr(jsonKind(md), 'SimpleHead.metadata', 'struct { Name string "json:\\"name\\""; Annotations map[string]string "json:\\"annotations\\"" }');
    head.name = s(get(md, 'name'), 'SimpleHead.metadata.name');
    const an = get(md, 'annotations');
    if (an !== undefined && an !== null) {
      if (!(an instanceof Map)) structErr(jsonKind(an), 'SimpleHead.metadata.annotations', 'map[string]string');
      head.annotations = {};
      for (const [k, v] of an as Map<unknown, unknown>) {
        head.annotations[String(k)] = s(v, 'SimpleHead.metadata.annotations');
      }
    }
  }
  return head;
}

export interface RenderedFile {
  /** Template name, e.g. "mychart/templates/deploy.yaml". */
  name: string;
  content: string;
  segments: ProvenanceSegment[];
}

export interface SortedManifest {
  /** Template path ("# Source:"). */
  name: string;
  content: string;
  head: SimpleHead;
  segments: ProvenanceSegment[];
  /** Hook events (comma-joined annotation value) when this is a hook. */
  hook?: string;
  hookEvents?: string[];
}

/**
 * Index of the first segment that ends after `offset` (segments.length when none does): a binary search, as the
 * engine writes segments in output order and they never overlap, so their starts and ends both ascend.
 */
export function firstSegmentEndingAfter(segments: readonly ProvenanceSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The segments that overlap [start, end), in order; found by binary search, so the work is the answer's size. */
export function segmentsOverlapping(segments: readonly ProvenanceSegment[], start: number, end: number): ProvenanceSegment[] {
  const out: ProvenanceSegment[] = [];
  for (let i = firstSegmentEndingAfter(segments, start); i < segments.length && segments[i].start < end; i++) out.push(segments[i]);
  return out;
}

/** Cuts the provenance of [start, end) of a file and rebases it to 0. */
export function sliceSegments(segments: readonly ProvenanceSegment[], start: number, end: number): ProvenanceSegment[] {
  return segmentsOverlapping(segments, start, end).map((s) => ({ ...s, start: Math.max(s.start, start) - start, end: Math.min(s.end, end) - start }));
}

function lessByKind(a: string, b: string, order: Map<string, number>): number {
  const fa = order.get(a);
  const fb = order.get(b);
  if (fa === undefined && fb === undefined) return a === b ? 0 : a < b ? -1 : 1;
  if (fa === undefined) return 1;
  if (fb === undefined) return -1;
  return fa - fb;
}

export function sortByKind<T>(items: T[], kindOf: (t: T) => string, ordering: string[] = INSTALL_ORDER): T[] {
  const order = new Map(ordering.map((k, i) => [k, i]));
  return items
    .map((x, i) => ({ x, i }))
    .sort((p, q) => lessByKind(kindOf(p.x), kindOf(q.x), order) || p.i - q.i)
    .map((p) => p.x);
}

const byteCompare = (a: string, b: string): number => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
};

/** SortManifests: files by path, documents in file order; hooks apart; both stably sorted by kind. */
export function sortManifests(files: RenderedFile[], build: HelmBuild = RELEASED_HELM): { hooks: SortedManifest[]; manifests: SortedManifest[] } {
  const hooks: SortedManifest[] = [];
  const generic: SortedManifest[] = [];
  const sorted = [...files].sort((a, b) => byteCompare(a.name, b.name));
  for (const f of sorted) {
    const base = f.name.slice(f.name.lastIndexOf('/') + 1);
    if (base.startsWith('_')) continue;
    if (f.content.trim() === '') continue;
    for (const d of splitManifests(f.content, build)) {
      let head: SimpleHead;
      try {
        head = parseHead(d.content);
      } catch (err) {
        const m = /line (\d+):/.exec((err as Error).message);
        const line = m ? Number(m[1]) + f.content.slice(0, d.offset).split('\n').length - 1 : undefined;
        throw new ManifestError(`YAML parse error on ${f.name}: ${(err as Error).message}`, f.name, line);
      }
      const segments = sliceSegments(f.segments, d.offset, d.offset + d.content.length);
      const hookTypes = head.annotations?.['helm.sh/hook'];
      if (!head.annotations || Object.keys(head.annotations).length === 0 || hookTypes === undefined) {
        generic.push({ name: f.name, content: d.content, head, segments });
        continue;
      }
      const events: string[] = [];
      let unknown = false;
      for (const raw of hookTypes.split(',')) {
        const t = raw.trim().toLowerCase();
        if (!HOOK_EVENTS.has(t)) {
          unknown = true;
          break;
        }
        events.push(t === 'test-success' ? 'test' : t);
      }
      if (unknown) continue;
      hooks.push({ name: f.name, content: d.content, head, segments, hook: hookTypes, hookEvents: events });
    }
  }
  return { hooks: sortByKind(hooks, (h) => h.head.kind), manifests: sortByKind(generic, (m) => m.head.kind) };
}

export interface CrdOutput {
  /** e.g. "mychart/crds/foo.yaml" */
  filename: string;
  content: string;
}

export interface TemplateOutputOptions {
  includeCrds?: boolean;
  skipTests?: boolean;
  noHooks?: boolean;
  showOnly?: string[];
  /** The Helm build whose SplitManifests --show-only uses (default RELEASED_HELM). */
  build?: HelmBuild;
}

/** rel.Manifest as renderResources builds it (CRDs, then sorted manifests). */
export function releaseManifest(crds: CrdOutput[], manifests: SortedManifest[]): string {
  let b = '';
  for (const c of crds) b += `---\n# Source: ${c.filename}\n${c.content}\n`;
  for (const m of manifests) b += `---\n# Source: ${m.name}\n${m.content}\n`;
  return b;
}

/** Go's strings.TrimSpace (Unicode white space). */
export function goTrimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/, '').replace(/[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/, '');
}

export function isTestHook(h: SortedManifest): boolean {
  return (h.hookEvents ?? []).includes('test');
}

/** The text `helm template` prints (without --output-dir). Throws Error("could not find template X in chart"). */
export function templateStdout(manifest: string, hooks: SortedManifest[], opts: TemplateOutputOptions): string {
  let manifests = goTrimSpace(manifest) + '\n';
  if (!opts.noHooks) {
    for (const h of hooks) {
      if (opts.skipTests && isTestHook(h)) continue;
      manifests += `---\n# Source: ${h.name}\n${h.content}\n`;
    }
  }
  const showFiles = opts.showOnly ?? [];
  if (showFiles.length === 0) return manifests;
  const split = splitManifests(manifests, opts.build).map((d) => d.content);
  const re = /# Source: [^/\n]+\/(.+)/;
  const toRender: string[] = [];
  for (const raw of showFiles) {
    const f = raw.replace(/\\/g, '/');
    let missing = true;
    for (const m of split) {
      const sub = re.exec(m);
      if (!sub) continue;
      let matched = false;
      try {
        matched = goPathMatch(f, sub[1]);
      } catch {
        matched = false;
      }
      if (!matched) continue;
      toRender.push(m);
      missing = false;
    }
    if (missing) throw new Error(`could not find template ${raw} in chart`);
  }
  return toRender.map((m) => `---\n${m}\n`).join('');
}

export interface OutputDirWrite {
  /** Manifest name ("# Source:"), also the path under the output directory. */
  name: string;
  data: string;
  kind: 'crd' | 'manifest' | 'hook';
}

/**
 * --output-dir: the writes Helm makes, in order (CRDs with --include-crds, manifests, then hooks). Each write is
 * `---\n# Source: <name>\n<data>\n`; manifests append when the same name was written earlier in the run, hooks
 * append when the file already exists.
 */
export function outputDirWrites(crds: CrdOutput[], manifests: SortedManifest[], hooks: SortedManifest[], opts: TemplateOutputOptions): OutputDirWrite[] {
  const out: OutputDirWrite[] = [];
  if (opts.includeCrds) for (const c of crds) out.push({ name: c.filename, data: c.content, kind: 'crd' });
  for (const m of manifests) out.push({ name: m.name, data: m.content, kind: 'manifest' });
  if (!opts.noHooks) {
    for (const h of hooks) {
      if (opts.skipTests && isTestHook(h)) continue;
      out.push({ name: h.name, data: h.content, kind: 'hook' });
    }
  }
  return out;
}
