/**
 * `rbac-rules`: permissions a Role or ClusterRole must not grant.
 *
 * Params:
 *   forbidWildcards   true (verbs and resources) or a list of [verbs, resources, apiGroups]: '*' in those lists
 *   forbidVerbsOn     [{resources: [secrets], verbs: [get, list, watch], apiGroups?: [''], wildcardVerbs?: true}]:
 *                     a rule matches when its apiGroups, resources and verbs all grant one of the given ones,
 *                     following RBAC's own matching ('*' matches everything, '*\/exec' matches pods/exec).
 *                     apiGroups defaults to [''] (the core group). wildcardVerbs: false counts only verbs written
 *                     out (leave '*' to forbidWildcards). Rules limited by resourceNames are not counted: they
 *                     grant access to named objects only, which is the least-privilege fix.
 *   forbidEscalation  verbs bind/escalate on roles and clusterroles, impersonate on users, groups,
 *                     serviceaccounts, uids and userextras (written out, not through '*')
 * Violations point at rules[i].verbs[j] / resources[j] / apiGroups[j] for wildcards and at rules[i].verbs for
 * forbidden grants.
 */
import type { Violation } from '../../analyze/types.js';
import { isRecord } from '../../objects/types.js';
import { defineTemplate, type GenericTemplate, type ParamReader } from './util.js';

export interface Grant {
  resources: string[];
  verbs: string[];
  apiGroups: string[];
  wildcardVerbs: boolean;
  label?: string;
}

const WILDCARD_FIELDS = ['verbs', 'resources', 'apiGroups'] as const;
type WildcardField = (typeof WILDCARD_FIELDS)[number];
const NOUN: Record<WildcardField, string> = { verbs: 'verb', resources: 'resource', apiGroups: 'API group' };

const ESCALATION: Grant[] = [
  { resources: ['roles', 'clusterroles'], verbs: ['bind', 'escalate'], apiGroups: ['rbac.authorization.k8s.io'], wildcardVerbs: false },
  { resources: ['users', 'groups', 'serviceaccounts', 'uids', 'userextras/*'], verbs: ['impersonate'], apiGroups: ['', 'authentication.k8s.io'], wildcardVerbs: false }
];

function parseGrants(read: ParamReader): Grant[] {
  const list = read.list('forbidVerbsOn') ?? [];
  return list.map((entry, i) => {
    if (!isRecord(entry)) read.fail(`params.forbidVerbsOn[${i}] must be a mapping with resources and verbs`);
    const strings = (key: string, fallback?: string[]): string[] => {
      const v = entry[key];
      if (v === undefined && fallback) return fallback;
      if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) read.fail(`params.forbidVerbsOn[${i}].${key} must be a non-empty list of strings`);
      return v as string[];
    };
    for (const key of Object.keys(entry)) {
      if (!['resources', 'verbs', 'apiGroups', 'wildcardVerbs'].includes(key)) read.fail(`params.forbidVerbsOn[${i}]: unknown key "${key}"`);
    }
    if (entry.wildcardVerbs !== undefined && typeof entry.wildcardVerbs !== 'boolean') read.fail(`params.forbidVerbsOn[${i}].wildcardVerbs must be true or false`);
    return { resources: strings('resources'), verbs: strings('verbs'), apiGroups: strings('apiGroups', ['']), wildcardVerbs: entry.wildcardVerbs !== false };
  });
}

/** RBAC's resource matching: '*', exact, or '*\/sub' for a subresource; 'x/*' in a grant means any subresource of x. */
function resourceMatches(ruleResource: string, wanted: string): boolean {
  if (ruleResource === '*' || ruleResource === wanted) return true;
  if (wanted.endsWith('/*')) return ruleResource.startsWith(wanted.slice(0, -1));
  const slash = wanted.indexOf('/');
  return slash > 0 && ruleResource === `*${wanted.slice(slash)}`;
}

/**
 * What of `grant` one PolicyRule gives: the granted verbs and resources, or undefined. Rules limited by
 * `resourceNames` give nothing here (access to named objects only), as RBAC's own matching is followed otherwise.
 */
export function ruleGrants(rule: Record<string, unknown>, grant: Grant): { verbs: string[]; resources: string[] } | undefined {
  if (strings(rule.resourceNames).length > 0) return undefined;
  const verbs = strings(rule.verbs);
  const resources = strings(rule.resources);
  const groups = strings(rule.apiGroups);
  const groupOk = groups.some((g) => g === '*' || grant.apiGroups.includes(g));
  const hitResources = grant.resources.filter((want) => resources.some((r) => resourceMatches(r, want)));
  const hitVerbs = grant.verbs.filter((want) => verbs.includes(want) || (grant.wildcardVerbs && verbs.includes('*')));
  return groupOk && hitResources.length > 0 && hitVerbs.length > 0 ? { verbs: hitVerbs, resources: hitResources } : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export const rbacRulesTemplate: GenericTemplate = defineTemplate(
  'rbac-rules',
  'A Role or ClusterRole must not use wildcards, grant given verbs on given resources, or grant privilege escalation verbs.',
  (read) => {
    read.only(['forbidWildcards', 'forbidVerbsOn', 'forbidEscalation']);
    const fw = read.params.forbidWildcards;
    let wildcardFields: WildcardField[] = [];
    if (fw === true) wildcardFields = ['verbs', 'resources'];
    else if (Array.isArray(fw)) {
      for (const f of fw) if (!WILDCARD_FIELDS.includes(f as WildcardField)) read.fail(`params.forbidWildcards: "${String(f)}" is not one of ${WILDCARD_FIELDS.join(', ')}`);
      wildcardFields = fw as WildcardField[];
    } else if (fw !== undefined && fw !== false) read.fail('params.forbidWildcards must be true, false or a list of verbs, resources, apiGroups');
    const grants = [...parseGrants(read), ...(read.boolean('forbidEscalation') ? ESCALATION : [])];
    if (wildcardFields.length === 0 && grants.length === 0) read.fail('give at least one of forbidWildcards, forbidVerbsOn, forbidEscalation');
    return { wildcardFields, grants };
  },
  (ctx, p) => {
    if (ctx.object.kind !== 'Role' && ctx.object.kind !== 'ClusterRole') return [];
    const rules = ctx.object.body.rules;
    if (!Array.isArray(rules)) return [];
    const out: Violation[] = [];
    rules.forEach((rule, i) => {
      if (!isRecord(rule)) return;
      for (const field of p.wildcardFields) {
        const list = Array.isArray(rule[field]) ? (rule[field] as unknown[]) : [];
        const j = list.indexOf('*');
        if (j >= 0) out.push({ path: ['rules', i, field, j], message: `Rule ${i} uses the wildcard '*' in ${field}, which matches every ${NOUN[field]}, including ones added later.` });
      }
      for (const grant of p.grants) {
        const hit = ruleGrants(rule, grant);
        if (hit) {
          out.push({ path: ['rules', i, 'verbs'], message: `Rule ${i} grants ${hit.verbs.join(', ')} on ${hit.resources.join(', ')}.` });
          break;
        }
      }
    });
    return out;
  }
);
