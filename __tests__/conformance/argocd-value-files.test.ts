/**
 * Argo CD's value-file resolution cases (Apache-2.0, The Argo Authors), ported into
 * fixtures/argocd-value-files.json from argoproj/argo-cd reposerver/repository/repository_test.go,
 * util/io/path/resolved_test.go, util/helm/helm_test.go, the e2e Helm and multi-source tests and the glob section of
 * docs/user-guide/helm.md (the fixture's `source` and `notes` say which commit and how each field reads). Each case
 * is laid out as real folders, symbolic links and ref-source checkouts in a temp directory, then resolved by
 * src/targets/argocd-value-files.ts. A case passes when the resolved list (or the error, as a substring of
 * upstream's message when the case names one) is upstream's. Cases that cannot pass are listed with a reason in
 * known-failures/argocd-value-files.json and skipped. Prints `argocd-value-files: N passed, N failed`.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { RepoFiles } from '../../src/repo/files.js';
import { resolveValueFiles, type RefCheckout, type ResolvedValueFile } from '../../src/targets/argocd-value-files.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

interface RefRepo {
  files: string[];
  symlinks?: Record<string, string>;
  available?: boolean;
  chart?: string;
}

interface Case {
  name: string;
  files: string[];
  appPath: string;
  refs?: Record<string, string>;
  refRepos?: Record<string, RefRepo>;
  env?: Record<string, string>;
  valueFiles: string[];
  ignoreMissingValueFiles: boolean;
  allowedSchemes?: string[];
  hasMultipleSources?: boolean;
  symlinks?: Record<string, string>;
  outsideFiles?: string[];
  errorStage?: string;
  want?: string[];
  wantResolved?: string[];
  wantError?: string | true;
}

const fixture = JSON.parse(readFileSync(path.resolve('__tests__', 'conformance', 'fixtures', 'argocd-value-files.json'), 'utf8')) as { cases: Case[] };
const known: Record<string, string> = JSON.parse(readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'argocd-value-files.json'), 'utf8'));

const work = tempDir('gg-argocd-values-');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A checkout at `root`: its files (with a line of YAML each) and its links. */
function layOut(root: string, files: string[], symlinks: Record<string, string> = {}): void {
  mkdirSync(root, { recursive: true });
  writeTree(root, Object.fromEntries(files.map((f) => [f, 'a: 1\n'])));
  for (const [link, target] of Object.entries(symlinks)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    // Targets are written relative to the repository root; a link holds them relative to its own folder.
    symlinkSync(path.relative(path.dirname(path.join(root, link)), path.join(root, target)), path.join(root, link));
  }
}

function resolveCase(c: Case, index: number): { files?: string[]; error?: string } {
  const base = path.join(work, String(index));
  const repoDir = path.join(base, 'repo');
  layOut(repoDir, c.files, c.symlinks);
  // Files outside the repository are written relative to its root ('../outside/secret.yaml').
  for (const f of c.outsideFiles ?? []) writeTree(repoDir, { [f]: 'secret: 1\n' });
  const repo = new RepoFiles(repoDir);
  const refs = new Map<string, RefCheckout>();
  for (const name of Object.keys(c.refs ?? {})) refs.set(name, { repo, url: 'https://github.com/org/main-repo' });
  for (const [name, ref] of Object.entries(c.refRepos ?? {})) {
    const dir = path.join(base, `ref-${name}`);
    layOut(dir, ref.files, ref.symlinks);
    refs.set(name, { repo: ref.available === false ? undefined : new RepoFiles(dir), url: 'https://github.com/org/repo2', ...(ref.chart ? { chart: true } : {}) });
  }
  const result = resolveValueFiles(c.valueFiles, {
    repo,
    appPath: c.appPath,
    refs,
    multiSource: c.hasMultipleSources === true,
    env: c.env ?? {},
    ignoreMissing: c.ignoreMissingValueFiles,
    allowedSchemes: c.allowedSchemes ?? []
  });
  if ('error' in result) return { error: result.error.message };
  const shown = (f: ResolvedValueFile) => ('url' in f ? f.url : f.ref !== undefined && refs.get(f.ref)?.repo !== repo ? `refRepo:${f.ref}/${f.file}` : f.file);
  return { files: result.files.map(shown) };
}

describe('Argo CD value files (getResolvedValueFiles)', () => {
  let passed = 0;
  let failed = 0;
  const cases = fixture.cases.map((c, i) => [c.name, c, i] as const);
  test.each(cases)('%s', (name, c, i) => {
    if (known[name]) return;
    const got = resolveCase(c, i);
    let want: { files?: string[]; error?: string | true };
    if (c.errorStage === 'helm') {
      // The resolver passes the missing file on and Helm fails on it: the resolver's answer is what is compared.
      want = { files: c.wantResolved ?? [] };
    } else {
      want = c.wantError !== undefined ? { error: c.wantError } : { files: c.want ?? [] };
    }
    const ok = want.error !== undefined ? got.error !== undefined && (want.error === true || got.error.includes(want.error)) : got.error === undefined && JSON.stringify(got.files) === JSON.stringify(want.files);
    if (ok) passed++;
    else failed++;
    if (want.error === undefined) expect(got).toEqual({ files: want.files });
    else if (want.error === true) expect(got.error).toBeDefined();
    else expect(got.error).toContain(want.error);
  });
  test('summary', () => {
    const line = `argocd-value-files: ${passed} passed, ${failed} failed (${Object.keys(known).length} known failures)`;
    console.log(line);
    expect(passed + failed + Object.keys(known).length).toBe(fixture.cases.length);
  });
});
