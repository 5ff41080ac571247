/**
 * `resources`: every container must declare the given resource requests/limits.
 *
 * Params:
 *   require         entries `requests.cpu`, `requests.memory`, `limits.cpu`, `limits.memory`
 *                   (also `requests.ephemeral-storage`, `limits.ephemeral-storage`)
 *   containerTypes  default [containers, initContainers] (ephemeral containers cannot have resources)
 * One violation per container and missing entry, at `resources.<kind>.<resource>` (missing, so the source
 * map points at the nearest parent that exists).
 */
import type { Violation } from '../../analyze/types.js';
import type { ContainerField } from '../../objects/podspec.js';
import { getAt } from '../../objects/types.js';
import { containersIn, defineTemplate, type GenericTemplate, type ParamReader } from './util.js';

const KINDS = ['requests', 'limits'];
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

export const resourcesTemplate: GenericTemplate = defineTemplate(
  'resources',
  'Every container must set the given resource requests and limits (e.g. limits.memory, requests.cpu).',
  (read: ParamReader) => {
    read.only(['require', 'containerTypes']);
    const require = read.stringList('require');
    if (!require || require.length === 0) read.fail('params.require must list at least one of requests.cpu, requests.memory, limits.cpu, limits.memory');
    const pairs = require.map((entry) => {
      const [kind, resource, ...rest] = entry.split('.');
      if (rest.length > 0 || !KINDS.includes(kind) || !RESOURCES.includes(resource)) {
        read.fail(`params.require: "${entry}" is not <requests|limits>.<${RESOURCES.join('|')}>`);
      }
      return [kind, resource] as const;
    });
    return { pairs, types: read.containerFields() as ContainerField[] };
  },
  (ctx, p) => {
    const out: Violation[] = [];
    for (const c of containersIn(ctx, p.types)) {
      for (const [kind, resource] of p.pairs) {
        const value = getAt(c.container, ['resources', kind, resource]);
        if (value === undefined || value === null || value === '') {
          const what = kind === 'limits' ? `${resource} limit` : `${resource} request`;
          out.push({
            path: [...c.fullPath, 'resources', kind, resource],
            message: `Container "${c.name || `#${c.index}`}" has no ${what} (resources.${kind}.${resource}).`
          });
        }
      }
    }
    return out;
  }
);
