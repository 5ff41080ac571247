import { describe, expect, it } from '@jest/globals';
import { formatJson } from '../../src/report/json.js';
import { formatText, sanitizeForTerminal, type TextOptions } from '../../src/report/text.js';
import { finding, sampleFindings } from '../helpers/report-fixtures.js';

const OPTS: TextOptions = { baseScanned: true, failOn: 'high', blockingCount: 2, targetsScanned: 3, objectsScanned: 17 };

describe('formatText', () => {
  it('groups findings by file with severity, rule, message, status and related locations', () => {
    const out = formatText(sampleFindings(), OPTS);
    expect(out).toBe(
      [
        'charts/api/templates/deployment.yaml',
        '  charts/api/templates/deployment.yaml:28:9  HIGH      run-as-non-root  Deployment payments/api: container "api" may run as root.  [existing]',
        '',
        'charts/api/values.yaml',
        '  charts/api/values.yaml:12:5  CRITICAL  pss-privileged  Deployment payments/api: container "api" runs privileged (spec.template.spec.containers[0].securityContext.privileged).  [new]',
        '      ↳ template: charts/api/templates/deployment.yaml:30:11',
        '      ↳ values: charts/api/values.yaml:12',
        '',
        'deploy/broken.yaml',
        '  deploy/broken.yaml:14:3  MEDIUM    invalid-yaml  deploy/broken.yaml: invalid YAML in document 2: bad indentation  [new]',
        '',
        'deploy/rbac.yaml',
        '  deploy/rbac.yaml:3  LOW       missing-resource-limits  ClusterRole admin: something low.  [existing]',
        '',
        'overlays/prod/kustomization.yaml',
        '  overlays/prod/kustomization.yaml:1  HIGH      path-outside-repository  overlays/prod/kustomization.yaml: resource ../../../etc/passwd leaves the repository  [new]',
        '',
        'overlays/prod/patch image.yaml',
        '  overlays/prod/patch image.yaml:7  MEDIUM    image-latest-tag  Deployment web/frontend: image "nginx:latest" uses the latest tag.  [new]',
        '      ↳ base: base/deployment.yaml:19:16',
        '',
        '6 findings: 1 critical, 2 high, 2 medium, 1 low (4 new, 2 existing)',
        'Scanned 3 targets, 17 objects.',
        '✖ 2 blocking findings (new, at or above high)',
        ''
      ].join('\n')
    );
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
