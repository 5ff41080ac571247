/**
 * The pipeline, shared by the action and the CLI:
 * settings -> changes -> targets -> render (head, and base in PR mode) -> analyze -> policy -> result.
 * Reporting is the caller's: the result holds everything a report needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkObject, type ActiveRule } from './analyze/engine.js';
import { inputFindings } from './analyze/input-findings.js';
import type { Finding } from './analyze/types.js';
import { changedFiles, exportRevision, mergeBase, resolveCommit, type ChangedFile } from './changes/git.js';
import { applyExceptions } from './policy/exceptions.js';
import { blockingFindings, markAgainstBase, sortFindings } from './policy/gate.js';
import { activeRules } from './policy/rules.js';
import { renderTarget } from './render/index.js';
import { InputError, RepoFiles } from './repo/files.js';
import { combineRules, loadBuiltinRules, loadCustomRules } from './rules/load.js';
import type { RuleDefinition } from './rules/types.js';
import { applyConfig, CONFIG_FILE_NAMES, defaultSettings, parseConfig } from './settings/config.js';
import type { FailOn, Settings } from './settings/types.js';
import { discoverTargets } from './targets/discover.js';
import { TargetIndex } from './targets/index.js';
import type { Target } from './targets/types.js';
import { getAt, refOf, type KubeObject, type ObjectRef } from './objects/types.js';

/** What an entry point asks for: flags and inputs, before the config file is read. */
export interface ScanRequest {
  root: string;
  base?: string;
  /** A config file path (absolute or relative to the working directory); otherwise .gitops-gate.yaml is looked up. */
  configPath?: string;
  failOn?: FailOn;
  pssLevel?: Settings['pss']['level'];
  pssVersion?: number;
}

export interface TargetReport {
  id: string;
  kind: Target['kind'];
  path: string;
  rendered: boolean;
  objects: number;
}

/** Rendered objects that a pull request adds, changes or removes, per target. */
export interface TargetDiff {
  target: string;
  added: ObjectRef[];
  changed: ObjectRef[];
  removed: ObjectRef[];
}

export interface RunResult {
  settings: Settings;
  rules: RuleDefinition[];
  findings: Finding[];
  blocking: Finding[];
  targets: TargetReport[];
  baseScanned: boolean;
  /** Commit the findings were compared with (PR mode). */
  baseCommit?: string;
  changes?: ChangedFile[];
  /** Per scanned target, the objects added, changed and removed between base and head (PR mode). */
  targetDiffs?: TargetDiff[];
  /** Things the user should know that are not findings (policy edits in the PR, skipped targets). */
  notes: string[];
}

export async function run(request: ScanRequest): Promise<RunResult> {
  const root = path.resolve(request.root);
  const notes: string[] = [];
  if (!request.base) {
    const settings = resolveSettings(request, root, root);
    const head = new RepoFiles(root, { maxFileBytes: settings.limits.maxFileBytes });
    const rules = combineRules(loadBuiltinRules(), loadCustomRules(head, settings.rules.custom));
    const active = activeRules(rules, settings);
    const scan = await scanTree(head, settings, active, (all) => all);
    const findings = sortFindings(withExceptions(scan.findings, settings, notes));
    return { settings, rules, findings, blocking: blockingFindings(findings, settings.failOn), targets: scan.targets, baseScanned: false, notes };
  }

  const baseCommit = await mergeBase(root, await resolveCommit(root, request.base));
  const changes = await changedFiles(root, baseCommit);
  const exported = await exportRevision(root, baseCommit);
  try {
    // The policy (config and custom rules) is read from the base revision: a pull request cannot weaken it.
    const settings = resolveSettings(request, root, exported.dir);
    const policyFiles = new Set([...CONFIG_FILE_NAMES, ...settings.rules.custom]);
    for (const change of changes) {
      if ([...policyFiles].some((p) => change.path === p || change.path.startsWith(`${p}/`))) {
        notes.push(`This change edits the gitops-gate policy (${change.path}); the base revision's policy was applied.`);
      }
    }
    const baseRepo = new RepoFiles(exported.dir, { maxFileBytes: settings.limits.maxFileBytes });
    const head = new RepoFiles(root, { maxFileBytes: settings.limits.maxFileBytes });
    const rules = combineRules(loadBuiltinRules(), loadCustomRules(baseRepo, settings.rules.custom));
    const active = activeRules(rules, settings);
    const changedPaths = changes.flatMap((c) => (c.previousPath ? [c.path, c.previousPath] : [c.path]));

    const headScan = await scanTree(head, settings, active, (all) => new TargetIndex(all).affectedBy(changedPaths));
    const selected = new Set(headScan.targets.map((t) => t.id));
    const baseScan = await scanTree(baseRepo, settings, active, (all) => all.filter((t) => selected.has(t.id)));
    const marked = markAgainstBase(headScan.findings, new Set(baseScan.findings.map((f) => f.fingerprint)));
    const findings = sortFindings(withExceptions(marked, settings, notes));
    return {
      settings,
      rules,
      findings,
      blocking: blockingFindings(findings, settings.failOn),
      targets: headScan.targets,
      baseScanned: true,
      baseCommit,
      changes,
      targetDiffs: diffTargets(baseScan.objects, headScan.objects),
      notes
    };
  } finally {
    exported.dispose();
  }
}

function withExceptions(findings: Finding[], settings: Settings, notes: string[]): Finding[] {
  if (settings.exceptions.length === 0) return findings;
  const applied = applyExceptions(findings, settings.exceptions, new Date().toISOString().slice(0, 10), settings.configSource || 'config');
  notes.push(...applied.notes);
  return applied.findings;
}

/** Defaults, then the config file (explicit, or found in `policyTree`), then the request's flags. */
function resolveSettings(request: ScanRequest, root: string, policyTree: string): Settings {
  let settings = defaultSettings(root);
  const configFile = request.configPath
    ? path.resolve(request.configPath)
    : CONFIG_FILE_NAMES.map((name) => path.join(policyTree, name)).find((p) => existsSync(p));
  if (configFile) {
    const source = request.configPath ?? path.basename(configFile);
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch {
      throw new InputError(source, 'config file not found', 'file-not-found');
    }
    settings = applyConfig(settings, parseConfig(text, source), source);
  }
  return {
    ...settings,
    ...(request.base ? { base: request.base } : {}),
    failOn: request.failOn ?? settings.failOn,
    pss: { level: request.pssLevel ?? settings.pss.level, minor: request.pssVersion ?? settings.pss.minor }
  };
}

interface TreeScan {
  targets: TargetReport[];
  findings: Finding[];
  /** Per target: object identity (group, kind, namespace, name) -> the rendered object. */
  objects: Map<string, Map<string, KubeObject>>;
}

/** Discover, render and check one revision's tree; every target is tried, whatever the others do. */
async function scanTree(
  repo: RepoFiles,
  settings: Settings,
  rules: readonly ActiveRule[],
  select: (targets: Target[]) => Target[]
): Promise<TreeScan> {
  const discovery = discoverTargets(repo, settings.discovery);
  const errors: { error: InputError; target?: string }[] = discovery.errors.map((error) => ({ error }));
  const findings: Finding[] = [];
  const targets: TargetReport[] = [];
  const objects: TreeScan['objects'] = new Map();
  for (const target of select(discovery.targets)) {
    const output = await renderTarget(target, repo, { timeoutMs: settings.limits.renderTimeoutMs, helmRenderer: settings.renderer });
    for (const error of output.errors) errors.push({ error, target: target.id });
    const identities = new Map<string, KubeObject>();
    objects.set(target.id, identities);
    for (const object of output.objects) {
      findings.push(...checkObject(object, rules, { pss: settings.pss }));
      identities.set(`${object.apiVersion.split('/')[0]}/${object.kind}/${object.namespace ?? ''}/${object.name}`, object);
    }
    targets.push({ id: target.id, kind: target.kind, path: target.path, rendered: target.renderable, objects: output.objects.length });
  }
  findings.push(...inputFindings(errors, settings.rules.severity));
  return { targets, findings, objects };
}

/**
 * Objects added, changed and removed per head target (a target new in the pull request adds all its objects).
 * Only pull-request mode needs it, so bodies are compared here rather than digested during the scan.
 */
function diffTargets(base: TreeScan['objects'], head: TreeScan['objects']): TargetDiff[] {
  const diffs: TargetDiff[] = [];
  for (const [target, after] of head) {
    const before = base.get(target) ?? new Map<string, KubeObject>();
    const diff: TargetDiff = { target, added: [], changed: [], removed: [] };
    for (const [key, object] of after) {
      const old = before.get(key);
      if (!old) diff.added.push(refOf(object));
      else if (comparableBody(old) !== comparableBody(object)) diff.changed.push(refOf(object));
    }
    for (const [key, object] of before) if (!after.has(key)) diff.removed.push(refOf(object));
    diffs.push(diff);
  }
  return diffs;
}

/** The body as canonical JSON with volatile values blanked: equal for objects that differ in nothing real. */
function comparableBody(object: KubeObject): string {
  return canonicalJson(withoutVolatile(object));
}

/** The body with volatile fields (random values, the clock) blanked, so that only real changes count. */
function withoutVolatile(object: KubeObject): unknown {
  if (!object.volatilePaths?.length) return object.body;
  const copy = structuredClone(object.body) as Record<string, unknown>;
  for (const p of object.volatilePaths) {
    const parent = getAt(copy, p.slice(0, -1));
    if (parent && typeof parent === 'object') (parent as Record<string | number, unknown>)[p[p.length - 1]] = '(volatile)';
  }
  return copy;
}

/** JSON with object keys sorted, so equal objects give equal text whatever order their files wrote them in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v
  );
}
