/** The job summary's table of rendered objects added, changed and removed per target. */
import { describe, expect, test } from '@jest/globals';
import { buildSummary } from '../../src/report/summary.js';
import { finding, RULES } from '../helpers/report-fixtures.js';

const base = { rules: RULES, baseScanned: true, failOn: 'high' as const, blocking: 0, targets: [{ id: 'kustomize:apps/prod', objects: 2 }] };

describe('buildSummary with targetDiffs', () => {
  test('lists objects added, changed and removed, escaped', () => {
    const text = buildSummary({
      ...base,
      findings: [finding()],
      targetDiffs: [
        {
          target: 'kustomize:apps/prod',
          added: [{ apiVersion: 'v1', kind: 'Service', name: 'api|x', namespace: 'prod' }],
          changed: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', namespace: 'prod' }],
          removed: [{ apiVersion: 'v1', kind: 'ConfigMap', name: '@old' }]
        },
        { target: 'kustomize:apps/dev', added: [], changed: [], removed: [] }
      ]
    });
    expect(text).toContain('Rendered objects: 1 added, 1 changed, 1 removed between base and head (1 target)');
    expect(text).toContain('| kustomize:apps/prod | added | Service prod/api\\|x | v1 |');
    expect(text).toContain('| kustomize:apps/prod | changed | Deployment prod/api | apps/v1 |');
    expect(text).not.toMatch(/ConfigMap @old/);
  });

  test('no section without targetDiffs; a note when nothing differs', () => {
    expect(buildSummary({ ...base, findings: [] })).not.toContain('Rendered objects');
    expect(buildSummary({ ...base, findings: [], targetDiffs: [{ target: 't', added: [], changed: [], removed: [] }] })).toContain('No rendered object differs');
  });

  test('the table is trimmed with a visible note to stay under the size budget', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: `cm-${i}`, namespace: 'prod' }));
    const text = buildSummary({ ...base, findings: [], targetDiffs: [{ target: 't', added: many, changed: [], removed: [] }], maxBytes: 50_000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(50_000);
    expect(text).toMatch(/Only \d+ of 5000 rendered-object changes are listed/);
  });
});
