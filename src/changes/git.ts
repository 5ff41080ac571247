/** The git adapter: resolve revisions, list changed files and lines, and export a revision to a folder. */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new GitError(`git ${args[0]} failed: ${stderr}`);
  }
}

export async function repoTopLevel(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
}

/** Resolves a revision to a commit id, with a hint when a shallow clone lacks it. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch {
    const shallow = (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
    throw new GitError(
      `base revision "${ref}" is not in this clone${shallow ? ' (the clone is shallow: use actions/checkout with `fetch-depth: 0`, or fetch the base commit)' : ''}`
    );
  }
}

/**
 * Makes sure a commit is in the clone, fetching just that commit from `origin` when it is missing (a shallow
 * actions/checkout). Returns false when it cannot be had; resolveCommit then explains what to do.
 */
export async function ensureCommit(root: string, sha: string): Promise<boolean> {
  try {
    await git(root, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    try {
      await git(root, ['fetch', '--no-tags', '--depth=1', 'origin', sha]);
      return true;
    } catch {
      return false;
    }
  }
}

/** The commit the PR diff is taken against: merge-base(base, HEAD), as GitHub's three-dot diff does. */
export async function mergeBase(root: string, base: string, head = 'HEAD'): Promise<string> {
  try {
    return (await git(root, ['merge-base', base, head])).trim();
  } catch {
    return base;
  }
}

export interface ChangedFile {
  /** Repository-relative path at head (for deletions: the old path). */
  path: string;
  /** For renames and copies: the path at base. */
  previousPath?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange';
  /** Changed line ranges at head (inclusive, 1-based): where review comments can go. */
  addedLines: [number, number][];
}

const STATUS: Record<string, ChangedFile['status']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'typechange' };

/**
 * Files changed between `baseCommit` and the working tree (committed and uncommitted changes to tracked
 * files), with the line ranges added or changed on the head side.
 */
export async function changedFiles(root: string, baseCommit: string): Promise<ChangedFile[]> {
  const nameStatus = (await git(root, ['diff', '--name-status', '-z', '--find-renames', '--no-ext-diff', baseCommit, '--'])).split('\0');
  const files = new Map<string, ChangedFile>();
  for (let i = 0; i < nameStatus.length - 1; ) {
    const code = nameStatus[i++];
    const status = STATUS[code[0]] ?? 'modified';
    if (status === 'renamed' || status === 'copied') {
      const previousPath = nameStatus[i++];
      const p = nameStatus[i++];
      files.set(p, { path: p, previousPath, status, addedLines: [] });
    } else {
      const p = nameStatus[i++];
      files.set(p, { path: p, status, addedLines: [] });
    }
  }
  const patch = await git(root, ['diff', '-U0', '--no-color', '--no-ext-diff', '--find-renames', baseCommit, '--']);
  let current: ChangedFile | undefined;
  for (const line of patch.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4).replace(/^b\//, '');
      current = files.get(unquote(p));
    } else if (line.startsWith('@@') && current) {
      const m = /\+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) current.addedLines.push([start, start + count - 1]);
    }
  }
  return [...files.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function unquote(p: string): string {
  return p.startsWith('"') ? (JSON.parse(p) as string).replace(/^b\//, '') : p;
}

/**
 * Writes the tree of `commit` into a new temporary folder (git archive | tar), leaving the user's working tree
 * and .git untouched. The caller removes it with the returned `dispose`.
 */
export async function exportRevision(root: string, commit: string): Promise<{ dir: string; dispose: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-base-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const archive = spawn('git', ['archive', '--format=tar', commit], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
      let errors = '';
      archive.stderr.on('data', (d) => (errors += d));
      tar.stderr.on('data', (d) => (errors += d));
      archive.stdout.pipe(tar.stdin);
      let pending = 2;
      const done = (code: number | null) => {
        if (code !== 0) reject(new GitError(`cannot export ${commit}: ${errors.trim() || `exit ${code}`}`));
        else if (--pending === 0) resolve();
      };
      archive.on('close', done);
      tar.on('close', done);
      archive.on('error', reject);
      tar.on('error', reject);
    });
  } catch (err) {
    dispose();
    throw err;
  }
  return { dir, dispose };
}
