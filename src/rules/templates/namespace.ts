/**
 * `object-namespace`: objects must not land in certain namespaces (`default`). Rule: only a namespace someone
 * chose is reported. An object is in a forbidden namespace when
 * - its `metadata.namespace` names it, written in a manifest, a kustomization's output, a chart's text or a values
 *   file; or
 * - it comes from a Helm release and names no namespace of its own (or only the release's, `.Release.Namespace`),
 *   and the release declares that namespace (config `charts[].namespace`).
 * A Helm release whose namespace nobody declared is installed wherever `helm install -n` or the GitOps controller
 * puts it: its objects are not reported, whatever namespace the gate rendered them with. Kustomize and plain
 * objects without a namespace get one from kustomize or the controller at deploy time and are not reported.
 *
 * Params:
 *   forbidden       namespaces objects must not be in (required)
 *   message         sentence for a written namespace; placeholders {namespace} {kind} {name}
 *   releaseMessage  sentence for a release's declared namespace; same placeholders
 */
import type { Violation } from '../../analyze/types.js';
import { getAt, isRecord } from '../../objects/types.js';
import type { CheckContext } from '../types.js';
import { defineTemplate, formatMessage, objectVars, type GenericTemplate } from './util.js';

interface NamespaceParams {
  forbidden: string[];
  message: string;
  releaseMessage: string;
}

/** The namespace the object is installed into and whether someone chose it, or undefined when nobody did. */
function chosenNamespace(object: CheckContext['object']): { namespace: string; by: 'object' | 'release' } | undefined {
  const written = object.namespace;
  const release = object.release;
  if (!release) return written === undefined ? undefined : { namespace: written, by: 'object' };
  const fromRelease = written === undefined || (object.namespaceSource ?? (written === release.namespace ? 'release' : 'written')) === 'release';
  if (!fromRelease) return { namespace: written, by: 'object' };
  return release.namespaceDeclared ? { namespace: release.namespace, by: 'release' } : undefined;
}

export const objectNamespaceTemplate: GenericTemplate = defineTemplate(
  'object-namespace',
  'Objects must not be placed in the given namespaces, written in the object or declared for its Helm release.',
  (read): NamespaceParams => {
    read.only(['forbidden', 'message', 'releaseMessage']);
    const forbidden = read.stringList('forbidden') ?? [];
    if (forbidden.length === 0) read.fail('params.forbidden must list at least one namespace');
    return {
      forbidden,
      message: read.string('message') ?? 'The object is placed in the "{namespace}" namespace.',
      releaseMessage: read.string('releaseMessage') ?? 'The object is installed into its Helm release\'s namespace "{namespace}", declared in the config.'
    };
  },
  (ctx, p): Violation[] => {
    const chosen = chosenNamespace(ctx.object);
    if (!chosen || !p.forbidden.includes(chosen.namespace)) return [];
    const vars = { ...objectVars(ctx), namespace: chosen.namespace };
    return chosen.by === 'object'
      ? [{ path: ['metadata', 'namespace'], message: formatMessage(p.message, vars) }]
      : [{ path: ctx.object.namespace === undefined ? ['metadata'] : ['metadata', 'namespace'], message: formatMessage(p.releaseMessage, vars) }];
  }
);

const PSS_LEVELS = ['privileged', 'baseline', 'restricted'];

/**
 * `namespace-pss-level`: a Namespace's `pod-security.kubernetes.io/enforce` label must not be below the Pod Security
 * level the scan checks at (config `pss.level`): Pod Security admission would let that namespace's pods in that the
 * gate reports. A missing label is left to the cluster's default. Violations point at the label.
 */
export const namespacePssLevelTemplate: GenericTemplate = defineTemplate(
  'namespace-pss-level',
  "A Namespace's Pod Security enforce label must not be below the scan's Pod Security level.",
  (read) => read.only([]),
  (ctx) => {
    if (ctx.object.kind !== 'Namespace') return [];
    const label = 'pod-security.kubernetes.io/enforce';
    const labels = getAt(ctx.object.body, ['metadata', 'labels']);
    const level = isRecord(labels) ? labels[label] : undefined;
    const wanted = ctx.settings.pss.level;
    if (typeof level !== 'string' || !PSS_LEVELS.includes(level) || PSS_LEVELS.indexOf(level) >= PSS_LEVELS.indexOf(wanted)) return [];
    return [{ path: ['metadata', 'labels', label], message: `The namespace enforces the ${level} Pod Security level, below ${wanted}: admission lets in pods that break the ${wanted} level.` }];
  }
);
