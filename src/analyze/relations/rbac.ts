/**
 * `rbac-reach`: from each RoleBinding and ClusterRoleBinding of a rendered set to the workloads its subjects run
 * as, and what the bound role lets them do. The role is the Role (in the binding's namespace) or ClusterRole of
 * the set — with an `aggregationRule`, the union of the ClusterRoles its selectors pick, as the controller
 * aggregates them — or one of Kubernetes' default user-facing ClusterRoles (`cluster-admin`, `admin`, `edit`).
 * Subjects are ServiceAccounts (their namespace, else the binding's) and the groups that hold service accounts
 * (`system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`). A workload runs as its pod
 * template's `serviceAccountName` (else `default`). Each subject that workloads of the set run as, through a role
 * granting one of the powers in `params.grants`, is a finding on that subject of the binding naming the workloads
 * and the powers, the workloads and the granting rules related. A role not in the set (and not a default one) is
 * not judged.
 *
 * Params: grants — [{ label, resources, verbs, apiGroups? (default [""]) }], matched as the rbac-rules template
 * matches (wildcards count; rules limited by resourceNames do not).
 */
import { labelsOf } from '../../objects/label-selector.js';
import { getAt, isRecord, type JsonPath, type KubeObject } from '../../objects/types.js';
import { ruleGrants, type Grant } from '../../rules/templates/rbac.js';
import { namespaceOf, podGroups, selects } from './pods.js';
import type { Analyzer, SetViolation } from './types.js';

const RBAC = 'rbac.authorization.k8s.io/';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

/** Kubernetes' default user-facing ClusterRoles (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), as far as the powers go. */
const EDIT: Record<string, unknown>[] = [
  { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
  { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward'], verbs: WRITE },
  { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: READ },
  { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'secrets', 'serviceaccounts', 'services'], verbs: WRITE },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: WRITE },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: WRITE }
];
const DEFAULT_ROLES: Record<string, Record<string, unknown>[]> = {
  'cluster-admin': [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  admin: [...EDIT, { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...READ, ...WRITE] }],
  edit: EDIT
};

interface Power extends Grant {
  label: string;
}

function readGrants(params: Record<string, unknown>): Power[] {
  for (const key of Object.keys(params)) if (key !== 'grants') throw new Error(`unknown parameter "${key}" (known: grants)`);
  if (!Array.isArray(params.grants) || params.grants.length === 0) throw new Error('params.grants must list the powers to look for');
  return params.grants.map((g, i) => {
    const list = (key: string, fallback?: string[]): string[] => {
      const v = isRecord(g) ? g[key] : undefined;
      if (v === undefined && fallback) return fallback;
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) throw new Error(`params.grants[${i}].${key} must be a non-empty list of strings`);
      return v as string[];
    };
    if (!isRecord(g) || typeof g.label !== 'string') throw new Error(`params.grants[${i}] needs a label`);
    return { label: g.label, resources: list('resources'), verbs: list('verbs'), apiGroups: list('apiGroups', ['']), wildcardVerbs: true };
  });
}

/** A role's rules, each with where it is written (undefined for a default role's). */
interface RoleRules {
  name: string;
  rules: { rule: Record<string, unknown>; object?: KubeObject; index?: number }[];
}

/** The Roles (by namespace and name) and ClusterRoles of a set, looked up once per run. */
interface RolesOfSet {
  roles: Map<string, KubeObject>;
  clusterRoles: KubeObject[];
}

function rolesOf(objects: readonly KubeObject[]): RolesOfSet {
  const roles = new Map<string, KubeObject>();
  const clusterRoles: KubeObject[] = [];
  for (const o of objects) {
    if (!o.apiVersion.startsWith(RBAC)) continue;
    if (o.kind === 'Role' && !roles.has(`${namespaceOf(o)}\0${o.name}`)) roles.set(`${namespaceOf(o)}\0${o.name}`, o);
    else if (o.kind === 'ClusterRole') clusterRoles.push(o);
  }
  return { roles, clusterRoles };
}

function roleOf(binding: KubeObject, { roles, clusterRoles }: RolesOfSet): RoleRules | undefined {
  const ref = isRecord(binding.body.roleRef) ? binding.body.roleRef : {};
  const name = typeof ref.name === 'string' ? ref.name : '';
  const own = (role: KubeObject) => (Array.isArray(role.body.rules) ? role.body.rules : []).flatMap((rule, index) => (isRecord(rule) ? [{ rule, object: role, index }] : []));
  if (ref.kind === 'Role') {
    if (binding.kind !== 'RoleBinding') return undefined;
    const role = roles.get(`${namespaceOf(binding)}\0${name}`);
    return role ? { name: `Role ${name}`, rules: own(role) } : undefined;
  }
  const role = clusterRoles.find((o) => o.name === name);
  if (!role) return DEFAULT_ROLES[name] ? { name: `ClusterRole ${name} (a Kubernetes default)`, rules: DEFAULT_ROLES[name].map((rule) => ({ rule })) } : undefined;
  const selectors = getAt(role.body, ['aggregationRule', 'clusterRoleSelectors']);
  const aggregated = Array.isArray(selectors) ? clusterRoles.filter((o) => o !== role && selectors.some((s) => selects(s, labelsOf(o)))) : [];
  return { name: `ClusterRole ${name}`, rules: [...own(role), ...aggregated.flatMap(own)] };
}

export const rbacReach: Analyzer = {
  name: 'rbac-reach',
  description: 'Bindings must not give the workloads of the set the listed powers through their service accounts.',
  validate: (params) => void readGrants(params),
  run(objects, params) {
    const powers = readGrants(params);
    const pods = podGroups(objects);
    const roles = rolesOf(objects);
    const out: SetViolation[] = [];
    for (const binding of objects) {
      if ((binding.kind !== 'RoleBinding' && binding.kind !== 'ClusterRoleBinding') || !binding.apiVersion.startsWith(RBAC)) continue;
      const role = roleOf(binding, roles);
      if (!role) continue;
      const found = powers.flatMap((power) => {
        const hits = role.rules.filter(({ rule }) => ruleGrants(rule, power) !== undefined);
        return hits.length > 0 ? [{ power, hits }] : [];
      });
      if (found.length === 0) continue;
      const scope = binding.kind === 'RoleBinding' ? `in namespace ${namespaceOf(binding)}` : 'in every namespace';
      const subjects = Array.isArray(binding.body.subjects) ? binding.body.subjects : [];
      subjects.forEach((subject, i) => {
        if (!isRecord(subject) || typeof subject.name !== 'string') return;
        const runs = pods.filter((w) => {
          if (subject.kind === 'ServiceAccount') return w.account === subject.name && w.namespace === (typeof subject.namespace === 'string' ? subject.namespace : namespaceOf(binding));
          if (subject.kind !== 'Group') return false;
          if (subject.name === 'system:serviceaccounts' || subject.name === 'system:authenticated') return true;
          return subject.name === `system:serviceaccounts:${w.namespace}`;
        });
        if (runs.length === 0) return;
        const who = subject.kind === 'ServiceAccount' ? `ServiceAccount ${typeof subject.namespace === 'string' ? subject.namespace : namespaceOf(binding)}/${subject.name}` : `Group ${subject.name}`;
        const names = runs.map((w) => `${w.object.kind} ${w.object.name}`);
        out.push({
          object: binding,
          path: ['subjects', i],
          message: `${who}, which ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''} run${runs.length === 1 ? 's' : ''} as, can ${found.map((f) => f.power.label).join(', ')} ${scope} through ${role.name}.`,
          related: [
            ...runs.slice(0, 3).map((w) => ({ object: w.object, path: [...w.pod.podPath, 'spec', w.accountNamed ? 'serviceAccountName' : 'containers'], label: `${w.object.kind} ${w.object.name} runs as it` })),
            ...found.flatMap((f) => f.hits.flatMap((h) => (h.object && h.index !== undefined ? [{ object: h.object, path: ['rules', h.index, 'verbs'] as JsonPath, label: `${f.power.label}: ${h.object.kind} ${h.object.name} rule ${h.index}` }] : []))).slice(0, 3)
          ]
        });
      });
    }
    return out;
  }
};
