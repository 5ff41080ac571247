/** Real folders and real git repositories in the temp directory, for tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'gg-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes files (repository-relative path -> content) under `root`. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', HOME: root }
  }).trim();
}

/** A git repository whose first commit holds `files`; returns its folder. */
export function gitRepo(files: Record<string, string>): string {
  const root = tempDir('gg-repo-');
  git(root, 'init', '-q', '-b', 'main');
  writeTree(root, files);
  commitAll(root, 'base');
  return root;
}

export function commitAll(root: string, message: string): string {
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '--allow-empty', '-m', message);
  return git(root, 'rev-parse', 'HEAD');
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
