/**
 * The generic check templates rules name in `check.template`. Each lives in its own module; this one lists
 * them and validates a rule's params up front.
 */
import { apiLifecycleTemplate } from './api-lifecycle.js';
import { kubernetesSchemaTemplate } from './kubernetes-schema.js';
import { imageAllowTemplate } from './image-allow.js';
import { secretInConfigMapTemplate } from './config-data.js';
import { duplicateEnvTemplate, secretInEnvTemplate } from './env.js';
import { containerFieldTemplate, objectFieldTemplate, podFieldTemplate } from './fields.js';
import { capabilityDropTemplate, hostPathSensitiveTemplate } from './host.js';
import { imageReferenceTemplate } from './image.js';
import { metadataKeysTemplate } from './metadata.js';
import { namespacePssLevelTemplate, objectNamespaceTemplate } from './namespace.js';
import { ingressTlsTemplate, serviceTypeTemplate } from './network.js';
import { networkPolicyOpenIngressTemplate } from './network-policy.js';
import { numericBoundTemplate } from './numeric-bound.js';
import { rbacRulesTemplate } from './rbac.js';
import { resourcesTemplate } from './resources.js';
import type { GenericTemplate } from './util.js';

export type { GenericTemplate } from './util.js';
export { TemplateParamsError, parseFieldPath } from './util.js';
/** Every generic template; a CheckTemplate with a `validate` for its params. */
export const genericTemplates: readonly GenericTemplate[] = [
  containerFieldTemplate,
  podFieldTemplate,
  objectFieldTemplate,
  objectNamespaceTemplate,
  namespacePssLevelTemplate,
  imageReferenceTemplate,
  resourcesTemplate,
  numericBoundTemplate,
  rbacRulesTemplate,
  ingressTlsTemplate,
  secretInEnvTemplate,
  secretInConfigMapTemplate,
  duplicateEnvTemplate,
  metadataKeysTemplate,
  hostPathSensitiveTemplate,
  capabilityDropTemplate,
  networkPolicyOpenIngressTemplate,
  serviceTypeTemplate,
  apiLifecycleTemplate,
  kubernetesSchemaTemplate,
  imageAllowTemplate
];

/**
 * Checks a rule's `params` for the named generic template; throws an Error that starts with the rule's source
 * (`rules/x.yaml: template "container-field": params.field is required`). Templates that are not generic
 * (e.g. `pss`) are left alone.
 */
export function validateTemplateParams(template: string, params: Record<string, unknown> | undefined, source: string): void {
  const t = genericTemplates.find((g) => g.name === template);
  if (!t) return;
  try {
    t.validate(params ?? {});
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message}`);
  }
}
