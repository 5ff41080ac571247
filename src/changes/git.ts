/**
 * The git adapter: resolve revisions, list changed files and lines, and export a revision to a folder.
 * Rule: a revision from outside (a flag, an input, the event) reaches git only after it is checked (not empty,
 * no control characters, no leading "-"), only after `--end-of-options`, and only to be resolved to a commit;
 * merge-base, diff and archive get resolved commit ids only, and only a full object id is ever fetched.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDiffOutput, type ChangedFile } from './diff-output.js';

export type { ChangedFile } from './diff-output.js';

const execFileAsync = promisify(execFile);

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** The environment for git: no prompts, untranslated messages, no diff options or drivers from the environment. */
function gitEnv(): NodeJS.ProcessEnv {
  const { GIT_DIFF_OPTS: _opts, GIT_EXTERNAL_DIFF: _external, ...env } = process.env;
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, env: gitEnv() });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim();
    throw new GitError(`git ${args.find((a, i) => !a.startsWith('-') && args[i - 1] !== '-c')} failed: ${stderr}`);
  }
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** A full SHA-1 or SHA-256 object id: the only revision ever fetched or handed to merge-base, diff and archive. */
export function isObjectId(value: string): boolean {
  return OBJECT_ID.test(value);
}

function requireCommitId(value: string): void {
  if (!isObjectId(value)) throw new GitError(`${JSON.stringify(value)} is not a resolved commit id`);
}

/** Why `rev` cannot be handed to git as a revision, or undefined when it can (after `--end-of-options`). */
export function revisionProblem(rev: string): string | undefined {
  if (rev === '') return 'it is empty';
  if ([...rev].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return 'it contains a control character';
  if (rev.startsWith('-')) return 'it starts with "-"';
  return undefined;
}

/** The URLs of the repository's remotes (none when `root` is not a git checkout or has no remote). */
export async function remoteUrls(root: string): Promise<string[]> {
  try {
    const out = await git(root, ['config', '--get-regexp', '^remote\\..*\\.url$']);
    return out.split('\n').map((l) => l.split(' ').slice(1).join(' ').trim()).filter(Boolean);
  } catch {
    return [];
  }
}

export async function repoTopLevel(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', '--show-toplevel'])).trim();
}

/** The commit id `rev` names, or undefined; `rev` must have passed revisionProblem. */
async function commitOf(root: string, rev: string): Promise<string | undefined> {
  const id = (await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]).catch(() => '')).trim();
  return isObjectId(id) ? id : undefined;
}

/** The commit the checkout's HEAD is, or undefined outside a git repository. */
export async function headCommit(root: string): Promise<string | undefined> {
  return commitOf(root, 'HEAD').catch(() => undefined);
}

/**
 * Resolves a revision from a flag or an input to a commit id. A revision that fails revisionProblem is refused
 * before git sees it; one that names no commit gets a hint when the clone is shallow.
 */
export async function resolveCommit(root: string, ref: string): Promise<string> {
  const problem = revisionProblem(ref);
  if (problem) throw new GitError(`base revision ${JSON.stringify(ref)} is not a revision: ${problem}`);
  const id = await commitOf(root, ref);
  if (id) return id;
  const shallow = (await git(root, ['rev-parse', '--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
  throw new GitError(
    `base revision ${JSON.stringify(ref)} is not in this clone${shallow ? ' (the clone is shallow: use actions/checkout with `fetch-depth: 0`, or fetch the base commit)' : ''}`
  );
}

/**
 * Makes sure a commit is in the clone, fetching just that commit from `origin` when it is missing (a shallow
 * actions/checkout) and `sha` is a full object id; nothing else is ever fetched. Returns false when it cannot
 * be had (or `sha` is not a usable revision); resolveCommit then explains what to do.
 */
export async function ensureCommit(root: string, sha: string): Promise<boolean> {
  if (revisionProblem(sha)) return false;
  if (await commitOf(root, sha)) return true;
  if (!isObjectId(sha)) return false;
  try {
    await git(root, ['fetch', '--no-tags', '--depth=1', '--end-of-options', 'origin', sha]);
  } catch {
    return false;
  }
  return (await commitOf(root, sha)) !== undefined;
}

/** The commit the PR diff is taken against: merge-base(base, head), as GitHub's three-dot diff does. */
export async function mergeBase(root: string, base: string, head = 'HEAD'): Promise<string> {
  requireCommitId(base);
  if (head !== 'HEAD') requireCommitId(head);
  try {
    return (await git(root, ['merge-base', '--end-of-options', base, head])).trim();
  } catch {
    return base;
  }
}

/**
 * Files changed between `baseCommit` (a commit id) and the working tree (committed and uncommitted changes to
 * tracked files), with the line ranges added or changed on the head side. One git call, its output read by
 * parseDiffOutput; the options pin what user config could change (prefixes, quoting, context, colour,
 * external and textconv drivers, binary detection by attributes), so the line numbers are those of the files.
 */
export async function changedFiles(root: string, baseCommit: string): Promise<ChangedFile[]> {
  requireCommitId(baseCommit);
  const output = await git(root, [
    ...['-c', 'core.quotePath=false', 'diff', '--raw', '-p', '-z', '-U0', '--inter-hunk-context=0', '--find-renames'],
    ...['--no-color', '--no-ext-diff', '--no-textconv', '--text', '--no-relative', '--submodule=short'],
    ...['--src-prefix=a/', '--dst-prefix=b/', '--end-of-options', baseCommit, '--']
  ]);
  try {
    return parseDiffOutput(output).sort((a, b) => a.path.localeCompare(b.path));
  } catch (err) {
    throw new GitError((err as Error).message);
  }
}

/**
 * Files in the working tree that git does not track, ignored ones included (`helm dependency build` leaves its
 * `charts/*.tgz` there), under a chart's `charts/` folder; repository-relative, read NUL-separated.
 */
export async function untrackedChartDependencies(root: string): Promise<string[]> {
  const out = await git(root, ['ls-files', '-z', '--others', '--', ':(glob)**/charts/**', ':(glob)charts/**']);
  return [...new Set(out.split('\0').filter((p) => p !== ''))].sort();
}

/**
 * Writes the tree of `commit` (a commit id) into a new temporary folder (git archive | tar), leaving the user's
 * working tree and .git untouched. The caller removes it with the returned `dispose`.
 */
export async function exportRevision(root: string, commit: string): Promise<{ dir: string; dispose: () => void }> {
  requireCommitId(commit);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gitops-gate-base-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const archive = spawn('git', ['archive', '--format=tar', '--end-of-options', commit], { cwd: root, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
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
