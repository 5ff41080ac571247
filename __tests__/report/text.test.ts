import { describe, expect, it } from '@jest/globals';
import { formatJson } from '../../src/report/json.js';
import { formatText, sanitizeForTerminal, type TextOptions } from '../../src/report/text.js';
import type { Finding } from '../../src/analyze/types.js';
import { finding, sampleFindings } from '../helpers/report-fixtures.js';

const OPTS: TextOptions = { baseScanned: true, failOn: 'high', blockingCount: 2, targetsScanned: 3, objectsScanned: 17 };

/** The lines of sampleFindings() at or above high, and their summary by rule. */
const CRITICAL_AND_HIGH = [
  '  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).  [new]  in helm:charts/api',
  '      ↳ template: charts/api/templates/deployment.yaml:30:11',
  '      ↳ values: charts/api/values.yaml:12',
  '',
  '  overlays/prod/kustomization.yaml:1  HIGH      path-outside-repository  overlays/prod/kustomization.yaml: resource ../../../etc/passwd leaves the repository  [new]  in kustomize:overlays/prod',
  '  charts/api/templates/deployment.yaml:28:9  HIGH      run-as-non-root  Deployment payments/api: container "api" may run as root.  [existing]  in helm:charts/api'
];
const SUMMARY_CRITICAL_AND_HIGH = [
  'Findings by rule:',
  '  CRITICAL  pss-privileged           1  (1 new)',
  '  HIGH      path-outside-repository  1  (1 new)',
  '  HIGH      run-as-non-root          1  (1 existing)'
];

describe('formatText', () => {
  it('lists findings most severe first, each naming its target, then a summary by rule, the counts and the verdict', () => {
    const out = formatText(sampleFindings(), OPTS);
    expect(out).toBe(
      [
        ...CRITICAL_AND_HIGH,
        '',
        '  deploy/broken.yaml:14:3  MEDIUM    invalid-yaml  deploy/broken.yaml: invalid YAML in document 2: bad indentation  [new]  (no target)',
        '  overlays/prod/patch image.yaml:7  MEDIUM    image-latest-tag  Deployment web/frontend: image "nginx:latest" uses the latest tag.  [new]  in kustomize:overlays/prod',
        '      ↳ base: base/deployment.yaml:19:16',
        '',
        '  deploy/rbac.yaml:3  LOW       missing-resource-limits  ClusterRole admin: something low.  [existing]  in manifests:deploy',
        '',
        ...SUMMARY_CRITICAL_AND_HIGH,
        '  MEDIUM    image-latest-tag         1  (1 new)',
        '  MEDIUM    invalid-yaml             1  (1 new)',
        '  LOW       missing-resource-limits  1  (1 existing)',
        '',
        '6 findings: 1 critical, 2 high, 2 medium, 1 low (4 new, 2 existing)',
        'Scanned 3 targets, 17 objects.',
        '✖ 2 blocking findings (new, at or above high)',
        ''
      ].join('\n')
    );
  });

  it('merges the same finding from several targets into one line that lists them; different ones stay apart', () => {
    const at = (target: string, overrides: Partial<Finding> = {}) => finding({ target, related: [], ...overrides });
    const findings = [
      at('helm:charts/api@staging'),
      at('helm:charts/api@prod'),
      at('helm:charts/api'),
      at('helm:charts/api@prod', { location: { file: 'charts/api/values-prod.yaml', line: 3 } }),
      at('helm:charts/api@dev', { status: 'existing' })
    ];
    expect(formatText(findings, { ...OPTS, blockingCount: 4 }).split('\n').slice(0, 3)).toEqual([
      '  charts/api/values-prod.yaml:3  CRITICAL  pss-privileged  Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).  [new]  in helm:charts/api@prod',
      '  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).  [new]  in helm:charts/api, helm:charts/api@prod, helm:charts/api@staging',
      '  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).  [existing]  in helm:charts/api@dev'
    ]);
    // The summary and the counts count findings, not lines.
    expect(formatText(findings, { ...OPTS, blockingCount: 4 })).toContain('\n  CRITICAL  pss-privileged  5  (4 new, 1 existing)\n\n5 findings: 5 critical (4 new, 1 existing)\n');
  });

  it('names at most five targets on a line and counts the others', () => {
    const findings = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((t) => finding({ target: `helm:charts/${t}`, related: [] }));
    const line = formatText(findings, OPTS).split('\n')[0];
    expect(line.slice(line.indexOf('  [new]'))).toBe('  [new]  in 7 targets: helm:charts/a, helm:charts/b, helm:charts/c, helm:charts/d, helm:charts/e and 2 more');
  });

  it('caps a message at 300 characters; the full text stays in the finding', () => {
    const long = `Deployment a/b: ${'x'.repeat(400)}`;
    const line = formatText([finding({ message: long, related: [] })], OPTS).split('\n')[0];
    expect(line).toBe(`  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  ${long.slice(0, 299)}…  [new]  in helm:charts/api`);
  });

  it('--min-severity hides the lower findings from the list and the summary, says how many, and keeps the counts and verdict', () => {
    const out = formatText(sampleFindings(), { ...OPTS, minSeverity: 'high' });
    expect(out).toBe(
      [
        ...CRITICAL_AND_HIGH,
        '',
        ...SUMMARY_CRITICAL_AND_HIGH,
        '',
        '6 findings: 1 critical, 2 high, 2 medium, 1 low (4 new, 2 existing)',
        '3 findings below high not shown (--min-severity high).',
        'Scanned 3 targets, 17 objects.',
        '✖ 2 blocking findings (new, at or above high)',
        ''
      ].join('\n')
    );
  });

  it('--quiet shows only the counts, the coverage and the verdict', () => {
    const coverage = { targets: 3, checked: 2, unchecked: 1, uncheckedFiles: 0, skipped: [], budgetExhausted: false };
    expect(formatText(sampleFindings(), { ...OPTS, quiet: true, coverage })).toBe(
      [
        '6 findings: 1 critical, 2 high, 2 medium, 1 low (4 new, 2 existing)',
        'Findings not shown (--quiet).',
        'Scanned 3 targets, 17 objects.',
        '2 of 3 targets checked, 1 could not be checked (see findings).',
        '✖ 2 blocking findings (new, at or above high)',
        ''
      ].join('\n')
    );
    expect(formatText([], { ...OPTS, quiet: true, blockingCount: 0 })).toBe('No findings.\nScanned 3 targets, 17 objects.\n✔ no blocking findings\n');
  });

  it('has no colour unless asked, and colours when asked', () => {
    // eslint-disable-next-line no-control-regex
    expect(formatText(sampleFindings(), OPTS)).not.toMatch(/\u001b\[/);
    const coloured = formatText(sampleFindings(), { ...OPTS, color: true });
    expect(coloured).toContain('\u001b[31m✖ 2 blocking findings');
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(formatText(sampleFindings(), OPTS));
  });

  it('leaves out new/existing without a base', () => {
    const out = formatText([finding({ location: { file: 'a.yaml', line: 2 } })], { ...OPTS, baseScanned: false, blockingCount: 1 });
    expect(out).not.toContain('[new]');
    expect(out).toContain('1 finding: 1 critical (no base scanned: all treated as new)');
    expect(out).toContain('✖ 1 blocking finding (new, at or above high)');
  });

  it('reports a clean scan', () => {
    expect(formatText([], { ...OPTS, blockingCount: 0, targetsScanned: 1, objectsScanned: 1 })).toBe('No findings.\nScanned 1 target, 1 object.\n✔ no blocking findings\n');
    expect(formatText([], { ...OPTS, failOn: 'none', blockingCount: 0 })).toContain('✔ no blocking findings (gate disabled)');
  });

  it('does not pass terminal escapes from the repository through', () => {
    const out = formatText([finding({ message: 'evil \u001b[2J\u001b]0;title\u0007 text\r\nsecond', location: { file: 'x\u001b[31m.yaml', line: 1 } })], OPTS);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\r');
    expect(out).toContain('evil \\u001b[2J');
    expect(sanitizeForTerminal('a\u202Eb')).toBe('a\\u202eb');
  });

  it('writes line breaks in messages as \\n, one finding per line, never as \\u000a', () => {
    const out = formatText([finding({ message: 'helm: template failed:\n  at line 3\r\n  in x', related: [] })], OPTS);
    expect(out.split('\n')[0]).toBe('  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  helm: template failed:\\n  at line 3\\r\\n  in x  [new]  in helm:charts/api');
    expect(out).not.toContain('\\u000a');
    expect(sanitizeForTerminal('a\tb')).toBe('a b');
  });
});

describe('formatJson', () => {
  it('has the documented shape', () => {
    const report = JSON.parse(
      formatJson(sampleFindings(), {
        ...OPTS,
        toolVersion: '1.2.3',
        baseCommit: 'abc123',
        targets: [{ id: 'kustomize:overlays/prod', kind: 'kustomize', path: 'overlays/prod', objects: 17 }],
        notes: ['policy edited']
      })
    );
    expect(Object.keys(report)).toEqual(['version', 'tool', 'summary', 'base', 'targets', 'notes', 'findings']);
    expect(report.base).toBe('abc123');
    expect(report.targets).toEqual([{ id: 'kustomize:overlays/prod', kind: 'kustomize', path: 'overlays/prod', objects: 17 }]);
    expect(report.notes).toEqual(['policy edited']);
    expect(report.version).toBe(1);
    expect(report.tool).toEqual({ name: 'gitops-gate', version: '1.2.3' });
    expect(report.summary).toEqual({
      total: 6,
      bySeverity: { critical: 1, high: 2, medium: 2, low: 1 },
      new: 4,
      existing: 2,
      baseScanned: true,
      failOn: 'high',
      blocking: 2,
      targets: 3,
      objects: 17,
      verdict: 'fail'
    });
    expect(report.findings.map((f: { location: { file: string } }) => f.location.file)).toEqual([
      'charts/api/templates/deployment.yaml',
      'charts/api/values.yaml',
      'deploy/broken.yaml',
      'deploy/rbac.yaml',
      'overlays/prod/kustomization.yaml',
      'overlays/prod/patch image.yaml'
    ]);
    const priv = report.findings[1];
    expect(priv).toMatchObject({
      ruleId: 'pss-privileged',
      severity: 'critical',
      status: 'new',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'payments' },
      target: 'helm:charts/api',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      jsonPath: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged'],
      location: { file: 'charts/api/values.yaml', line: 12, column: 5 }
    });
    expect(priv.related).toHaveLength(2);
    const input = report.findings[2];
    expect('object' in input).toBe(false);
    expect('target' in input).toBe(false);
    expect(input.path).toBe('');
  });

  it('is stable whatever the input order', () => {
    const opts = { ...OPTS, toolVersion: '1' };
    const findings = sampleFindings();
    expect(formatJson([...findings].reverse(), opts)).toBe(formatJson(findings, opts));
    expect(formatText([...findings].reverse(), OPTS)).toBe(formatText(findings, OPTS));
  });
});
