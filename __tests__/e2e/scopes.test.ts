/**
 * What applies to each object: a workload is checked at the Pod Security level its Namespace (rendered with it)
 * enforces, and profiles bound to labels or namespaces change its rules, severities, level and threshold.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;
const namespace = (name: string, labels: string[]) => lines('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', ...labels.map((l) => `    ${l}`));
/** Baseline-clean but not restricted: runs as root, no seccomp profile, capabilities kept. */
const deployment = (ns: string, labels: string[] = []) =>
  lines(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    `  namespace: ${ns}`,
    ...(labels.length > 0 ? ['  labels:', ...labels.map((l) => `    ${l}`)] : []),
    'spec:',
    '  selector:',
    '    matchLabels: { app: web }',
    '  template:',
    '    metadata:',
    '      labels: { app: web }',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: nginx:1.27',
    '          securityContext:',
    '            privileged: true'
  );

const scan = (files: Record<string, string>) => scanTree(files, 'gg-scope-');

const pssRules = (result: Awaited<ReturnType<typeof scan>>, kind = 'Deployment') =>
  [...new Set(result.findings.filter((f) => f.ruleId.startsWith('pss-') && f.object?.kind === kind).map((f) => f.ruleId))].sort();

describe('the Pod Security level a Namespace enforces', () => {
  test('a workload in a namespace enforcing baseline is checked at baseline, the label related; the namespace is reported', async () => {
    const result = await scan({ 'shop/namespace.yaml': namespace('shop', ['pod-security.kubernetes.io/enforce: baseline']), 'shop/web.yaml': deployment('shop') });
    expect(pssRules(result)).toEqual(['pss-privileged']);
    const privileged = result.findings.find((f) => f.ruleId === 'pss-privileged')!;
    expect(privileged.related).toContainEqual(expect.objectContaining({ file: 'shop/namespace.yaml', line: 6, label: 'Namespace shop enforces the baseline level' }));
    expect(result.findings.filter((f) => f.ruleId === 'namespace-pss-lowered').map((f) => [f.location.file, f.location.line])).toEqual([['shop/namespace.yaml', 6]]);
  });

  test('a Namespace another target renders counts too; without one, or with pss.namespaceLabels off, the configured level applies', async () => {
    const apart = await scan({ 'cluster/namespace.yaml': namespace('shop', ['pod-security.kubernetes.io/enforce: baseline']), 'shop/web.yaml': deployment('shop') });
    expect(pssRules(apart)).toEqual(['pss-privileged']);
    const none = await scan({ 'cluster/namespace.yaml': namespace('other', ['pod-security.kubernetes.io/enforce: baseline']), 'shop/web.yaml': deployment('shop') });
    expect(pssRules(none)).toContain('pss-run-as-non-root');
    const off = await scan({
      '.gitops-gate.yaml': lines('pss:', '  namespaceLabels: false'),
      'shop/namespace.yaml': namespace('shop', ['pod-security.kubernetes.io/enforce: baseline']),
      'shop/web.yaml': deployment('shop')
    });
    expect(pssRules(off)).toContain('pss-run-as-non-root');
  });

  test('a namespace enforcing restricted raises a baseline configuration, at the version it pins', async () => {
    const result = await scan({
      '.gitops-gate.yaml': lines('pss:', '  level: baseline'),
      'shop/namespace.yaml': namespace('shop', ['pod-security.kubernetes.io/enforce: restricted', 'pod-security.kubernetes.io/enforce-version: v1.24']),
      'shop/web.yaml': deployment('shop'),
      'other/web.yaml': deployment('other')
    });
    const inShop = new Set(result.findings.filter((f) => f.ruleId.startsWith('pss-') && f.object?.namespace === 'shop').map((f) => f.ruleId));
    const inOther = new Set(result.findings.filter((f) => f.ruleId.startsWith('pss-') && f.object?.namespace === 'other').map((f) => f.ruleId));
    expect([...inShop]).toEqual(expect.arrayContaining(['pss-privileged', 'pss-run-as-non-root', 'pss-seccomp-profile-restricted', 'pss-capabilities-restricted']));
    expect([...inOther]).toEqual(['pss-privileged']);
    expect(result.findings.some((f) => f.ruleId === 'namespace-pss-lowered')).toBe(false);
  });

  test('a privileged namespace drops the workload PSS findings but is itself reported', async () => {
    const result = await scan({ 'node/namespace.yaml': namespace('node', ['pod-security.kubernetes.io/enforce: privileged']), 'node/web.yaml': deployment('node') });
    expect(pssRules(result)).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'namespace-pss-lowered')).toHaveLength(1);
    expect(result.blocking.map((f) => f.ruleId)).toEqual([]);
  });
});

describe('profiles', () => {
  const config = lines(
    'failOn: critical',
    'pss:',
    '  level: baseline',
    'profiles:',
    '  - name: pci',
    '    match: { labels: { compliance: pci } }',
    '    pss: { level: restricted }',
    '    failOn: medium',
    '    rules:',
    '      disable: [network-policy-ingress-coverage]',
    '      severity: { pss-run-as-non-root: critical }',
    '  - name: payments',
    '    match: { namespaces: [payments-*] }',
    '    failOn: high'
  );

  test('objects labelled compliance: pci get the restricted level, their severities and threshold; others keep the config', async () => {
    const result = await scan({ '.gitops-gate.yaml': config, 'pci/web.yaml': deployment('card', ['compliance: pci']), 'plain/web.yaml': deployment('plain') });
    const card = result.findings.filter((f) => f.object?.namespace === 'card');
    const plain = result.findings.filter((f) => f.object?.namespace === 'plain');
    expect(card.find((f) => f.ruleId === 'pss-run-as-non-root')).toMatchObject({ severity: 'critical', profiles: ['pci'], failOn: 'medium' });
    expect(card.some((f) => f.ruleId === 'network-policy-ingress-coverage')).toBe(false);
    expect(plain.some((f) => f.ruleId === 'pss-run-as-non-root')).toBe(false);
    expect(plain.some((f) => f.ruleId === 'network-policy-ingress-coverage')).toBe(true);
    expect(plain.every((f) => f.profiles === undefined && f.failOn === undefined)).toBe(true);
    // The pci workload's medium and high findings block; the plain one's only at critical.
    const blocking = new Set(result.blocking.map((f) => `${f.object?.namespace}/${f.ruleId}`));
    expect(blocking.has('card/pss-run-as-non-root')).toBe(true);
    expect(blocking.has('card/pss-seccomp-profile-restricted')).toBe(true);
    expect(blocking.has('plain/pss-privileged')).toBe(true);
    expect([...blocking].filter((b) => b.startsWith('plain/')).every((b) => result.findings.find((f) => `${f.object?.namespace}/${f.ruleId}` === b)!.severity === 'critical')).toBe(true);
  });

  test("a Namespace's labels bind its objects to the profile; a namespace glob binds by name; the strictest threshold wins", async () => {
    const result = await scan({
      '.gitops-gate.yaml': config,
      'payments-eu/namespace.yaml': namespace('payments-eu', ['compliance: pci']),
      'payments-eu/web.yaml': deployment('payments-eu')
    });
    const web = result.findings.filter((f) => f.object?.kind === 'Deployment');
    expect(web.find((f) => f.ruleId === 'pss-run-as-non-root')).toMatchObject({ profiles: ['pci', 'payments'], failOn: 'medium' });
  });

  test('a profile naming an unknown rule is a configuration error', async () => {
    await expect(
      scan({ '.gitops-gate.yaml': lines('profiles:', '  - name: x', '    match: { labels: { a: b } }', '    rules: { enable: [no-such-rule] }'), 'a/web.yaml': deployment('a') })
    ).rejects.toThrow(/profile "x": unknown rule id "no-such-rule"/);
  });

  test('a profile without a match is refused by the schema', async () => {
    await expect(scan({ '.gitops-gate.yaml': lines('profiles:', '  - name: x', '    match: {}'), 'a/web.yaml': deployment('a') })).rejects.toThrow(/match/);
  });
});
