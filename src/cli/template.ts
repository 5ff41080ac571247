/**
 * `gitops-gate template [NAME] CHART [flags]`: mirrors `helm template` (pkg/cmd/template.go) with our own
 * engine. Standard output is byte-identical to Helm's; errors are printed on standard error as `Error: ...`
 * with exit status 1. The chart and every file it names are read through RepoFiles rooted at the working
 * directory.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RepoFiles, InputError } from '../repo/files.js';
import { Template, TemplateError } from '../render/gotemplate/index.js';
import { HelmRenderError, renderChart, type HelmBuild } from '../render/helm/index.js';
import { helmFuncMap } from '../render/helm/funcmap.js';
import { goTrimSpace, outputDirWrites, templateStdout } from '../render/helm/output.js';
import { parseKubeVersion } from '../render/helm/engine.js';

export interface TemplateIO {
  /** Folder the command runs in (the repository root for RepoFiles). */
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** The Helm build to behave as (default RELEASED_HELM; the upstream goldens were made by HELM_MAIN_TEST_BUILD). */
  build?: HelmBuild;
}

export const TEMPLATE_USAGE = 'Usage:  gitops-gate template [NAME] [CHART] [flags]';

class FlagError extends Error {}

type FlagKind = 'string' | 'array' | 'slice' | 'bool';

const FLAGS: Record<string, { kind: FlagKind; short?: string }> = {
  values: { kind: 'slice', short: 'f' },
  set: { kind: 'array' },
  'set-string': { kind: 'array' },
  'set-json': { kind: 'array' },
  'set-file': { kind: 'array' },
  'set-literal': { kind: 'array' },
  namespace: { kind: 'string', short: 'n' },
  'kube-version': { kind: 'string' },
  'api-versions': { kind: 'slice', short: 'a' },
  'include-crds': { kind: 'bool' },
  'skip-crds': { kind: 'bool' },
  'skip-tests': { kind: 'bool' },
  'show-only': { kind: 'array', short: 's' },
  'name-template': { kind: 'string' },
  'output-dir': { kind: 'string' },
  'release-name': { kind: 'bool' },
  debug: { kind: 'bool' },
  'generate-name': { kind: 'bool', short: 'g' },
  'is-upgrade': { kind: 'bool' },
  'no-hooks': { kind: 'bool' },
  'skip-schema-validation': { kind: 'bool' },
  'render-subchart-notes': { kind: 'bool' },
  'dependency-update': { kind: 'bool' },
  timeout: { kind: 'string' }
};

interface ParsedFlags {
  strings: Record<string, string>;
  lists: Record<string, string[]>;
  bools: Record<string, boolean>;
  positionals: string[];
}

/** pflag-like parsing: --flag value, --flag=value, -f value, -fvalue, bools without value; `--` ends flags. */
export function parseTemplateArgs(args: string[]): ParsedFlags {
  const out: ParsedFlags = { strings: {}, lists: {}, bools: {}, positionals: [] };
  const byShort = new Map(Object.entries(FLAGS).filter(([, f]) => f.short).map(([n, f]) => [f.short!, n]));
  const set = (name: string, value: string | undefined, next: () => string): void => {
    const f = FLAGS[name];
    if (f.kind === 'bool') {
      if (value === undefined) out.bools[name] = true;
      else if (/^(1|t|T|true|TRUE|True)$/.test(value)) out.bools[name] = true;
      else if (/^(0|f|F|false|FALSE|False)$/.test(value)) out.bools[name] = false;
      else throw new FlagError(`invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`);
      return;
    }
    const v = value ?? next();
    if (f.kind === 'string') out.strings[name] = v;
    else if (f.kind === 'array') (out.lists[name] ??= []).push(v);
    else (out.lists[name] ??= []).push(...(v === '' ? [] : splitCsv(v)));
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = (flag: string) => (): string => {
      if (i + 1 >= args.length) throw new FlagError(`flag needs an argument: ${flag}`);
      return args[++i];
    };
    if (a === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (!FLAGS[name]) throw new FlagError(`unknown flag: --${name}`);
      set(name, eq >= 0 ? a.slice(eq + 1) : undefined, next(`--${name}`));
    } else if (a.startsWith('-') && a.length > 1) {
      const c = a[1];
      const name = byShort.get(c);
      if (!name) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
      const rest = a.slice(2);
      if (FLAGS[name].kind === 'bool') set(name, rest.startsWith('=') ? rest.slice(1) : rest === '' ? undefined : rest, next(`'${c}' in -${c}`));
      else set(name, rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest, next(`'${c}' in -${c}`));
    } else {
      out.positionals.push(a);
    }
  }
  return out;
}

/** encoding/csv-like split used by pflag string slices. */
function splitCsv(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur === '') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function renderNameTemplate(text: string): string {
  const t = new Template('name-template', { funcs: helmFuncMap() });
  t.parse(text);
  return t.execute(null);
}

function showOnly(args: string[]): string[] {
  try {
    return parseTemplateArgs(args).lists['show-only'] ?? [];
  } catch {
    return [];
  }
}

/** Runs the command; returns the exit status. */
export function runTemplate(args: string[], io: TemplateIO): number {
  let debug = false;
  try {
    const f = parseTemplateArgs(args);
    debug = !!f.bools.debug;
    if (f.positionals.length < 1) {
      io.stderr(`Error: "gitops-gate template" requires at least 1 argument\n\n${TEMPLATE_USAGE}\n`);
      return 1;
    }
    const kubeVersion = f.strings['kube-version'];
    if (kubeVersion !== undefined && kubeVersion !== '') {
      try {
        parseKubeVersion(kubeVersion);
      } catch (err) {
        throw new Error((err as Error).message);
      }
    }
    // NameAndChart
    const pos = f.positionals;
    let name = 'release-name';
    let chartArg: string;
    if (pos.length > 2) throw new Error(`expected at most two arguments, unexpected arguments: ${pos.slice(2).join(', ')}`);
    if (pos.length === 2) {
      if (f.bools['generate-name']) throw new Error('cannot set --generate-name and also specify a name');
      if (f.strings['name-template']) throw new Error('cannot set --name-template and also specify a name');
      name = pos[0];
      chartArg = pos[1];
    } else {
      chartArg = pos[0];
      if (f.strings['name-template']) {
        try {
          name = renderNameTemplate(f.strings['name-template']);
        } catch (err) {
          if (err instanceof TemplateError) throw new Error(err.message);
          throw err;
        }
      }
    }
    // The chart may be anywhere (`/abs/chart`, `../other/chart`): files are read from the working directory, or
    // from the nearest folder that holds it, the chart and the values files; paths given relative to the working
    // directory are then rebased onto that folder (and kept as typed otherwise, as Helm's messages quote them).
    const cwd = path.resolve(io.cwd);
    const root = readRoot(cwd, [chartArg, ...(f.lists.values ?? [])]);
    const fromRoot = (p: string) => (root === cwd && !path.isAbsolute(p) ? p : path.relative(root, path.resolve(cwd, p)) || '.');
    const repo = new RepoFiles(root);
    const chartRel = fromRoot(chartArg);
    if (!repo.exists(chartRel)) {
      throw new Error(chartArg.startsWith('.') || path.isAbsolute(chartArg) ? `path "${chartArg}" not found` : `repo ${chartArg.split('/')[0]} not found`);
    }
    const outputDir = f.strings['output-dir'] ?? '';
    const includeCrds = !!f.bools['include-crds'];
    const skipTests = !!f.bools['skip-tests'];
    const noHooks = !!f.bools['no-hooks'];
    const r = renderChart(repo, chartRel, {
      releaseName: name,
      namespace: f.strings.namespace ?? 'default',
      valuesFiles: (f.lists.values ?? []).map(fromRoot),
      set: f.lists.set,
      setString: f.lists['set-string'],
      setJson: f.lists['set-json'],
      setFile: f.lists['set-file']?.map((pairs) => pairs.replace(/(^|,)([^=,]*)=([^,]*)/g, (_m, sep: string, key: string, file: string) => `${sep}${key}=${fromRoot(file)}`)),
      setLiteral: f.lists['set-literal'],
      kubeVersion: kubeVersion || undefined,
      ...(io.build ? { build: io.build } : {}),
      apiVersions: f.lists['api-versions'],
      includeCrds,
      skipTests,
      isUpgrade: !!f.bools['is-upgrade'],
      skipSchemaValidation: !!f.bools['skip-schema-validation'],
      renderSubchartNotes: !!f.bools['render-subchart-notes'],
      timeoutMs: 120_000
    });
    const opts = { includeCrds, skipTests, noHooks, showOnly: f.lists['show-only'] ?? [], ...(io.build ? { build: io.build } : {}) };
    if (outputDir !== '') {
      const written = new Set<string>();
      const base = path.resolve(io.cwd, outputDir);
      const releaseDir = f.bools['release-name'] ? path.join(base, name) : base;
      for (const w of outputDirWrites(r.crds, r.sortedManifests, r.hooks, opts)) {
        const dir = w.kind === 'crd' ? base : releaseDir;
        const file = [dir, w.name].join(path.sep);
        const shown = [w.kind === 'crd' ? outputDir : f.bools['release-name'] ? path.join(outputDir, name) : outputDir, w.name].join(path.sep);
        const append = w.kind === 'hook' ? existsSync(file) : written.has(file);
        mkdirSync(path.dirname(file), { recursive: true });
        const data = `---\n# Source: ${w.name}\n${w.data}\n`;
        if (append) appendFileSync(file, data);
        else writeFileSync(file, data);
        written.add(file);
        io.stdout(`wrote ${shown}\n`);
      }
      io.stdout(templateStdout('', [], { ...opts, noHooks: true, showOnly: [] }));
      return 0;
    }
    io.stdout(templateStdout(r.releaseManifest, r.hooks, opts));
    return 0;
  } catch (err) {
    if (err instanceof HelmRenderError) {
      if (err.partialManifest !== undefined) {
        if (!debug) {
          io.stderr(`Error: ${err.helmMessage}\n\nUse --debug flag to render out invalid YAML\n`);
          return 1;
        }
        if (io.build && !io.build.debugOutputFollowsShowOnly) {
          io.stdout(goTrimSpace(err.partialManifest) + '\n');
        } else {
          // Helm 4.1 prints what was rendered, filtered by --show-only (a missing template is then the error).
          try {
            io.stdout(templateStdout(err.partialManifest, [], { showOnly: showOnly(args) }));
          } catch (showErr) {
            io.stderr(`Error: ${(showErr as Error).message}\n`);
            return 1;
          }
        }
      }
      io.stderr(`Error: ${err.helmMessage}\n`);
      return 1;
    }
    if (err instanceof InputError) {
      io.stderr(`Error: ${err.message}\n`);
      return 1;
    }
    if (err instanceof FlagError) {
      io.stderr(`Error: ${err.message}\n`);
      return 1;
    }
    io.stderr(`Error: ${(err as Error).message}\n`);
    return 1;
  }
}

/** The working directory, or the nearest folder above it that holds every path given (relative to it, or absolute). */
function readRoot(cwd: string, paths: string[]): string {
  let root = cwd;
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    for (let rel = path.relative(root, abs); rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel); rel = path.relative(root, abs)) root = path.dirname(root);
  }
  return root;
}
