/** Every relation analyzer by name. */
import { ingressBackendMatch, ingressTlsSecretMatch } from './ingress.js';
import { namespaceDefaultDeny, networkPolicyCoverage, networkPolicySelectorMatch } from './network-policy.js';
import { rbacReach } from './rbac.js';
import { serviceAccountTokenMount } from './service-account.js';
import { serviceSelectorMatch } from './service.js';
import type { Analyzer } from './types.js';

export type { Analyzer, SetViolation } from './types.js';

export const ANALYZERS: ReadonlyMap<string, Analyzer> = new Map([ingressBackendMatch, ingressTlsSecretMatch, namespaceDefaultDeny, networkPolicyCoverage, networkPolicySelectorMatch, rbacReach, serviceAccountTokenMount, serviceSelectorMatch].map((a) => [a.name, a]));
