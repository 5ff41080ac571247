import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { changedFiles, exportRevision, mergeBase, resolveCommit } from '../../src/changes/git.js';
import { commitAll, git, gitRepo, writeTree } from '../helpers/temp-repo.js';

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
});
