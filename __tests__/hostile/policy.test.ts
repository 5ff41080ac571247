/**
 * Hostile corpus, policy: a pull request cannot weaken the gate's policy, and the config file is read through the
 * confined reader (inside the repository, regular file, bounded size) in every mode.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { canaryFolder } from '../helpers/canary.js';
import { runCli } from '../helpers/cli.js';
import { commitAll, gitRepo, removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const PRIVILEGED = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n';

describe('in pull-request mode the policy comes from the base revision', () => {
  test('a change that turns the gate off in the default config file is still gated by the base config', async () => {
    const root = gitRepo({ '.gitops-gate.yaml': 'failOn: high\n', 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    try {
      writeTree(root, { '.gitops-gate.yaml': 'failOn: none\n', 'apps/pod.yaml': PRIVILEGED });
      commitAll(root, 'weaken');
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.settings.failOn).toBe('high');
      expect(result.blocking.map((f) => f.ruleId)).toContain('pss-privileged');
      expect(result.notes).toContain("This change edits the gitops-gate policy (.gitops-gate.yaml); the base revision's policy was applied.");
    } finally {
      removeDir(root);
    }
  });

  test('an explicit config path is read from the base revision too, and editing it is called out', async () => {
    const root = gitRepo({ 'policy/gate.yaml': 'failOn: high\n', 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    try {
      writeTree(root, { 'policy/gate.yaml': 'failOn: none\nrules:\n  disable: [pss-privileged]\n', 'apps/pod.yaml': PRIVILEGED });
      commitAll(root, 'weaken explicit config');
      const result = await run({ root, base: 'HEAD~1', configPath: path.join(root, 'policy/gate.yaml') });
      expect(result.settings.failOn).toBe('high');
      expect(result.blocking.map((f) => f.ruleId)).toContain('pss-privileged');
      expect(result.notes).toContain("This change edits the gitops-gate policy (policy/gate.yaml); the base revision's policy was applied.");
    } finally {
      removeDir(root);
    }
  });

  test('an explicit config the base revision does not have is an error, not the head copy', async () => {
    const root = gitRepo({ 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    try {
      writeTree(root, { 'policy/gate.yaml': 'failOn: none\n', 'apps/pod.yaml': PRIVILEGED });
      commitAll(root, 'add a config');
      await expect(run({ root, base: 'HEAD~1', configPath: path.join(root, 'policy/gate.yaml') })).rejects.toThrow(
        /policy\/gate\.yaml: cannot read the config file at the base revision: file not found/
      );
    } finally {
      removeDir(root);
    }
  });
});

describe('the config file is read through the confined reader', () => {
  test('a config path outside the repository is refused (the command line exits 2)', () => {
    const root = tempDir('gg-policy-');
    const elsewhere = tempDir('gg-policy-elsewhere-');
    try {
      writeTree(root, { 'apps/pod.yaml': PRIVILEGED });
      writeFileSync(path.join(elsewhere, 'gate.yaml'), 'failOn: none\n');
      const cli = runCli(['scan', root, '--config', path.join(elsewhere, 'gate.yaml')]);
      expect(cli.status).toBe(2);
      expect(cli.stderr).toContain('the config file must be a file inside the repository');
      expect(cli.stdout).toBe('');
    } finally {
      removeDir(root);
      removeDir(elsewhere);
    }
  });

  test.each([
    ['a link out of the repository', (root: string, outside: string) => symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, '.gitops-gate.yaml')), /symlink points outside the repository/],
    ['a link to /dev/zero', (root: string) => symlinkSync('/dev/zero', path.join(root, '.gitops-gate.yaml')), /symlink points outside the repository/],
    ['a FIFO', (root: string) => execFileSync('mkfifo', [path.join(root, '.gitops-gate.yaml')]), /not a regular file/],
    ['over a MiB', (root: string) => writeFileSync(path.join(root, '.gitops-gate.yaml'), `# ${'x'.repeat(1024 * 1024)}\nfailOn: none\n`), /over the 1048576-byte limit/]
  ])('a default config file that is %s is an error naming it, at once', async (_what, make, reason) => {
    const root = tempDir('gg-policy-');
    const outside = canaryFolder();
    try {
      writeTree(root, { 'apps/pod.yaml': PRIVILEGED });
      make(root, outside.dir);
      const started = Date.now();
      await expect(run({ root })).rejects.toThrow(reason);
      await expect(run({ root })).rejects.toThrow(/^\.gitops-gate\.yaml: cannot read the config file/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      removeDir(root);
      removeDir(outside.dir);
    }
  });
});
