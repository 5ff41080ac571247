/**
 * `kubernetes-schema`: the object as the API server of the configured Kubernetes version decodes it. Unknown fields,
 * values of the wrong type, missing required fields, invalid base64, quantities and int32 values; and built-in kinds
 * that version does not serve or that do not exist. Custom resources are not this template's: nothing is reported.
 */
import type { Violation } from '../../analyze/types.js';
import { validateAgainstKubernetes } from '../kubernetes-openapi.js';
import type { CheckContext } from '../types.js';
import { apiLifecycleOf } from './api-lifecycle.js';
import { defineTemplate, type GenericTemplate } from './util.js';

function range(minors: readonly number[]): string {
  const first = minors[0];
  const last = minors[minors.length - 1];
  return first === last ? `v1.${first}` : `v1.${first} to v1.${last}`;
}

export const kubernetesSchemaTemplate: GenericTemplate = defineTemplate(
  'kubernetes-schema',
  "Built-in objects validated against Kubernetes' OpenAPI schema of the configured version, as the API server decodes them.",
  (read) => {
    read.only([]);
    return {};
  },
  (ctx: CheckContext): Violation[] => {
    const { apiVersion, kind, body } = ctx.object;
    const minor = ctx.settings.kubeMinor;
    const verdict = validateAgainstKubernetes(apiVersion, kind, body, minor);
    if (verdict.status !== 'checked') {
      // A removed beta version: api-version-removed says it, with the version to move to.
      const removed = apiLifecycleOf(apiVersion, kind)?.removed;
      if (removed !== undefined && minor >= removed) return [];
    }
    switch (verdict.status) {
      case 'unknown':
        return [];
      case 'checked':
        return verdict.problems.map((p) => ({ path: p.path, message: `${p.message} (Kubernetes v1.${verdict.minor} schema)` }));
      case 'not-served':
        return [{ path: ['apiVersion'], message: `Kubernetes v1.${minor} does not serve ${apiVersion} ${kind} (served in ${range(verdict.servedIn)}): the apply fails with "no matches for kind". If the cluster runs another version, set it as config kubeVersion` }];
      case 'no-such-kind':
        return [{ path: ['kind'], message: `Kubernetes has no kind "${kind}" in ${apiVersion}: the apply fails with "no matches for kind" (check the spelling and the apiVersion)` }];
    }
  }
);
