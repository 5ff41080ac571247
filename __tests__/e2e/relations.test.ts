/**
 * Relation analyzers over what a target renders together: a Service and a NetworkPolicy whose selectors match no
 * pod of the set, a workload no policy isolates; each finding on the field to edit, the objects that explain it
 * related; objects of other targets are not part of the set.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const DEPLOYMENT = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: shop',
  'spec:',
  '  selector:',
  '    matchLabels: { app: web }',
  '  template:',
  '    metadata:',
  '      labels: { app: web }',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27'
);
const SERVICE = (app: string) => lines('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  selector:', `    app: ${app}`, '  ports: [{ port: 80 }]');
const POLICY = (app: string) => lines('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  podSelector:', `    matchLabels: { app: ${app} }`, '  policyTypes: [Ingress, Egress]');

const scan = (files: Record<string, string>) => scanTree(files, 'gg-rel-');

describe('relations within a target', () => {
  test('selectors that match no pod, and the workload they leave open, each on the line to edit', async () => {
    const result = await scan({ 'shop/deployment.yaml': DEPLOYMENT, 'shop/service.yaml': SERVICE('website'), 'shop/policy.yaml': POLICY('wbe') });
    const of = (rule: string) => result.findings.filter((f) => f.ruleId === rule);
    expect(of('service-selector-match').map((f) => [f.location.file, f.location.line])).toEqual([['shop/service.yaml', 7]]);
    expect(of('service-selector-match')[0].related).toEqual([expect.objectContaining({ file: 'shop/deployment.yaml', line: 11, label: "Deployment web's pod labels" })]);
    expect(of('service-selector-match')[0].message).toBe('Service shop/web: The selector (app=website) matches none of the 1 workload in namespace shop, so the Service has no endpoints.');
    expect(of('network-policy-selector-match').map((f) => [f.location.file, f.location.line])).toEqual([['shop/policy.yaml', 7]]);
    expect(of('network-policy-ingress-coverage').map((f) => [f.object?.name, f.location.file, f.location.line])).toEqual([['web', 'shop/deployment.yaml', 2]]);
    expect(of('network-policy-ingress-coverage')[0].related).toEqual([expect.objectContaining({ file: 'shop/policy.yaml', line: 7 })]);
  });

  test('matching selectors: no relation findings', async () => {
    const result = await scan({ 'shop/deployment.yaml': DEPLOYMENT, 'shop/service.yaml': SERVICE('web'), 'shop/policy.yaml': POLICY('web') });
    expect(result.findings.filter((f) => /selector-match|network-policy-/.test(f.ruleId))).toEqual([]);
  });

  test('a policy rendered by another target is not part of the set', async () => {
    const result = await scan({ 'shop/deployment.yaml': DEPLOYMENT, 'platform/policy.yaml': POLICY('web') });
    expect(result.targets.map((t) => t.id).sort()).toEqual(['manifests:platform', 'manifests:shop']);
    expect(result.findings.filter((f) => f.ruleId === 'network-policy-ingress-coverage').map((f) => f.object?.name)).toEqual(['web']);
    // Without pods of its namespace in its own set, the policy's selector is not judged.
    expect(result.findings.filter((f) => f.ruleId === 'network-policy-selector-match')).toEqual([]);
  });

  test('with relations: revision, a policy another target renders covers the workload, and its selector is judged', async () => {
    const result = await scan({ '.gitops-gate.yaml': 'relations: revision\n', 'shop/deployment.yaml': DEPLOYMENT, 'platform/policy.yaml': POLICY('web'), 'platform/stale.yaml': POLICY('wbe').replace('name: web', 'name: stale') });
    expect(result.findings.filter((f) => f.ruleId === 'network-policy-ingress-coverage')).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'network-policy-selector-match').map((f) => [f.object?.name, f.location.file])).toEqual([['stale', 'platform/stale.yaml']]);
  });

  test('a binding gives the workloads running as its service account a dangerous role: on the subject line, the workload and the rule related', async () => {
    const role = lines('apiVersion: rbac.authorization.k8s.io/v1', 'kind: Role', 'metadata:', '  name: reader', '  namespace: shop', 'rules:', '  - apiGroups: [""]', '    resources: [configmaps]', '    verbs: [get]', '  - apiGroups: [""]', '    resources: [secrets]', '    verbs: [list]');
    const binding = lines('apiVersion: rbac.authorization.k8s.io/v1', 'kind: RoleBinding', 'metadata:', '  name: reader', '  namespace: shop', 'roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader }', 'subjects:', '  - kind: ServiceAccount', '    name: web');
    const deployment = DEPLOYMENT.replace('    spec:\n      containers:', '    spec:\n      serviceAccountName: web\n      containers:');
    const result = await scan({ 'shop/deployment.yaml': deployment, 'shop/rbac.yaml': `${role}---\n${binding}` });
    const reach = result.findings.filter((f) => f.ruleId === 'rbac-workload-reach');
    expect(reach.map((f) => [f.location.file, f.location.line])).toEqual([['shop/rbac.yaml', 21]]);
    expect(reach[0].message).toBe('RoleBinding shop/reader: ServiceAccount shop/web, which Deployment web runs as, can read Secrets in namespace shop through Role reader.');
    expect(reach[0].related).toEqual([
      expect.objectContaining({ file: 'shop/deployment.yaml', line: 13, label: 'Deployment web runs as it' }),
      expect.objectContaining({ file: 'shop/rbac.yaml', line: 12, label: 'read Secrets: Role reader rule 1' })
    ]);
    // Another account, or the same name in another namespace: nothing reaches the workload.
    const other = await scan({ 'shop/deployment.yaml': deployment, 'shop/rbac.yaml': `${role}---\n${binding.replace('    name: web', '    name: web\n    namespace: payments')}` });
    expect(other.findings.filter((f) => f.ruleId === 'rbac-workload-reach')).toEqual([]);
  });

  test('a token is not mounted when the ServiceAccount rendered with the workload opts out; the pod spec still decides when it says true', async () => {
    const account = lines('apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: web', '  namespace: shop', 'automountServiceAccountToken: false');
    const deployment = DEPLOYMENT.replace('    spec:\n      containers:', '    spec:\n      serviceAccountName: web\n      containers:');
    const quiet = await scan({ 'shop/deployment.yaml': deployment, 'shop/account.yaml': account });
    expect(quiet.findings.filter((f) => f.ruleId === 'automount-service-account-token')).toEqual([]);
    const forced = await scan({ 'shop/deployment.yaml': deployment.replace('serviceAccountName: web', 'serviceAccountName: web\n      automountServiceAccountToken: true'), 'shop/account.yaml': account });
    const found = forced.findings.filter((f) => f.ruleId === 'automount-service-account-token');
    expect(found.map((f) => [f.location.file, f.location.line])).toEqual([['shop/deployment.yaml', 14]]);
    expect(found[0].related).toEqual([expect.objectContaining({ file: 'shop/account.yaml', line: 6, label: 'ServiceAccount web' })]);
    // Without the ServiceAccount in the set, its default (mount) counts.
    const alone = await scan({ 'shop/deployment.yaml': deployment });
    expect(alone.findings.filter((f) => f.ruleId === 'automount-service-account-token').map((f) => f.message)).toEqual([
      'Deployment shop/web: The pod spec does not set automountServiceAccountToken: false, and ServiceAccount web is not rendered with it, so every container gets a Kubernetes API token mounted.'
    ]);
  });

  test('with relations: revision, what deploys to another cluster is another set; each cluster is judged at its kubeVersion', async () => {
    const app = (name: string, path: string, server: string) =>
      lines('apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', `  name: ${name}`, '  namespace: argocd', 'spec:', '  project: default', '  source:', '    repoURL: https://github.com/acme/gitops', '    targetRevision: HEAD', `    path: ${path}`, '  destination:', `    server: ${server}`, '    namespace: shop');
    const config = lines('relations: revision', 'repositoryURLs: [https://github.com/acme/gitops]', 'clusters:', '  - { name: prod, server: https://prod.example.com, kubeVersion: v1.31.0 }');
    // Pod-level resources are a v1.32 field: prod (v1.31) refuses them; the in-cluster default (v1.35) takes them.
    const deployment = DEPLOYMENT.replace('    spec:\n      containers:', '    spec:\n      resources: { limits: { cpu: "1" } }\n      containers:');
    const files = {
      '.gitops-gate.yaml': config,
      'argocd/shop.yaml': app('shop', 'shop', 'https://prod.example.com'),
      'argocd/platform.yaml': app('platform', 'platform', 'https://kubernetes.default.svc'),
      'shop/deployment.yaml': deployment,
      'platform/policy.yaml': POLICY('web')
    };
    const result = await scan(files);
    const byId = new Map(result.targets.map((t) => [t.id, t]));
    expect(byId.get('argocd:argocd/shop')).toMatchObject({ checked: true, objects: 1 });
    expect(byId.get('argocd:argocd/platform')).toMatchObject({ checked: true, objects: 1 });
    // The policy goes to the in-cluster cluster, the workload to prod: it isolates nothing there (and a cluster with
    // no pods in the scan cannot tell whether the selector matches).
    expect(result.findings.filter((f) => f.ruleId === 'network-policy-ingress-coverage').map((f) => f.target)).toEqual(['argocd:argocd/shop']);
    const schema = result.findings.filter((f) => f.ruleId === 'kubernetes-schema');
    expect(schema.map((f) => [f.target, f.location.file, f.location.line])).toEqual([['argocd:argocd/shop', 'shop/deployment.yaml', 13]]);
    expect(schema[0].message).toContain('(Kubernetes v1.31 schema)');
    // Both deploying to the same cluster: one set again, and the v1.35 default takes the field.
    const together = await scan({ ...files, 'argocd/shop.yaml': app('shop', 'shop', 'https://kubernetes.default.svc') });
    expect(together.findings.filter((f) => ['network-policy-ingress-coverage', 'network-policy-selector-match', 'kubernetes-schema'].includes(f.ruleId))).toEqual([]);
  });
});
