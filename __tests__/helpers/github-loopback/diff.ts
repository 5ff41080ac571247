/**
 * Unified-diff helpers for the loopback GitHub: parse the `patch` text GitHub returns per PR file,
 * answer "is this line part of the diff?", and build PR file lists from real `git diff` output.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';

/** One entry of `GET /repos/{o}/{r}/pulls/{n}/files`, as stored by the loopback server. */
export interface PrFile {
  filename: string;
  status: DiffStatus;
  additions: number;
  deletions: number;
  changes: number;
  /** Unified diff text starting at the first `@@` header; absent for binary or unchanged files. */
  patch?: string;
  previous_filename?: string;
  /** Blob SHA (head side; base side for removed files). Generated when absent. */
  sha?: string;
}

export interface DiffLine {
  kind: ' ' | '+' | '-';
  text: string;
  /** Line number on the base (LEFT) side, for context and removed lines. */
  oldLine?: number;
  /** Line number on the head (RIGHT) side, for context and added lines. */
  newLine?: number;
  /** GitHub's deprecated `position`: lines below the first `@@` header (header lines count too). */
  position: number;
}

export interface Hunk {
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Index of the header line in the patch (0 for the first hunk). */
  headerPosition: number;
  lines: DiffLine[];
  /** Raw patch lines of this hunk, header first (used to build `diff_hunk`). */
  raw: string[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Parses a GitHub `patch` string into hunks. Throws on text that is not a patch. */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  const lines = patch.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let current: Hunk | undefined;
  let oldLine = 0;
  let newLine = 0;
  lines.forEach((line, position) => {
    const m = HUNK_HEADER.exec(line);
    if (m) {
      current = {
        header: line,
        oldStart: Number(m[1]),
        oldLines: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newLines: m[4] === undefined ? 1 : Number(m[4]),
        headerPosition: position,
        lines: [],
        raw: [line]
      };
      oldLine = current.oldStart;
      newLine = current.newStart;
      hunks.push(current);
      return;
    }
    if (!current) throw new Error(`patch does not start with a hunk header: ${JSON.stringify(line.slice(0, 80))}`);
    current.raw.push(line);
    if (line.startsWith('\\')) return; // "\ No newline at end of file"
    const kind = line[0] === '+' || line[0] === '-' ? line[0] : ' ';
    const text = line.slice(1);
    if (kind === '+') current.lines.push({ kind, text, newLine: newLine++, position });
    else if (kind === '-') current.lines.push({ kind, text, oldLine: oldLine++, position });
    else current.lines.push({ kind, text, oldLine: oldLine++, newLine: newLine++, position });
  });
  return hunks;
}

export type Side = 'LEFT' | 'RIGHT';

/** The hunk index and diff line where (line, side) appears, or undefined when it is not in the diff. */
export function locateLine(hunks: Hunk[], line: number, side: Side): { hunkIndex: number; diffLine: DiffLine } | undefined {
  for (let i = 0; i < hunks.length; i++) {
    for (const dl of hunks[i].lines) {
      if (side === 'RIGHT' && dl.kind !== '-' && dl.newLine === line) return { hunkIndex: i, diffLine: dl };
      if (side === 'LEFT' && dl.kind !== '+' && dl.oldLine === line) return { hunkIndex: i, diffLine: dl };
    }
  }
  return undefined;
}

/** Maps a deprecated `position` to the line and side it names. */
export function lineAtPosition(hunks: Hunk[], position: number): { line: number; side: Side; hunkIndex: number; diffLine: DiffLine } | undefined {
  for (let i = 0; i < hunks.length; i++) {
    const dl = hunks[i].lines.find((l) => l.position === position);
    if (dl) return dl.kind === '-' ? { line: dl.oldLine!, side: 'LEFT', hunkIndex: i, diffLine: dl } : { line: dl.newLine!, side: 'RIGHT', hunkIndex: i, diffLine: dl };
  }
  return undefined;
}

/** GitHub's `diff_hunk` for a comment: the hunk header through the commented diff line. */
export function diffHunkFor(hunk: Hunk, diffLine: DiffLine): string {
  const upto = diffLine.position - hunk.headerPosition;
  return hunk.raw.slice(0, upto + 1).join('\n');
}

/** Lines added/removed in a patch. */
export function countPatch(patch: string | undefined): { additions: number; deletions: number } {
  if (!patch) return { additions: 0, deletions: 0 };
  let additions = 0;
  let deletions = 0;
  for (const h of parsePatch(patch)) {
    for (const l of h.lines) {
      if (l.kind === '+') additions++;
      else if (l.kind === '-') deletions++;
    }
  }
  return { additions, deletions };
}

function runGit(args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('git', ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_PAGER: 'cat' }
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Strips the `diff --git` / `---` / `+++` headers, leaving GitHub's `patch` form (no trailing newline). */
function patchBody(section: string[]): string | undefined {
  const first = section.findIndex((l) => l.startsWith('@@ '));
  if (first < 0) return undefined;
  const body = section.slice(first);
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  return body.join('\n');
}

/**
 * A patch (GitHub `patch` form) between two texts, computed by real `git diff --no-index`.
 * Returns '' when the texts are equal.
 */
export function diffPatchFor(baseText: string, headText: string, context = 3): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gg-loopback-diff-'));
  try {
    writeFileSync(path.join(dir, 'a'), baseText);
    writeFileSync(path.join(dir, 'b'), headText);
    const r = runGit(['diff', '--no-index', '--no-color', '--no-ext-diff', `-U${context}`, 'a', 'b'], dir);
    if (r.status !== 0 && r.status !== 1) throw new Error(`git diff --no-index failed: ${r.stderr}`);
    return patchBody(r.stdout.split('\n')) ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PR file entry for one file given its base and head text (null = absent on that side). */
export function prFileFor(filename: string, baseText: string | null, headText: string | null): PrFile {
  const patch = diffPatchFor(baseText ?? '', headText ?? '');
  const { additions, deletions } = countPatch(patch);
  const status: DiffStatus = baseText === null ? 'added' : headText === null ? 'removed' : patch === '' ? 'unchanged' : 'modified';
  const file: PrFile = { filename, status, additions, deletions, changes: additions + deletions };
  if (patch !== '') file.patch = patch;
  return file;
}

function stripPrefix(p: string, prefix: 'a/' | 'b/'): string {
  return p.startsWith(prefix) ? p.slice(2) : p;
}

/**
 * The PR files list GitHub would show for a pull request from `baseSha` to `headSha` in a real repository:
 * runs `git diff -M base...head` (three dots: against the merge base, as GitHub does) and converts each file.
 */
export function filesFromGitDiff(repoDir: string, baseSha: string, headSha: string): PrFile[] {
  const r = runGit(['diff', '--no-color', '--no-ext-diff', '-M', '--full-index', '-U3', `${baseSha}...${headSha}`], repoDir);
  if (r.status !== 0) throw new Error(`git diff failed (${r.status}): ${r.stderr}`);
  const files: PrFile[] = [];
  const sections: string[][] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('diff --git ')) sections.push([line]);
    else if (sections.length > 0) sections[sections.length - 1].push(line);
  }
  for (const section of sections) {
    let oldPath: string | undefined;
    let newPath: string | undefined;
    let status: DiffStatus = 'modified';
    let binary = false;
    let oldSha: string | undefined;
    let newSha: string | undefined;
    let previous: string | undefined;
    const headerEnd = section.findIndex((l) => l.startsWith('@@ '));
    const header = headerEnd < 0 ? section : section.slice(0, headerEnd);
    for (const line of header) {
      let m: RegExpExecArray | null;
      if (line.startsWith('new file mode')) status = 'added';
      else if (line.startsWith('deleted file mode')) status = 'removed';
      else if (line.startsWith('rename from ')) { previous = line.slice('rename from '.length); status = 'renamed'; }
      else if (line.startsWith('rename to ')) newPath = line.slice('rename to '.length);
      else if (line.startsWith('copy from ')) { previous = line.slice('copy from '.length); status = 'copied'; }
      else if (line.startsWith('copy to ')) newPath = line.slice('copy to '.length);
      else if (line.startsWith('--- ')) { const p = line.slice(4); if (p !== '/dev/null') oldPath = stripPrefix(p, 'a/'); }
      else if (line.startsWith('+++ ')) { const p = line.slice(4); if (p !== '/dev/null') newPath = stripPrefix(p, 'b/'); }
      else if ((m = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/.exec(line))) { oldSha = m[1]; newSha = m[2]; }
      else if ((m = /^Binary files (.+) and (.+) differ$/.exec(line))) {
        binary = true;
        if (m[1] !== '/dev/null') oldPath = stripPrefix(m[1], 'a/');
        if (m[2] !== '/dev/null') newPath = stripPrefix(m[2], 'b/');
      }
    }
    if (newPath === undefined && oldPath === undefined) {
      const m = /^diff --git a\/(.*) b\/(.*)$/.exec(section[0]);
      if (m) { oldPath = m[1]; newPath = m[2]; }
    }
    const filename = status === 'removed' ? (oldPath ?? newPath) : (newPath ?? oldPath);
    if (filename === undefined) continue;
    const patch = binary ? undefined : patchBody(section);
    const { additions, deletions } = countPatch(patch);
    if (status === 'modified' && patch === undefined && !binary) status = 'changed'; // mode-only change
    const file: PrFile = { filename, status, additions, deletions, changes: additions + deletions };
    if (patch !== undefined) file.patch = patch;
    if (previous !== undefined) file.previous_filename = previous;
    const sha = status === 'removed' ? oldSha : newSha;
    if (sha !== undefined && !/^0+$/.test(sha)) file.sha = sha;
    files.push(file);
  }
  return files;
}
