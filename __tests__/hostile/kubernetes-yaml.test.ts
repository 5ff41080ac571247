/**
 * Objects are read as Kubernetes reads them. kubectl, Helm, Argo CD and Flux decode manifests with sigs.k8s.io/yaml
 * (go-yaml v2, YAML 1.1): `privileged: yes` is `true` and `<<` merges a mapping. A gate that read YAML 1.2 would see
 * the string "yes" and a key named "<<", and pass a privileged Pod that the cluster runs.
 */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const scan = (files: Record<string, string>) => scanTree(files, 'gg-k8s-yaml-');

const pod = (lines: string[]) => ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: web', ...lines, ''].join('\n');

describe('manifests read as sigs.k8s.io/yaml reads them', () => {
  test('`privileged: yes` and `hostNetwork: on` are booleans, flagged on their lines', async () => {
    const result = await scan({
      'apps/pod.yaml': pod(['spec:', '  hostNetwork: on', '  containers:', '    - name: web', '      image: nginx:1.27', '      securityContext:', '        privileged: yes'])
    });
    expect(result.targets.map((t) => t.checked)).toEqual([true]);
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.location).toMatchObject({ file: 'apps/pod.yaml', line: 11 });
    expect(result.findings.find((f) => f.ruleId === 'pss-host-namespaces')?.location).toMatchObject({ file: 'apps/pod.yaml', line: 6 });
  });

  test('a quoted "yes" stays a string, as Kubernetes reads it', async () => {
    const result = await scan({
      'apps/pod.yaml': pod(['spec:', '  containers:', '    - name: web', '      image: nginx:1.27', '      securityContext:', '        privileged: "yes"'])
    });
    expect(result.findings.some((f) => f.ruleId === 'pss-privileged')).toBe(false);
  });

  test('a merge key brings `privileged: true` from an anchor: flagged where the anchor writes it', async () => {
    const result = await scan({
      'apps/pods.yaml': [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: a',
        'spec:',
        '  containers:',
        '    - name: a',
        '      image: nginx:1.27',
        '      securityContext: &privileged',
        '        privileged: false',
        '    - name: b',
        '      image: nginx:1.27',
        '      securityContext:',
        '        <<: *privileged',
        '        runAsNonRoot: true',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: b',
        'spec:',
        '  containers:',
        '    - name: b',
        '      image: nginx:1.27',
        '      securityContext:',
        '        <<: &base',
        '          privileged: true',
        '          allowPrivilegeEscalation: false',
        '        runAsNonRoot: true',
        ''
      ].join('\n')
    });
    expect(result.targets.map((t) => t.checked)).toEqual([true]);
    const privileged = result.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged.map((f) => [f.object?.name, f.location?.line])).toEqual([['b', 27]]);
    // The merged key is read as a field, not as a literal key named "<<".
    expect(result.findings.some((f) => f.message.includes('<<'))).toBe(false);
  });

  test('an explicit key before a merge that brings another value: readers disagree, so the object is not checked', async () => {
    const result = await scan({
      'apps/pod.yaml': pod([
        'spec:',
        '  containers:',
        '    - name: web',
        '      image: nginx:1.27',
        '      securityContext:',
        '        privileged: false',
        '        <<: {privileged: true}'
      ])
    });
    expect(result.targets.map((t) => t.checked)).toEqual([false]);
    expect(result.findings.find((f) => f.ruleId === 'ambiguous-yaml')).toMatchObject({
      severity: 'high',
      location: { file: 'apps/pod.yaml' },
      message: expect.stringContaining('cannot be read unambiguously')
    });
  });

  test('Helm output is read the same way: a value "yes" printed unquoted is privileged', async () => {
    const result = await scan({
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/values.yaml': 'privileged: "yes"\n',
      'chart/templates/pod.yaml': pod(['spec:', '  containers:', '    - name: web', '      image: nginx:1.27', '      securityContext:', '        privileged: {{ .Values.privileged }}'])
    });
    expect(result.targets.map((t) => [t.id, t.checked])).toEqual([['helm:chart', true]]);
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')).toMatchObject({ location: { file: 'chart/values.yaml', line: 1 } });
  });

  test('150 aliases of one scalar are read: only an expansion past the value limit is refused', async () => {
    const env = Array.from({ length: 150 }, (_, i) => `        - {name: V${i}, value: *v}`);
    const result = await scan({
      'apps/pod.yaml': pod(['  labels: {tier: &v web}', 'spec:', '  containers:', '    - name: web', '      image: nginx:1.27', '      securityContext:', '        privileged: true', '      env:', ...env])
    });
    expect(result.targets.map((t) => t.checked)).toEqual([true]);
    expect(result.findings.some((f) => f.ruleId === 'pss-privileged')).toBe(true);
  });
});
