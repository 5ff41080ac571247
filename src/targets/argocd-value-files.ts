/**
 * An Argo CD Helm source's `valueFiles`, resolved as the repo-server resolves them (argoproj/argo-cd
 * reposerver/repository/repository.go `getResolvedValueFiles`, `getResolvedRefValueFile`, the multi-source ref checks;
 * util/io/path/resolved.go `ResolveValueFilePathOrUrl`), with upstream's error messages:
 * - `$<ref>/…` naming a `ref` source is a path in that source's checkout, which is also its boundary; the rest is
 *   substituted with the build environment. In a multi-source Application every `$name` must be a ref source; in a
 *   single-source one an unknown `$name` is just a variable;
 * - otherwise the build environment is substituted first; a leading `/` means the repository root, anything else the
 *   source's folder; a symbolic link is followed; a path outside the repository is an error;
 * - a URL whose scheme is allowed (`https`, `http`) is passed to Helm as is;
 * - a path with `*`, `?` or `[` is a doublestar glob expanded in place: folder by folder, a folder's own files (by
 *   name) before its subfolders'; each match must stay inside the checkout; a file also listed explicitly takes its
 *   explicit place; duplicates keep the first place; no match is an error unless `ignoreMissingValueFiles`;
 * - a missing file is dropped with `ignoreMissingValueFiles`, else kept (Helm then fails on it).
 */
import path from 'node:path';
import picomatch from 'picomatch';
import type { InputError, RepoFiles } from '../repo/files.js';
import { envsubst, type BuildEnv } from './argocd-env.js';

/** A `ref` source: its checkout (undefined when the gate has none), its URL, and whether it names a chart. */
export interface RefCheckout {
  repo: RepoFiles | undefined;
  url: string;
  chart?: boolean;
}

export interface ValueFilesContext {
  repo: RepoFiles;
  /** The source's folder ('' for the root). */
  appPath: string;
  /** `ref` sources by name (without `$`). */
  refs: ReadonlyMap<string, RefCheckout>;
  multiSource: boolean;
  env: BuildEnv;
  ignoreMissing: boolean;
  /** argocd-cm `helm.valuesFileSchemes` (default https, http). */
  allowedSchemes?: readonly string[];
}

/** One resolved entry: a URL, or a file of this repository (`ref` unset) or of a ref source's checkout. */
export type ResolvedValueFile = { url: string } | { file: string; ref?: string };

/** The resolved files in Helm's merge order, each with the index of the entry that named it. */
export type ValueFilesResult = { files: ResolvedValueFile[]; origins: number[] } | { error: { index: number; message: string } };

const isGlob = (p: string) => /[*?[]/.test(p);

/** The multi-source checks on `$name` entries (value files and file parameters), before anything resolves. */
export function checkRefs(entries: readonly string[], ctx: Pick<ValueFilesContext, 'refs' | 'multiSource'>): { index: number; message: string } | undefined {
  if (!ctx.multiSource) return undefined;
  for (const [index, entry] of entries.entries()) {
    if (!entry.startsWith('$')) continue;
    const name = entry.split('/')[0];
    const ref = ctx.refs.get(name.slice(1));
    if (!ref) {
      if (ctx.refs.size === 0) return { index, message: `source referenced "${name}", but no source has a 'ref' field defined` };
      return { index, message: `source referenced "${name}", which is not one of the available sources (${[...ctx.refs.keys()].map((k) => `$${k}`).join(', ')})` };
    }
    if (ref.chart) return { index, message: "source has a 'chart' field defined, but Helm charts are not yet not supported for 'ref' sources" };
  }
  return undefined;
}

export function resolveValueFiles(raw: readonly string[], ctx: ValueFilesContext): ValueFilesResult {
  const refProblem = checkRefs(raw, ctx);
  if (refProblem) return { error: refProblem };
  const resolved = raw.map((entry) => resolveOne(entry, ctx));
  const key = (f: ResolvedValueFile) => ('url' in f ? `url:${f.url}` : `${f.ref ?? ''}\0${f.file}`);
  const explicit = new Set(resolved.flatMap((r) => ('file' in r && !isGlob(r.file)) || 'url' in r ? [key(r as ResolvedValueFile)] : []));
  const out: ResolvedValueFile[] = [];
  const origins: number[] = [];
  const seen = new Set<string>();
  let index = 0;
  const add = (f: ResolvedValueFile) => {
    if (seen.has(key(f))) return;
    seen.add(key(f));
    out.push(f);
    origins.push(index);
  };
  for (const [i, r] of resolved.entries()) {
    index = i;
    if ('error' in r) return { error: { index, message: r.error } };
    if ('url' in r) {
      add(r);
      continue;
    }
    const checkout = r.ref === undefined ? ctx.repo : ctx.refs.get(r.ref)?.repo;
    if (isGlob(r.file)) {
      if (!checkout) return { error: { index, message: `failed to find repo "${ctx.refs.get(r.ref!)?.url ?? ''}"` } };
      const matches = globFiles(checkout, r.file);
      if (matches.length === 0) {
        if (ctx.ignoreMissing) continue;
        return { error: { index, message: `values file glob "${raw[index]}" matched no files` } };
      }
      const outside = matches.find((m) => m.outside);
      if (outside) return { error: { index, message: `glob pattern "${raw[index]}": glob match "${outside.file}" resolved to outside repository root` } };
      for (const m of matches) {
        const f: ResolvedValueFile = { file: m.file, ...(r.ref !== undefined ? { ref: r.ref } : {}) };
        if (!explicit.has(key(f))) add(f);
      }
      continue;
    }
    if (ctx.ignoreMissing && !(checkout?.isFile(r.file) ?? false)) continue;
    add(r);
  }
  return { files: out, origins };
}

/** One entry resolved as `ResolveValueFilePathOrUrl` resolves it (before any glob expands). */
export function resolveOne(entry: string, ctx: ValueFilesContext): ResolvedValueFile | { error: string } {
  const name = entry.startsWith('$') ? entry.split('/')[0].slice(1) : undefined;
  const ref = name !== undefined ? ctx.refs.get(name) : undefined;
  if (ref) {
    if (!ref.repo) return { error: `failed to find repo "${ref.url}"` };
    const link = outOfBoundsLink(ref.repo);
    if (link !== undefined) return { error: `repository contains out-of-bounds symlinks. file: ${link}` };
    const rest = envsubst(['', ...entry.split('/').slice(1)].join('/'), ctx.env);
    const at = within(ref.repo, '', rest);
    return 'error' in at ? at : { file: at.file, ref: name! };
  }
  const value = envsubst(entry, ctx.env);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  if (scheme !== undefined) {
    const allowed = (ctx.allowedSchemes ?? ['https', 'http']).some((s) => s.toLowerCase() === scheme.toLowerCase());
    return allowed ? { url: value } : { error: `the URL scheme '${scheme}' is not allowed` };
  }
  return within(ctx.repo, ctx.appPath, value);
}

/** `resolveFileOrDirectory`: joined to the folder (or the root, for `/x`), links followed, kept inside the checkout. */
function within(repo: RepoFiles, appPath: string, value: string): { file: string } | { error: string } {
  const joined = value.startsWith('/') ? value : path.posix.join('/', appPath, value);
  let file = path.posix.normalize(`/${joined}`);
  const outside = { error: `file '${value}' resolved to outside repository root` };
  // Clean() stops `..` at the root; whether it tried to climb out is what decides.
  if (climbsOut(value.startsWith('/') ? value : path.posix.join(appPath || '.', value))) return outside;
  if (!isGlob(file)) {
    const followed = followLinks(repo, file.slice(1));
    if (followed === undefined) return { error: 'internal error: failed to resolve path. Check logs for more details' };
    if (followed === 'outside') return outside;
    file = `/${followed}`;
  }
  const rel = file.replace(/^\/+/, '');
  if (rel === '') return { error: 'internal error: failed to resolve path. Check logs for more details' };
  return { file: rel };
}

function climbsOut(p: string): boolean {
  let depth = 0;
  for (const seg of p.split('/')) {
    if (seg === '..') depth--;
    else if (seg !== '' && seg !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** `resolveSymbolicLinkRecursive` (ten links at most): the path a chain of links ends at, relative to the root. */
function followLinks(repo: RepoFiles, rel: string): string | 'outside' | undefined {
  let current = rel;
  for (let depth = 0; depth <= 10; depth++) {
    const target = repo.readLink(current);
    if (target === undefined) return current;
    if (depth === 10) return undefined;
    const next = path.isAbsolute(target) ? path.relative(repo.root, target) : path.posix.join(path.posix.dirname(current), target.split(path.sep).join('/'));
    if (next === '..' || next.startsWith('../') || path.isAbsolute(next)) return 'outside';
    current = path.posix.normalize(next);
  }
  return undefined;
}

/** doublestar's FilepathGlob order: folders depth first in name order, each folder's own matches by name first. */
function globFiles(repo: RepoFiles, pattern: string): { file: string; outside: boolean }[] {
  const match = picomatch(pattern, { dot: true });
  const problems: InputError[] = [];
  // Only the folder before the first glob character can hold a match.
  const base = picomatch.scan(pattern).base;
  const inside = (repo.isDirectory(base) ? repo.walk(base, problems) : []).filter((f) => match(f)).map((file) => ({ file, outside: false }));
  const escaping = problems.filter((p) => p.ruleId === 'path-outside-repository' && match(p.file)).map((p) => ({ file: p.file, outside: true }));
  const folders = (f: string) => (path.posix.dirname(f) === '.' ? [] : path.posix.dirname(f).split('/'));
  return [...inside, ...escaping].sort((x, y) => {
    const a = x.file;
    const b = y.file;
    const da = folders(a);
    const db = folders(b);
    for (let i = 0; i < Math.min(da.length, db.length); i++) if (da[i] !== db[i]) return da[i] < db[i] ? -1 : 1;
    if (da.length !== db.length) return da.length - db.length;
    const na = path.posix.basename(a);
    const nb = path.posix.basename(b);
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

const outOfBounds = new WeakMap<RepoFiles, string | null>();

/**
 * The first link in a checkout that leads out of it, if any (`CheckOutOfBoundsSymlinks`, `.git` skipped): Argo CD
 * refuses every source of such a checkout before it renders anything. Walked once per checkout.
 */
export function outOfBoundsLink(repo: RepoFiles): string | undefined {
  let found = outOfBounds.get(repo);
  if (found === undefined) {
    found = repo.firstEscapingLink() ?? null;
    outOfBounds.set(repo, found);
  }
  return found ?? undefined;
}
