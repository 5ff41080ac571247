/**
 * Git is called safely: hostile revisions from flags, inputs and the event never reach git as options and are
 * never fetched, and any file name git allows goes through a pull-request run. Real repositories, real git,
 * the real command line.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { ensureCommit, GitError, resolveCommit } from '../../src/changes/git.js';
import { filesDifferingFromHead } from '../../src/github/publish.js';
import { runCli } from '../helpers/cli.js';
import { apiDeployment } from '../helpers/manifests.js';
import { commitAll, git, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

/** Revisions that are options, several words, empty or several lines; `canaries` are files they would create. */
function hostileRevisions(dir: string): { revisions: string[]; canaries: string[] } {
  const canaries = [path.join(dir, 'canary'), path.join(dir, 'canary2')];
  return { revisions: [`--output=${canaries[0]}`, `--upload-pack=touch ${canaries[1]}`, '-n', 'HEAD --', '', 'HEAD\nmain', 'HEAD\0'], canaries };
}

/**
 * A shallow clone whose `origin` (a second local repository) records every fetch: its upload-pack is a script
 * that touches `fetched` before serving. Returns the clone and a commit only the origin has.
 */
function cloneRecordingFetches(): { clone: string; onlyInOrigin: string; fetched: string } {
  const origin = gitRepo({ 'a.yaml': '1\n' });
  const onlyInOrigin = git(origin, 'rev-parse', 'HEAD');
  writeTree(origin, { 'a.yaml': '2\n' });
  commitAll(origin, 'second');
  const clone = path.join(tempDir(), 'clone');
  git(origin, 'clone', '-q', '--depth=1', `file://${origin}`, clone);
  const fetched = path.join(tempDir(), 'fetched');
  const uploadPack = path.join(tempDir(), 'upload-pack.sh');
  writeFileSync(uploadPack, `#!/bin/sh\ntouch '${fetched}'\nexec git-upload-pack "$@"\n`, { mode: 0o755 });
  git(clone, 'remote', 'set-url', 'origin', origin);
  git(clone, 'config', 'remote.origin.uploadpack', uploadPack);
  return { clone, onlyInOrigin, fetched };
}

describe('hostile revisions', () => {
  test('resolveCommit refuses them with a message that names them, and git never runs them as options', async () => {
    const root = gitRepo({ 'a.yaml': '1\n' });
    const { revisions, canaries } = hostileRevisions(tempDir());
    for (const rev of revisions) {
      const attempt = resolveCommit(root, rev);
      await expect(attempt).rejects.toThrow(GitError);
      await expect(attempt).rejects.toThrow(`base revision ${JSON.stringify(rev)} is not`);
    }
    await expect(resolveCommit(root, '-n')).rejects.toThrow('base revision "-n" is not a revision: it starts with "-"');
    await expect(resolveCommit(root, '')).rejects.toThrow('base revision "" is not a revision: it is empty');
    await expect(resolveCommit(root, 'HEAD\nmain')).rejects.toThrow('base revision "HEAD\\nmain" is not a revision: it contains a control character');
    await expect(resolveCommit(root, 'HEAD --')).rejects.toThrow('base revision "HEAD --" is not in this clone');
    for (const canary of canaries) expect(existsSync(canary)).toBe(false);
    expect(await resolveCommit(root, 'HEAD')).toBe(git(root, 'rev-parse', 'HEAD'));
  });

  test('ensureCommit never fetches them, nor anything but a full object id, from a real origin', async () => {
    const { clone, onlyInOrigin, fetched } = cloneRecordingFetches();
    const { revisions, canaries } = hostileRevisions(tempDir());
    for (const rev of [...revisions, onlyInOrigin.slice(0, 12), 'main~1', `${onlyInOrigin}^{commit}`]) {
      expect(await ensureCommit(clone, rev)).toBe(false);
    }
    for (const canary of canaries) expect(existsSync(canary)).toBe(false);
    expect(existsSync(fetched)).toBe(false);
    // What is already there is not fetched either.
    expect(await ensureCommit(clone, 'HEAD')).toBe(true);
    expect(existsSync(fetched)).toBe(false);
    // The control: a missing full object id is fetched, through the recording upload-pack, and is then there.
    expect(await ensureCommit(clone, onlyInOrigin)).toBe(true);
    expect(existsSync(fetched)).toBe(true);
    expect(await resolveCommit(clone, onlyInOrigin)).toBe(onlyInOrigin);
  });

  test('a full object id origin does not have: fetched once, then false', async () => {
    const { clone, fetched } = cloneRecordingFetches();
    expect(await ensureCommit(clone, 'f'.repeat(40))).toBe(false);
    expect(existsSync(fetched)).toBe(true);
  });

  test('filesDifferingFromHead hands git only a full object id as the head', async () => {
    const root = gitRepo({ 'a.yaml': '1\n' });
    const { revisions, canaries } = hostileRevisions(tempDir());
    for (const rev of [...revisions, 'HEAD~0']) expect(await filesDifferingFromHead(root, rev, ['a.yaml'])).toBe('all');
    for (const canary of canaries) expect(existsSync(canary)).toBe(false);
  });

  test('filesDifferingFromHead reads file names literally, not as pathspec magic', async () => {
    const root = gitRepo({ 'a.yaml': '1\n', ':(glob)*.yaml': 'x\n' });
    const head = commitAll(root, 'head');
    writeTree(root, { 'a.yaml': '2\n' });
    commitAll(root, 'checkout');
    expect(await filesDifferingFromHead(root, head, [':(glob)*.yaml'])).toEqual(new Set());
    expect(await filesDifferingFromHead(root, head, [':(glob)*.yaml', 'a.yaml'])).toEqual(new Set(['a.yaml']));
  });
});

describe('the command line', () => {
  test.each([['--output=%s/canary'], ['--upload-pack=touch %s/canary']])('scan --base=%s exits 2 naming the revision, creating nothing', (template) => {
    const root = gitRepo({ 'deploy.yaml': apiDeployment() });
    const dir = tempDir();
    const base = template.replace('%s', dir);
    const run = runCli(['scan', root, `--base=${base}`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`gitops-gate: base revision ${JSON.stringify(base)} is not a revision: it starts with "-"\n`);
    expect(run.stdout).toBe('');
    expect(existsSync(path.join(dir, 'canary'))).toBe(false);
  });

  test('a pull request adding files with non-ASCII names, spaces and a newline is scanned, findings on their lines', () => {
    const root = gitRepo({ 'base.yaml': apiDeployment() });
    const base = git(root, 'rev-parse', 'HEAD');
    const names = ['ünï dir/dëploy mént.yaml', 'new\nline.yaml', '-dash "q".yaml'];
    writeTree(root, Object.fromEntries(names.map((n) => [n, apiDeployment({ security: ['privileged: true'] })])));
    commitAll(root, 'hostile names');
    const run = runCli(['scan', root, `--base=${base}`, '--format=json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: { ruleId: string; status: string; location: { file: string; line: number } }[] };
    const privileged = report.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged.map((f) => [f.location.file, f.location.line, f.status]).sort()).toEqual(names.map((n) => [n, 17, 'new']).sort());
  });
});
