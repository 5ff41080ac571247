/**
 * default-namespace on real scans: a Helm release whose namespace is decided at deploy time is not "in the
 * default namespace"; a namespace written as `default` (template text, values, manifests) is, and so is a release
 * declared in `default`.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const cm = (name: string, namespaceLine: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${namespaceLine}data:\n  a: b\n`;

const CHART = {
  'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  'charts/app/values.yaml': 'ns: default\nnamespaceOverride: ""\n',
  'charts/app/templates/_helpers.tpl': '{{- define "app.namespace" -}}\n{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 -}}\n{{- end -}}\n',
  'charts/app/templates/release.yaml': cm('from-release', '  namespace: {{ .Release.Namespace | quote }}\n'),
  'charts/app/templates/helper.yaml': cm('from-helper', '  namespace: {{ include "app.namespace" . }}\n'),
  'charts/app/templates/none.yaml': cm('no-namespace', ''),
  'charts/app/templates/literal.yaml': cm('literal', '  namespace: default\n'),
  'charts/app/templates/values.yaml': cm('from-values', '  namespace: {{ .Values.ns }}\n'),
  'deploy/plain.yaml': `${cm('plain-default', '  namespace: default\n')}---\n${cm('plain-none', '')}`
};

async function defaultNamespaceFindings(files: Record<string, string>): Promise<{ target?: string; object?: string; file: string; line: number; message: string }[]> {
  const root = tempDir();
  writeTree(root, files);
  const result = await run({ root });
  return result.findings
    .filter((f) => f.ruleId === 'default-namespace')
    .map((f) => ({ target: f.target, object: f.object?.name, file: f.location.file, line: f.location.line, message: f.message }))
    .sort((a, b) => `${a.target}${a.object}`.localeCompare(`${b.target}${b.object}`));
}

describe('default-namespace', () => {
  test('a release whose namespace nobody declared: only the namespaces the chart and its values write are reported', async () => {
    expect(await defaultNamespaceFindings(CHART)).toEqual([
      {
        target: 'helm:charts/app',
        object: 'from-values',
        file: 'charts/app/values.yaml',
        line: 1,
        message: 'ConfigMap default/from-values: The object is placed in the "default" namespace; give the application a namespace of its own. (at metadata.namespace)'
      },
      {
        target: 'helm:charts/app',
        object: 'literal',
        file: 'charts/app/templates/literal.yaml',
        line: 5,
        message: 'ConfigMap default/literal: The object is placed in the "default" namespace; give the application a namespace of its own. (at metadata.namespace)'
      },
      {
        target: 'manifests:deploy',
        object: 'plain-default',
        file: 'deploy/plain.yaml',
        line: 5,
        message: 'ConfigMap default/plain-default: The object is placed in the "default" namespace; give the application a namespace of its own. (at metadata.namespace)'
      }
    ]);
  });

  test('a release declared in the default namespace: everything it installs there is reported', async () => {
    const findings = await defaultNamespaceFindings({ ...CHART, '.gitops-gate.yaml': 'charts:\n  - path: charts/app\n    namespace: default\n' });
    const release = 'is installed into its Helm release\'s namespace, and the release is declared in the "default" namespace';
    expect(findings.filter((f) => f.target === 'helm:charts/app').map((f) => [f.object, f.message.includes(release)])).toEqual([
      ['from-helper', true],
      ['from-release', true],
      ['from-values', false],
      ['literal', false],
      ['no-namespace', true]
    ]);
    expect(findings.find((f) => f.object === 'no-namespace')).toMatchObject({ file: 'charts/app/templates/none.yaml', line: 3 });
  });

  test('a release declared in its own namespace: only what the chart writes as default is reported', async () => {
    const findings = await defaultNamespaceFindings({ ...CHART, '.gitops-gate.yaml': 'charts:\n  - path: charts/app\n    namespace: shop\n' });
    expect(findings.filter((f) => f.target === 'helm:charts/app').map((f) => f.object)).toEqual(['from-values', 'literal']);
  });
});
