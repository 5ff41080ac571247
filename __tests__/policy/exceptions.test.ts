import { describe, expect, test } from '@jest/globals';
import type { Finding } from '../../src/analyze/types.js';
import { applyExceptions } from '../../src/policy/exceptions.js';
import { blockingFindings } from '../../src/policy/gate.js';
import { buildAnnotations } from '../../src/report/annotations.js';
import { buildSarif } from '../../src/report/sarif.js';

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'pss-host-path-volumes',
  severity: 'critical',
  message: 'hostPath volumes',
  object: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'platform', name: 'log-agent' },
  target: 'manifests:platform',
  path: ['spec'],
  location: { file: 'platform/log-agent.yaml', line: 40 },
  related: [],
  fingerprint: 'fp1',
  status: 'new',
  ...over
});

describe('exceptions', () => {
  const exceptions = [
    { rule: 'pss-host-path-volumes', object: 'DaemonSet/platform/*', reason: 'the log agent reads node logs', expires: '2027-01-31' },
    { rule: '*', file: 'legacy/**', reason: 'legacy apps, tracked in JIRA-12' },
    { rule: 'rbac-wildcard', target: 'manifests:*', reason: 'expired one', expires: '2026-01-01' }
  ];

  test('a matching live exception suppresses the finding; it no longer blocks', () => {
    const { findings } = applyExceptions([finding({})], exceptions, '2026-11-22', '.gitops-gate.yaml');
    expect(findings[0].suppression).toEqual({ reason: 'the log agent reads node logs', source: '.gitops-gate.yaml', expires: '2027-01-31' });
    expect(blockingFindings(findings, 'high')).toEqual([]);
    expect(buildAnnotations(findings)).toEqual([]);
  });

  test('object, file and target globs must all match', () => {
    const other = finding({ object: { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'apps', name: 'x' } });
    expect(applyExceptions([other], exceptions, '2026-11-22', 'cfg').findings[0].suppression).toBeUndefined();
    const legacy = finding({ ruleId: 'pss-privileged', location: { file: 'legacy/app.yaml', line: 3 } });
    expect(applyExceptions([legacy], exceptions, '2026-11-22', 'cfg').findings[0].suppression?.reason).toBe('legacy apps, tracked in JIRA-12');
  });

  test('an expired exception stops applying, and a note says so', () => {
    const { findings, notes } = applyExceptions([finding({ ruleId: 'rbac-wildcard' })], exceptions, '2026-11-22', 'cfg');
    expect(findings[0].suppression).toBeUndefined();
    expect(notes).toEqual(['The exception for rbac-wildcard in cfg ("expired one") expired on 2026-01-01; the findings it covered count again.']);
    expect(blockingFindings(findings, 'high')).toHaveLength(1);
  });

  test('the expiry day itself still counts', () => {
    expect(applyExceptions([finding({})], exceptions, '2027-01-31', 'cfg').findings[0].suppression).toBeDefined();
    expect(applyExceptions([finding({})], exceptions, '2027-02-01', 'cfg').findings[0].suppression).toBeUndefined();
  });

  test('SARIF carries an accepted external suppression with the justification', () => {
    const { findings } = applyExceptions([finding({})], exceptions, '2026-11-22', '.gitops-gate.yaml');
    const log = buildSarif({ findings, rules: [], toolVersion: '0.0.0' });
    expect(log.runs[0].results![0].suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'the log agent reads node logs (.gitops-gate.yaml, until 2027-01-31)' }]);
  });
});
