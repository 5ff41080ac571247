/**
 * Exceptions written on the object (`gitops-gate.dev/ignore`, `-reason`, `-until`): accepted findings are reported
 * with the reason and never block; no reason, a malformed or past date accept nothing; a pull request that adds
 * one is called out, and with `exceptionAnnotations: base` it does not count.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { commitAll, gitRepo, removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const pod = (annotations: Record<string, string>) =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: agent',
    '  namespace: platform',
    ...(Object.keys(annotations).length > 0 ? ['  annotations:', ...Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)] : []),
    'spec:',
    '  containers:',
    '    - name: agent',
    '      image: nginx:1.27',
    '      securityContext:',
    '        privileged: true',
    ''
  ].join('\n');

async function scan(annotations: Record<string, string>) {
  const root = tempDir('gg-annot-');
  try {
    writeTree(root, { 'platform/agent.yaml': pod(annotations) });
    return await run({ root });
  } finally {
    removeDir(root);
  }
}

describe('exceptions on the object', () => {
  test('the named rules are accepted with the reason and do not block; the others still do', async () => {
    const result = await scan({ 'gitops-gate.dev/ignore': 'pss-privileged, capability-net-raw', 'gitops-gate.dev/ignore-reason': 'The agent loads kernel modules.', 'gitops-gate.dev/ignore-until': '2999-12-31' });
    const privileged = result.findings.find((f) => f.ruleId === 'pss-privileged');
    expect(privileged?.suppression).toEqual({ reason: 'The agent loads kernel modules.', source: 'gitops-gate.dev/ignore on platform/agent.yaml:7', expires: '2999-12-31' });
    expect(result.blocking.some((f) => f.ruleId === 'pss-privileged')).toBe(false);
    expect(result.findings.find((f) => f.ruleId === 'capability-net-raw')?.suppression).toBeDefined();
    expect(result.findings.find((f) => f.ruleId === 'pss-run-as-non-root')?.suppression).toBeUndefined();
  });

  test.each([
    ['no reason', { 'gitops-gate.dev/ignore': 'pss-privileged' }, 'has no gitops-gate.dev/ignore-reason, so it accepts nothing'],
    ['a past date', { 'gitops-gate.dev/ignore': 'pss-privileged', 'gitops-gate.dev/ignore-reason': 'r', 'gitops-gate.dev/ignore-until': '2020-01-31' }, 'expired on 2020-01-31'],
    ['a malformed date', { 'gitops-gate.dev/ignore': 'pss-privileged', 'gitops-gate.dev/ignore-reason': 'r', 'gitops-gate.dev/ignore-until': 'next year' }, 'is not a date']
  ])('%s: nothing accepted, a note says why', async (_name, annotations, note) => {
    const result = await scan(annotations);
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.suppression).toBeUndefined();
    expect(result.blocking.some((f) => f.ruleId === 'pss-privileged')).toBe(true);
    expect(result.notes.join('\n')).toContain(note);
  });

  test('an unknown rule id is named in a note', async () => {
    const result = await scan({ 'gitops-gate.dev/ignore': 'pss-privileged,privileged', 'gitops-gate.dev/ignore-reason': 'r' });
    expect(result.notes.join('\n')).toContain('names privileged, which is not a rule of this scan');
    expect(result.findings.find((f) => f.ruleId === 'pss-privileged')?.suppression).toBeDefined();
  });

  test.each([
    ['any', false],
    ['base', true]
  ])('a pull request adding an exception annotation is called out (exceptionAnnotations: %s, blocks: %s)', async (mode, blocks) => {
    const root = gitRepo({ '.gitops-gate.yaml': `exceptionAnnotations: ${mode}\n`, 'platform/agent.yaml': pod({}).replace('privileged: true', 'privileged: false') });
    try {
      writeTree(root, { 'platform/agent.yaml': pod({ 'gitops-gate.dev/ignore': 'pss-privileged', 'gitops-gate.dev/ignore-reason': 'Needed for eBPF.' }) });
      commitAll(root, 'privileged agent, excepted');
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.notes).toContain('This change adds a gitops-gate.dev/ignore exception for pss-privileged on Pod platform/agent (platform/agent.yaml:7): "Needed for eBPF.".');
      expect(result.blocking.some((f) => f.ruleId === 'pss-privileged')).toBe(blocks);
      if (blocks) expect(result.notes.join('\n')).toContain("only the base revision's exception annotations count");
    } finally {
      removeDir(root);
    }
  });
});
