/**
 * An Argo CD directory source: the files the repo-server reads (argoproj/argo-cd reposerver/repository/repository.go
 * `getPotentiallyValidManifests`, `getPotentiallyValidManifestFile`). The walk is the source folder only unless
 * `recurse`; a file counts when its name ends `.yaml`, `.yml`, `.json` or `.jsonnet` (unless
 * `disableExtensionFilter`), `exclude` does not match its path relative to the folder and `include` (when given)
 * does, both gobwas globs whose `*` crosses `/`, and it does not hold `+argocd:skip-file-rendering`. A link leaving the
 * repository fails the source, as upstream. Jsonnet is evaluated by Argo CD and not by the gate.
 */
import path from 'node:path';
import { isRecord } from '../objects/types.js';
import { InputError, type RepoFiles } from '../repo/files.js';
import { compileGobwasGlob } from './gobwas-glob.js';

const MANIFEST_FILE = /^.*\.(yaml|yml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

export interface DirectorySettings {
  recurse?: boolean;
  include?: string;
  exclude?: string;
  disableExtensionFilter?: boolean;
}

export interface DirectoryFiles {
  /** YAML and JSON files, in Argo CD's walk order. */
  files: string[];
  /** `.jsonnet` files Argo CD would evaluate. */
  jsonnet: string[];
  /** Links leaving the repository among the files read (Argo CD fails the source on them). */
  problems: InputError[];
}

/** The settings of `spec.source.directory` as written (wrong types read as unset). */
export function directorySettings(value: unknown): DirectorySettings {
  const d = isRecord(value) ? value : {};
  return {
    ...(d.recurse === true ? { recurse: true } : {}),
    ...(typeof d.include === 'string' && d.include !== '' ? { include: d.include } : {}),
    ...(typeof d.exclude === 'string' && d.exclude !== '' ? { exclude: d.exclude } : {}),
    ...(d.disableExtensionFilter === true ? { disableExtensionFilter: true } : {})
  };
}

export function directoryFiles(repo: RepoFiles, dir: string, settings: DirectorySettings): DirectoryFiles {
  const walked: InputError[] = [];
  const all = repo.walk(dir, walked);
  const relative = (file: string) => (dir === '' ? file : path.posix.relative(dir, file));
  const inScope = (file: string) => {
    const rel = relative(file);
    return (settings.recurse || !rel.includes('/')) && (settings.disableExtensionFilter || MANIFEST_FILE.test(path.posix.basename(file)));
  };
  const include = settings.include ? compileGobwasGlob(settings.include) : undefined;
  const exclude = settings.exclude ? compileGobwasGlob(settings.exclude) : undefined;
  const out: DirectoryFiles = { files: [], jsonnet: [], problems: walked.filter((p) => p.ruleId !== 'path-outside-repository' || inScope(p.file)) };
  for (const file of all) {
    if (!inScope(file)) continue;
    const rel = relative(file);
    if (settings.exclude && exclude?.(rel)) continue;
    if (settings.include && !include?.(rel)) continue;
    let text: string;
    try {
      text = repo.readText(file);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      out.problems.push(err);
      continue;
    }
    if (text.includes(SKIP_MARKER)) continue;
    if (file.endsWith('.jsonnet')) out.jsonnet.push(file);
    else out.files.push(file);
  }
  return out;
}

/**
 * Whether a YAML file that holds no object would fail Argo CD's render: it does when it looks like a manifest
 * (`apiVersion:`, `kind:` and `metadata:` in its text); otherwise Argo CD ignores it.
 */
export function looksLikeManifest(text: string): boolean {
  return text.includes('apiVersion:') && text.includes('kind:') && text.includes('metadata:');
}
