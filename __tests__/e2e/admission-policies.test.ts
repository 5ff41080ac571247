/**
 * The organisation's ValidatingAdmissionPolicies (config `admissionPolicies`) run on the rendered objects before
 * merge: a violation lands on the field the validation names, with the policy and binding related; params come from
 * the policy files; Warn bindings report at medium; what cannot be decided offline is not checked and blocks; in a
 * pull request the base revision's policies apply.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { scanTree } from '../helpers/scan-tree.js';
import { commitAll, gitRepo, removeDir, writeTree } from '../helpers/temp-repo.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const POLICY = lines(
  'apiVersion: admissionregistration.k8s.io/v1',
  'kind: ValidatingAdmissionPolicy',
  'metadata:',
  '  name: replica-limit',
  'spec:',
  '  failurePolicy: Fail',
  '  paramKind: { apiVersion: v1, kind: ConfigMap }',
  '  matchConstraints:',
  '    resourceRules:',
  '      - apiGroups: [apps]',
  '        apiVersions: [v1]',
  '        operations: [CREATE, UPDATE]',
  '        resources: [deployments]',
  '  variables:',
  '    - name: limit',
  '      expression: int(params.data.maxReplicas)',
  '  validations:',
  '    - expression: object.spec.replicas <= variables.limit',
  '      messageExpression: "\'replicas must be at most \' + string(variables.limit)"',
  '      reason: Invalid',
  '    - expression: object.spec.template.spec.containers.all(c, !c.image.endsWith(":latest"))',
  '      message: images must not use the latest tag',
  '---',
  'apiVersion: admissionregistration.k8s.io/v1',
  'kind: ValidatingAdmissionPolicyBinding',
  'metadata:',
  '  name: replica-limit-prod',
  'spec:',
  '  policyName: replica-limit',
  '  validationActions: [Deny]',
  '  paramRef: { name: replica-limit, namespace: policies, parameterNotFoundAction: Deny }',
  '  matchResources:',
  '    namespaceSelector:',
  '      matchLabels: { kubernetes.io/metadata.name: shop }',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: { name: replica-limit, namespace: policies }',
  'data: { maxReplicas: "5" }'
);

const deployment = (namespace: string, replicas: number, image = 'nginx:1.27') =>
  lines(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    `  namespace: ${namespace}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector: { matchLabels: { app: web } }',
    '  template:',
    '    metadata: { labels: { app: web } }',
    '    spec:',
    '      containers:',
    '        - name: web',
    `          image: ${image}`
  );

const CONFIG = lines('admissionPolicies: [policies]', 'rules:', '  only: [pss-privileged]');

const scan = (files: Record<string, string>) => scanTree(files, 'gg-vap-');

const admission = (result: Awaited<ReturnType<typeof scan>>) => result.findings.filter((f) => f.ruleId.startsWith('admission-policy-'));

describe('ValidatingAdmissionPolicies before merge', () => {
  test('a violation lands on the field, with the message the API server prints, the policy and binding related', async () => {
    const result = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': POLICY, 'shop/web.yaml': deployment('shop', 8, 'nginx:latest') });
    const found = admission(result);
    expect(found.map((f) => [f.ruleId, f.severity, f.location.file, f.location.line])).toEqual([
      ['admission-policy-deny', 'high', 'shop/web.yaml', 7],
      ['admission-policy-deny', 'high', 'shop/web.yaml', 12]
    ]);
    expect(found[0].message).toBe(
      "Deployment shop/web: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-prod' (params policies/replica-limit) denied request: replicas must be at most 5"
    );
    expect(found[0].related).toEqual([
      expect.objectContaining({ file: 'policies/replicas.yaml', line: 18, label: 'policy replica-limit, validation 1' }),
      expect.objectContaining({ file: 'policies/replicas.yaml', line: 29, label: 'binding replica-limit-prod' })
    ]);
    expect(found[1].message).toContain('images must not use the latest tag');
    expect(result.blocking.map((f) => f.ruleId)).toEqual(['admission-policy-deny', 'admission-policy-deny']);
  });

  test('objects the binding does not select, and objects that pass, have no findings', async () => {
    const result = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': POLICY, 'shop/web.yaml': deployment('shop', 3), 'lab/web.yaml': deployment('lab', 50) });
    expect(admission(result)).toEqual([]);
  });

  test('a Warn binding reports at medium and does not block at the default threshold', async () => {
    const warn = POLICY.replace('validationActions: [Deny]', 'validationActions: [Warn, Audit]');
    const result = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': warn, 'shop/web.yaml': deployment('shop', 8) });
    expect(admission(result).map((f) => [f.ruleId, f.severity])).toEqual([['admission-policy-warn', 'medium']]);
    expect(admission(result)[0].message).toContain("with binding 'replica-limit-prod' (params policies/replica-limit) warns: replicas must be at most 5");
    expect(result.blocking).toEqual([]);
  });

  test('a missing param denies as the binding says; failurePolicy Ignore lets an erroring expression through', async () => {
    const noParam = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': POLICY.replace('name: replica-limit, namespace: policies', 'name: other, namespace: policies'), 'shop/web.yaml': deployment('shop', 1) });
    expect(admission(noParam).map((f) => f.message)).toEqual([
      "Deployment shop/web: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-prod' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"
    ]);
    const erroring = POLICY.replace('int(params.data.maxReplicas)', 'int(params.data.missing)');
    const failing = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': erroring, 'shop/web.yaml': deployment('shop', 1) });
    expect(admission(failing).map((f) => f.message)).toEqual([
      "Deployment shop/web: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-prod' (params policies/replica-limit) denied request: expression 'object.spec.replicas <= variables.limit' resulted in error: no such key: missing"
    ]);
    const ignoring = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': erroring.replace('failurePolicy: Fail', 'failurePolicy: Ignore'), 'shop/web.yaml': deployment('shop', 1) });
    expect(admission(ignoring)).toEqual([]);
  });

  test('what cannot be decided offline is not checked, and blocks', async () => {
    const authz = POLICY.replace("object.spec.replicas <= variables.limit", "authorizer.group('apps').resource('deployments').check('scale').allowed()");
    const result = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': authz, 'shop/web.yaml': deployment('shop', 1) });
    expect(admission(result).map((f) => [f.ruleId, f.location.file, f.location.line])).toEqual([['admission-policy-not-checked', 'shop/web.yaml', 1]]);
    expect(admission(result)[0].message).toContain('could not be evaluated before merge: validations[0]');
    expect(admission(result)[0].message).toContain('asks the authorizer, which only the cluster can answer');
    expect(result.blocking.map((f) => f.ruleId)).toEqual(['admission-policy-not-checked']);

    const selector = POLICY.replace('matchLabels: { kubernetes.io/metadata.name: shop }', 'matchLabels: { tier: prod }');
    const unknownNamespace = await scan({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': selector, 'shop/web.yaml': deployment('shop', 1) });
    expect(admission(unknownNamespace)[0].message).toContain('its namespaceSelector reads labels of Namespace shop, which this revision does not render');
    // The Namespace may be rendered by another target of the revision (a cluster folder, a platform overlay).
    const withNamespace = await scan({
      '.gitops-gate.yaml': CONFIG,
      'policies/replicas.yaml': selector,
      'shop/web.yaml': deployment('shop', 9),
      'cluster/namespaces.yaml': lines('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: { tier: prod }')
    });
    expect(admission(withNamespace).map((f) => f.ruleId)).toEqual(['admission-policy-deny']);
  });

  test('a policy file that does not parse is a configuration error naming it', async () => {
    await expect(scan({ '.gitops-gate.yaml': CONFIG, 'policies/broken.yaml': 'kind: [', 'shop/web.yaml': deployment('shop', 1) })).rejects.toThrow(/admissionPolicies: policies\/broken.yaml:1/);
    await expect(scan({ '.gitops-gate.yaml': CONFIG, 'shop/web.yaml': deployment('shop', 1) })).rejects.toThrow('admissionPolicies: policies does not exist in the repository');
  });

  test("in a pull request the base revision's policies apply: deleting the binding does not switch the check off", async () => {
    const root = gitRepo({ '.gitops-gate.yaml': CONFIG, 'policies/replicas.yaml': POLICY, 'shop/web.yaml': deployment('shop', 2) });
    try {
      writeTree(root, { 'policies/replicas.yaml': POLICY.split('---')[0], 'shop/web.yaml': deployment('shop', 20) });
      commitAll(root, 'more replicas, no binding');
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.blocking.map((f) => [f.ruleId, f.location.line])).toEqual([['admission-policy-deny', 7]]);
      expect(result.notes.join('\n')).toContain('This change edits the gitops-gate policy (policies/replicas.yaml)');
    } finally {
      removeDir(root);
    }
  });
});
