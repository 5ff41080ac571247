/** The command line's commands: `scan [PATH]` and `rules`. Builds a ScanRequest and calls run(). */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../analyze/types.js';
import { parsePssVersion } from '../analyze/pss/types.js';
import { reportsFor } from '../report/outputs.js';
import { parseKubeVersion } from '../render/helm/engine.js';
import { defaultCacheDir } from '../fetch/open.js';
import { createProgress, progressIntervalMs, type Progress } from '../report/progress.js';
import { loadBuiltinRules } from '../rules/load.js';
import { run, type ScanRequest } from '../run.js';
import { runTemplate } from './template.js';
import type { FailOn, ReportFormat } from '../settings/types.js';
import { packageVersion } from '../util/package-root.js';

const HELP = `gitops-gate — a pre-merge security gate for Kubernetes GitOps repositories

Usage:
  gitops-gate scan [PATH] [options]   Render and check the repository at PATH (default: .)
  gitops-gate rules [--format text|json]
                                      List the built-in rules
  gitops-gate template [NAME] CHART [flags]
                                      Render a Helm chart locally, exactly as \`helm template\` does
                                      (-f/--values, --set, --set-string, --set-json, --set-file,
                                      --set-literal, -n/--namespace, --kube-version, -a/--api-versions,
                                      --include-crds, --skip-tests, -s/--show-only, --name-template,
                                      --output-dir, --debug); errors as \`Error: ...\`, exit status 1
  gitops-gate --help | --version

Scan options:
  --base REF            Pull-request mode: scan only the targets whose files changed between REF and
                        the working tree, and mark findings that already exist at REF as existing.
                        Only new findings block.
  --format FORMAT       text (default), json or sarif
  --output FILE         Write the report to FILE instead of standard output
  --sarif FILE          Also write SARIF 2.1.0 to FILE (beside a text or json report)
  --config FILE         Config file (default: .gitops-gate.yaml at the repository root; in --base mode
                        the base revision's copy, so a pull request cannot weaken its own policy)
  --fail-on LEVEL       none, low, medium, high (default) or critical: the lowest severity that blocks
  --pss-level LEVEL     privileged, baseline or restricted (default: restricted, or the config's)
  --pss-version VER     Pod Security Standards version, v1.0 to v1.37 or latest (default: latest)
  --kube-version VER    Kubernetes version the objects deploy to: Helm's --kube-version, and the schema
                        and API versions objects are checked against (default: the config's kubeVersion,
                        else v1.35.0, what released Helm 4 reports)
  --api-versions LIST   API versions added to Helm's .Capabilities.APIVersions (repeatable, comma-separated)
  --cache-dir DIR       Remote chart cache (default: $XDG_CACHE_HOME/gitops-gate/charts, else
                        ~/.cache/gitops-gate/charts); verified by digest on every read
  --offline             Never fetch remote charts: only what the cache holds (the rest is reported)
  --min-severity LEVEL  Text report: show only findings at or above LEVEL (low, medium, high, critical).
                        The counts, the verdict and the exit status still cover every finding; the
                        report says how many it does not show.
  --quiet, -q           Text report: only the counts, the coverage and the verdict; no progress
  --no-progress         No progress on standard error (by default: a live line on a terminal, else
                        a line every 5 s, or GITOPS_GATE_PROGRESS_INTERVAL_MS milliseconds)
  --no-color            Plain text output

Exit status: 0 nothing blocks, 1 a finding at or above --fail-on blocks (in --base mode only new
findings block), 2 usage or internal error.
`;

class UsageError extends Error {}

function pick<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

async function scan(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      base: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      sarif: { type: 'string' },
      config: { type: 'string' },
      'fail-on': { type: 'string' },
      'pss-level': { type: 'string' },
      'pss-version': { type: 'string' },
      'kube-version': { type: 'string' },
      'api-versions': { type: 'string', multiple: true, short: 'a' },
      'min-severity': { type: 'string' },
      'cache-dir': { type: 'string' },
      offline: { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
      'no-progress': { type: 'boolean' },
      'no-color': { type: 'boolean' }
    }
  });
  if (positionals.length > 1) throw new UsageError(`scan takes one PATH (got ${positionals.length})`);
  const format = pick<ReportFormat>(values.format, ['text', 'json', 'sarif'], '--format') ?? 'text';
  const pssVersion = values['pss-version'] === undefined ? undefined : parsePssVersion(values['pss-version']);
  if (values['pss-version'] !== undefined && pssVersion === undefined) throw new UsageError(`--pss-version must be v1.0 to v1.37 or latest (got "${values['pss-version']}")`);
  const minSeverity = pick<Severity>(values['min-severity'], SEVERITIES, '--min-severity');
  const kubeVersion = values['kube-version'];
  if (kubeVersion !== undefined) {
    try {
      parseKubeVersion(kubeVersion);
    } catch (err) {
      throw new UsageError(`--kube-version: ${(err as Error).message}`);
    }
  }
  const apiVersions = (values['api-versions'] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const progress = values.quiet || values['no-progress'] ? undefined : stderrProgress();
  const request: ScanRequest = {
    root: positionals[0] ?? '.',
    ...(values.base ? { base: values.base } : {}),
    ...(values.config ? { configPath: values.config } : {}),
    ...(values['fail-on'] ? { failOn: pick<FailOn>(values['fail-on'], ['none', ...SEVERITIES], '--fail-on') } : {}),
    ...(values['pss-level'] ? { pssLevel: pick(values['pss-level'], ['privileged', 'baseline', 'restricted'] as const, '--pss-level') } : {}),
    ...(pssVersion !== undefined ? { pssVersion } : {}),
    ...(kubeVersion ? { kubeVersion } : {}),
    ...(apiVersions.length > 0 ? { apiVersions } : {}),
    cacheDir: values['cache-dir'] ?? defaultCacheDir(),
    ...(values.offline ? { offline: true } : {}),
    ...(progress ? { onProgress: progress.onProgress } : {})
  };
  let result;
  try {
    result = await run(request);
  } finally {
    progress?.stop();
  }
  const color = !values['no-color'] && !values.output && process.stdout.isTTY === true;
  const reports = reportsFor(result, { color, toolVersion: packageVersion() });
  const display = { ...(minSeverity ? { minSeverity } : {}), ...(values.quiet ? { quiet: true } : {}) };
  const main = format === 'sarif' ? JSON.stringify(reports.sarif(), null, 2) + '\n' : format === 'json' ? reports.json() : reports.text(display);
  if (values.output) writeFileSync(values.output, main);
  else process.stdout.write(main);
  if (values.sarif) writeFileSync(values.sarif, JSON.stringify(reports.sarif(), null, 2) + '\n');
  return result.blocking.length > 0 ? 1 : 0;
}

/** Progress on standard error: a live line on a terminal, else a line every few seconds. */
function stderrProgress(): Progress {
  const live = process.stderr.isTTY === true;
  return createProgress({
    live,
    columns: process.stderr.columns,
    intervalMs: progressIntervalMs(process.env),
    write: (text) => process.stderr.write(live ? text : `${text}\n`)
  });
}

function rules(args: string[]): number {
  const { values } = parseArgs({ args, options: { format: { type: 'string' } } });
  const format = pick(values.format, ['text', 'json'] as const, '--format') ?? 'text';
  const list = loadBuiltinRules();
  if (format === 'json') {
    process.stdout.write(JSON.stringify(list.map(({ examples: _examples, ...rule }) => rule), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...list.map((r) => r.id.length));
  for (const rule of list) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.severity.padEnd(8)}  ${rule.title}\n`);
  process.stdout.write(`\n${list.length} rules. Details: docs/rules.md\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-v') {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    if (command === 'scan') return await scan(rest);
    if (command === 'rules') return rules(rest);
    if (command === 'template') {
      return runTemplate(rest, { cwd: process.cwd(), stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`gitops-gate: ${message}\n`);
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) process.stderr.write('Run `gitops-gate --help` for usage.\n');
    return 2;
  }
}

