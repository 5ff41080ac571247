import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { changedFiles, exportRevision, GitError, mergeBase, resolveCommit, type ChangedFile } from '../../src/changes/git.js';
import { commitAll, git, gitRepo, tempDir, writeTree } from '../helpers/temp-repo.js';

/** Changes by path, so a test states each file's exact record and the exact set of files. */
const byPath = (changes: ChangedFile[]): Record<string, ChangedFile> => Object.fromEntries(changes.map((c) => [c.path, c]));

describe('git changes', () => {
  test('changed files with the added line ranges on the head side, renames included', async () => {
    const root = gitRepo({ 'a.yaml': 'one\ntwo\nthree\nfour\n', 'old.yaml': 'x: 1\ny: 2\nz: 3\nw: 4\n', 'gone.yaml': 'bye\n' });
    const base = git(root, 'rev-parse', 'HEAD');
    writeTree(root, { 'a.yaml': 'one\nTWO\nthree\nfour\nfive\n', 'new.yaml': 'hello\n' });
    git(root, 'mv', 'old.yaml', 'renamed.yaml');
    git(root, 'rm', '-q', 'gone.yaml');
    commitAll(root, 'change');
    const changes = await changedFiles(root, base);
    expect(changes.map((c) => [c.path, c.status])).toEqual([
      ['a.yaml', 'modified'],
      ['gone.yaml', 'deleted'],
      ['new.yaml', 'added'],
      ['renamed.yaml', 'renamed']
    ]);
    expect(changes[0].addedLines).toEqual([[2, 2], [5, 5]]);
    expect(changes[2].addedLines).toEqual([[1, 1]]);
    expect(changes[3].previousPath).toBe('old.yaml');
  });

  test('uncommitted edits of tracked files count as changes', async () => {
    const root = gitRepo({ 'a.yaml': 'one\n' });
    const base = git(root, 'rev-parse', 'HEAD');
    writeTree(root, { 'a.yaml': 'one\ntwo\n' });
    const changes = await changedFiles(root, base);
    expect(changes).toEqual([{ path: 'a.yaml', status: 'modified', addedLines: [[2, 2]] }]);
  });

  test('merge-base is the fork point of a branch', async () => {
    const root = gitRepo({ 'a.yaml': '1\n' });
    const fork = git(root, 'rev-parse', 'HEAD');
    git(root, 'checkout', '-q', '-b', 'feature');
    writeTree(root, { 'b.yaml': '2\n' });
    commitAll(root, 'feature');
    git(root, 'checkout', '-q', 'main');
    writeTree(root, { 'c.yaml': '3\n' });
    const mainHead = commitAll(root, 'main moves on');
    git(root, 'checkout', '-q', 'feature');
    expect(await mergeBase(root, mainHead)).toBe(fork);
  });

  test('a missing base revision says so', async () => {
    const root = gitRepo({ 'a.yaml': '1\n' });
    await expect(resolveCommit(root, 'does-not-exist')).rejects.toThrow(/base revision "does-not-exist" is not in this clone/);
  });

  test('a revision is exported to a temp folder without touching the working tree', async () => {
    const root = gitRepo({ 'dir/a.yaml': 'first\n' });
    const base = git(root, 'rev-parse', 'HEAD');
    writeTree(root, { 'dir/a.yaml': 'second\n' });
    commitAll(root, 'second');
    writeTree(root, { 'dir/a.yaml': 'uncommitted\n' });
    const exported = await exportRevision(root, base);
    try {
      expect(readFileSync(path.join(exported.dir, 'dir/a.yaml'), 'utf8')).toBe('first\n');
      expect(readFileSync(path.join(root, 'dir/a.yaml'), 'utf8')).toBe('uncommitted\n');
      expect(git(root, 'worktree', 'list').split('\n')).toHaveLength(1);
    } finally {
      exported.dispose();
    }
    expect(existsSync(exported.dir)).toBe(false);
  });

  test('any file name git allows: spaces, non-ASCII, newline, tab, quote, backslash, leading dash, /dev/null', async () => {
    const root = gitRepo({
      'with space.yaml': 'a\nb\n',
      'ünïcödé.yaml': 'x\n',
      '-leading-dash.yaml': 'd\n',
      'back\\slash.yaml': 'b1\n',
      'rénamé.yaml': 'k1: 1\nk2: 2\nk3: 3\nk4: 4\n',
      'gone ü.yaml': 'bye\n',
      'mode.sh': 'echo\n',
      'blob.bin': 'a\0b\nc\n',
      'trailing .yaml': 't\n'
    });
    const base = git(root, 'rev-parse', 'HEAD');
    writeTree(root, {
      'with space.yaml': 'a\nB\nc\n',
      'ünïcödé.yaml': 'x\ny\n',
      'földer/ñame.yaml': 'n\n',
      'new\nline.yaml': 'l1\nl2\n',
      '-leading-dash.yaml': 'D\n',
      'tab\tname.yaml': 't\n',
      'quote"name.yaml': 'q1\nq2\nq3\n',
      'back\\slash.yaml': 'b1\nb2\n',
      'blob.bin': 'a\0b\nC\n',
      // Added lines that read as headers once git puts "+" before them.
      'tricky.yaml': 'unchanged: 1\n++ b/with space.yaml\ndiff --git a/x b/x\n@@ -1 +1,9 @@\n',
      'dev/null': 'z\n',
      'trailing .yaml': 't\nu\n'
    });
    rmSync(path.join(root, 'rénamé.yaml'));
    writeTree(root, { 'dïr/nämed to.yaml': 'k1: 1\nk2: 2\nk3: 3\nk4: FOUR\n' });
    git(root, 'rm', '-q', 'gone ü.yaml');
    chmodSync(path.join(root, 'mode.sh'), 0o755);
    commitAll(root, 'change');
    writeTree(root, { 'ünïcödé.yaml': 'x\ny\nuncommitted\n' });

    expect(byPath(await changedFiles(root, base))).toEqual({
      'with space.yaml': { path: 'with space.yaml', status: 'modified', addedLines: [[2, 3]] },
      'ünïcödé.yaml': { path: 'ünïcödé.yaml', status: 'modified', addedLines: [[2, 3]] },
      'földer/ñame.yaml': { path: 'földer/ñame.yaml', status: 'added', addedLines: [[1, 1]] },
      'new\nline.yaml': { path: 'new\nline.yaml', status: 'added', addedLines: [[1, 2]] },
      '-leading-dash.yaml': { path: '-leading-dash.yaml', status: 'modified', addedLines: [[1, 1]] },
      'tab\tname.yaml': { path: 'tab\tname.yaml', status: 'added', addedLines: [[1, 1]] },
      'quote"name.yaml': { path: 'quote"name.yaml', status: 'added', addedLines: [[1, 3]] },
      'back\\slash.yaml': { path: 'back\\slash.yaml', status: 'modified', addedLines: [[2, 2]] },
      'dïr/nämed to.yaml': { path: 'dïr/nämed to.yaml', previousPath: 'rénamé.yaml', status: 'renamed', addedLines: [[4, 4]] },
      'gone ü.yaml': { path: 'gone ü.yaml', status: 'deleted', addedLines: [] },
      'mode.sh': { path: 'mode.sh', status: 'modified', addedLines: [] },
      'blob.bin': { path: 'blob.bin', status: 'modified', addedLines: [[2, 2]] },
      'tricky.yaml': { path: 'tricky.yaml', status: 'added', addedLines: [[1, 4]] },
      'dev/null': { path: 'dev/null', status: 'added', addedLines: [[1, 1]] },
      'trailing .yaml': { path: 'trailing .yaml', status: 'modified', addedLines: [[2, 2]] }
    });
  });

  test('user config, the environment and the pull request\'s .gitattributes do not change what is read', async () => {
    const root = gitRepo({ 'a b.yaml': '1\n2\n3\n4\n5\n6\n7\n8\n', 'ü.yaml': 'u\n', 'c.json': '{}\n', 'r.yaml': 'r1\nr2\nr3\nr4\n' });
    const base = git(root, 'rev-parse', 'HEAD');
    const canary = path.join(tempDir(), 'external-diff-ran');
    const external = path.join(tempDir(), 'external.sh');
    writeFileSync(external, `#!/bin/sh\ntouch '${canary}'\n`, { mode: 0o755 });
    for (const [key, value] of [
      ['diff.noprefix', 'true'],
      ['diff.mnemonicPrefix', 'true'],
      ['color.ui', 'always'],
      ['diff.interHunkContext', '10'],
      ['diff.context', '5'],
      ['diff.external', external],
      ['diff.renames', 'false'],
      ['diff.suppressBlankEmpty', 'true'],
      ['diff.yaml.textconv', 'sed 1d'],
      ['core.quotePath', 'true']
    ]) {
      git(root, 'config', key, value);
    }
    rmSync(path.join(root, 'r.yaml'));
    writeTree(root, {
      '.gitattributes': '*.yaml diff=yaml\n*.json -diff\n',
      'a b.yaml': '1\nTWO\n3\n4\n5\n6\nSEVEN\n8\n',
      'ü.yaml': 'u\nv\n',
      'c.json': '{}\n[]\n',
      'r2.yaml': 'r1\nr2\nr3\nR4\n'
    });
    commitAll(root, 'change');
    const saved = { opts: process.env.GIT_DIFF_OPTS, external: process.env.GIT_EXTERNAL_DIFF };
    process.env.GIT_DIFF_OPTS = '--unified=7';
    process.env.GIT_EXTERNAL_DIFF = external;
    try {
      expect(byPath(await changedFiles(root, base))).toEqual({
        '.gitattributes': { path: '.gitattributes', status: 'added', addedLines: [[1, 2]] },
        'a b.yaml': { path: 'a b.yaml', status: 'modified', addedLines: [[2, 2], [7, 7]] },
        'ü.yaml': { path: 'ü.yaml', status: 'modified', addedLines: [[2, 2]] },
        'c.json': { path: 'c.json', status: 'modified', addedLines: [[2, 2]] },
        'r2.yaml': { path: 'r2.yaml', previousPath: 'r.yaml', status: 'renamed', addedLines: [[4, 4]] }
      });
    } finally {
      for (const [name, value] of [['GIT_DIFF_OPTS', saved.opts], ['GIT_EXTERNAL_DIFF', saved.external]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(existsSync(canary)).toBe(false);
  });

  test('merge-base, diff and export take resolved commit ids only', async () => {
    const root = gitRepo({ 'a.yaml': '1\n' });
    for (const rev of ['HEAD', 'main', '--output=x', '']) {
      await expect(changedFiles(root, rev)).rejects.toThrow(new GitError(`${JSON.stringify(rev)} is not a resolved commit id`));
      await expect(exportRevision(root, rev)).rejects.toThrow(GitError);
      await expect(mergeBase(root, rev)).rejects.toThrow(GitError);
    }
    await expect(mergeBase(root, git(root, 'rev-parse', 'HEAD'), '-n')).rejects.toThrow(GitError);
    expect(existsSync(path.join(root, 'x'))).toBe(false);
  });
});
