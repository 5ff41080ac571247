/**
 * The pipeline, shared by the action and the CLI:
 * settings -> changes -> targets -> render (head, and base in PR mode) -> analyze -> policy -> result.
 * Reporting is the caller's: the result holds everything a report needs.
 */
import { lstatSync } from 'node:fs';
import path from 'node:path';
import { checkObject, checkSet } from './analyze/engine.js';
import { inputFindings, type InputProblem } from './analyze/input-findings.js';
import type { Finding } from './analyze/types.js';
import { changedFiles, exportRevision, headCommit, mergeBase, remoteUrls, resolveCommit, untrackedChartDependencies, type ChangedFile } from './changes/git.js';
import { reuseBuiltDependencies } from './sources/built-dependencies.js';
import { applyExceptions } from './policy/exceptions.js';
import { applyGrant, grantOf, IGNORE_ANNOTATION, type AnnotationGrant } from './policy/annotation-exceptions.js';
import { blockingFindings, markAgainstBase, sortFindings } from './policy/gate.js';
import { inScope, Scopes, withProfiles } from './policy/scopes.js';
import { admissionFindings, type AdmissionPolicies } from './analyze/admission/findings.js';
import { loadAdmissionPolicies } from './rules/admission-policies.js';
import { kubeMinorOf } from './rules/templates/api-lifecycle.js';
import { renderTarget } from './render/index.js';
import { DEFAULT_KUBE_VERSION } from './render/helm/index.js';
import { expandApplicationSet } from './render/argocd-applicationset.js';
import type { ChartSource, ChartUse } from './fetch/chart-source.js';
import { openChartSource, type OpenChartSource } from './fetch/open.js';
import { DECLARATION_API, declarationFiles, declarationInputsChanged, DeclaredTargets, IN_CLUSTER_KEY, isResourceSet } from './targets/declared.js';
import { DeclarationReach } from './targets/declaration-reach.js';
import { YamlTexts } from './targets/repo-yaml.js';
import { RepositoryPolicy } from './fetch/policy.js';
import type { RenderOutput } from './render/types.js';
import { isolationMode } from './render/process.js';
import { parseYaml } from './objects/yaml-source.js';
import { diagnosticRule, isCoverageRule } from './report/diagnostic-rules.js';
import { digest } from './util/hash.js';
import { InputError, RepoFiles, underRoot } from './repo/files.js';
import { combineRules, loadBuiltinRules, loadCustomRules } from './rules/load.js';
import type { RuleDefinition } from './rules/types.js';
import { applyConfig, CONFIG_FILE_NAMES, ConfigError, defaultSettings, MAX_CONFIG_BYTES, parseConfig } from './settings/config.js';
import type { FailOn, Settings } from './settings/types.js';
import { discoverTargets, isUnder } from './targets/discover.js';
import type { Coverage } from './policy/coverage.js';
import { countDeclarations, declarationStates, type DeclarationState, type RenderedDeclaration } from './policy/declarations.js';
import { isArgoApplication } from './targets/argocd-application.js';
import { isHelmRelease } from './targets/flux-helm-release.js';
import { isFluxKustomization } from './targets/flux-kustomization.js';
import type { SkipReason } from './targets/types.js';
import { TargetIndex } from './targets/index.js';
import type { Target } from './targets/types.js';
import { describeObject, getAt, isRecord, refOf, type KubeObject, type ObjectRef } from './objects/types.js';

/** What an entry point asks for: flags and inputs, before the config file is read. */
export interface ScanRequest {
  root: string;
  base?: string;
  /** A config file path (absolute or relative to the working directory); otherwise .gitops-gate.yaml is looked up. */
  configPath?: string;
  failOn?: FailOn;
  pssLevel?: Settings['pss']['level'];
  pssVersion?: number;
  /** Helm's `--kube-version` for every chart (over the config's top-level setting). */
  kubeVersion?: string;
  /** Helm's `--api-versions` for every chart (added to the config's). */
  apiVersions?: string[];
  /** Called before each target renders, for a progress display. */
  onProgress?: (event: ScanProgress) => void;
  /** Never fetch remote charts: only what the cache holds. */
  offline?: boolean;
  /** Chart cache folder kept between runs (none: nothing is kept). */
  cacheDir?: string;
}

/** The target about to render, its 1-based place among `total`, and which revision. */
export interface ScanProgress {
  phase: 'head' | 'base';
  target: string;
  index: number;
  total: number;
}

export interface TargetReport {
  id: string;
  kind: Target['kind'];
  path: string;
  rendered: boolean;
  objects: number;
  /** Whether everything the target deploys was checked; when not, `unchecked` says why (the findings say where). */
  checked: boolean;
  unchecked?: string[];
}

/** Rendered objects that a pull request adds, changes or removes, per target. */
export interface TargetDiff {
  target: string;
  added: ObjectRef[];
  changed: ObjectRef[];
  removed: ObjectRef[];
  /** The removed objects are deleted from the cluster when the change merges (Flux prune, Argo CD prune, Helm). */
  prunes?: boolean;
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
  coverage: Coverage;
  /** Charts fetched from Helm repositories and registries (or their cache), base and head together. */
  remoteCharts: RemoteChartUse[];
  /** Every Flux and Argo CD declaration with its targets and state (in a pull request: checked, or not affected). */
  declarations: DeclarationState[];
}

/** One remote chart a run used. */
export type RemoteChartUse = ChartUse;

export async function run(request: ScanRequest): Promise<RunResult> {
  const root = path.resolve(request.root);
  const notes: string[] = [];
  const startedAt = Date.now();
  if (!request.base) {
    const settings = resolveSettings(request, root, root);
    const budget = new ScanBudget(startedAt, settings.limits.scanTimeoutMs);
    const head = new RepoFiles(root, { maxFileBytes: settings.limits.maxFileBytes });
    const rules = combineRules(loadBuiltinRules(), loadCustomRules(head, settings.rules.custom));
    const scopes = new Scopes(rules, settings);
    const admission = loadAdmissionPolicies(head, settings.admissionPolicies);
    const source = openChartSource(settings);
    try {
      const repository = { urls: [...settings.repositoryURLs, ...(await remoteUrls(root))], revision: await headCommit(root) };
      const scan = await scanTree(head, settings, scopes, admission, budget, EVERYTHING, false, source.charts, repository, progressFor(request, 'head'));
      const remote = await summarizeRemoteCharts(source.charts);
      notes.push(...scan.notes, ...isolationNotes(scan.targets, settings), ...remote.notes);
      const findings = sortFindings(withExceptions(scan.findings, settings, notes));
      return {
        settings,
        rules,
        findings,
        blocking: blockingFindings(findings, settings.failOn),
        targets: scan.targets,
        baseScanned: false,
        notes,
        coverage: coverageOf(scan, () => true),
        remoteCharts: remote.used,
        declarations: scan.declarations
      };
    } finally {
      source.close();
    }
  }

  const baseCommit = await mergeBase(root, await resolveCommit(root, request.base));
  const changes = await changedFiles(root, baseCommit);
  const exported = await exportRevision(root, baseCommit);
  let source: OpenChartSource | undefined;
  try {
    // The policy (config and custom rules) is read from the base revision: a pull request cannot weaken it.
    const settings = resolveSettings(request, root, exported.dir);
    const budget = new ScanBudget(startedAt, settings.limits.scanTimeoutMs);
    const policyFiles = [...CONFIG_FILE_NAMES, ...(request.configPath ? [configPathInRepository(request.configPath, root)] : []), ...settings.rules.custom, ...settings.admissionPolicies];
    for (const change of changes) {
      const touched = [change.path, change.previousPath].filter((p): p is string => p !== undefined);
      if (touched.some((t) => policyFiles.some((p) => t === p || t.startsWith(`${p}/`)))) {
        notes.push(`This change edits the gitops-gate policy (${change.path}); the base revision's policy was applied.`);
      }
    }
    const baseRepo = new RepoFiles(exported.dir, { maxFileBytes: settings.limits.maxFileBytes });
    const head = new RepoFiles(root, { maxFileBytes: settings.limits.maxFileBytes });
    const built = reuseBuiltDependencies(head, baseRepo, await untrackedChartDependencies(root));
    if (built.reused.length > 0) {
      notes.push(`The base revision was rendered with the chart dependencies built in the working tree for ${built.reused.join(', ')}: their dependency lists and lock files did not change.`);
    }
    const rules = combineRules(loadBuiltinRules(), loadCustomRules(baseRepo, settings.rules.custom));
    const scopes = new Scopes(rules, settings);
    const admission = loadAdmissionPolicies(baseRepo, settings.admissionPolicies);
    // One chart source for both revisions: the same request gets the same answer at base and head.
    source = openChartSource(settings);
    const urls = [...settings.repositoryURLs, ...(await remoteUrls(root))];
    const changedPaths = changes.flatMap((c) => (c.previousPath ? [c.path, c.previousPath] : [c.path]));

    const headSelection = affectedBy(head, changedPaths);
    const headScan = await scanTree(head, settings, scopes, admission, budget, headSelection, true, source.charts, { urls, revision: await headCommit(root) }, progressFor(request, 'head'));
    const selected = new Set(headScan.targets.map((t) => t.id));
    const baseScan = await scanTree(baseRepo, settings, scopes, admission, budget, sameAsHead(headSelection, selected), true, source.charts, { urls, revision: baseCommit }, progressFor(request, 'base'));
    if (baseScan.budgetSkipped > 0) {
      notes.push(`The scan's time budget ran out while scanning the base revision: ${baseScan.budgetSkipped} target(s) were not scanned at the base, so all their findings count as new.`);
    }
    const remote = await summarizeRemoteCharts(source.charts);
    notes.push(...headScan.notes, ...isolationNotes(headScan.targets, settings), ...remote.notes);
    const baseFailed = new Set(baseScan.targets.filter((t) => !t.checked && t.objects === 0).map((t) => t.id));
    for (const t of headScan.targets) {
      if (baseFailed.has(t.id) && t.objects > 0) {
        notes.push(`${t.id} could not be rendered at the base revision${built.changed.includes(t.path || '.') ? ' (its chart dependencies changed, so those built in the working tree were not used for the base)' : ''}: every finding of it counts as new.`);
      }
    }
    notes.push(...annotationCallouts(headScan.grants, baseScan.grants));
    const heads = settings.exceptionAnnotations === 'base' ? baseGrantsOnly(headScan.findings, baseScan.grants, notes) : headScan.findings;
    const marked = [...markAgainstBase(heads, baseScan.findings), ...unreleasedCharts(headScan.gitCharts, head, baseRepo, changedPaths, settings)];
    const findings = sortFindings(withExceptions(marked, settings, notes));
    const changed = new Set(changedPaths);
    return {
      settings,
      rules,
      findings,
      blocking: blockingFindings(findings, settings.failOn),
      targets: headScan.targets,
      baseScanned: true,
      baseCommit,
      changes,
      targetDiffs: diffTargets(baseScan.objects, headScan.objects, headScan.prunes),
      notes,
      // In a pull request the files in scope outside any target are the ones it changes.
      coverage: coverageOf(headScan, (file) => changed.has(file)),
      remoteCharts: remote.used,
      declarations: headScan.declarations
    };
  } finally {
    source?.close();
    exported.dispose();
  }
}

/** Object identity across revisions: group, kind, namespace, name. */
function identityOf(object: ObjectRef): string {
  return `${object.apiVersion.split('/')[0]}/${object.kind}/${object.namespace ?? ''}/${object.name}`;
}

/** The exception annotations a pull request adds or widens (rules, reason, date), each named for the summary. */
function annotationCallouts(head: TreeScan['grants'], base: TreeScan['grants']): string[] {
  const out: string[] = [];
  for (const [key, grant] of head) {
    const before = base.get(key);
    const added = grant.rules.filter((r) => !before?.rules.includes(r));
    if (before && added.length === 0 && before.reason === grant.reason && before.until === grant.until) continue;
    const what = before && added.length === 0 ? `changes the ${IGNORE_ANNOTATION} exception` : `adds a ${IGNORE_ANNOTATION} exception for ${added.join(', ')}`;
    out.push(`This change ${what} on ${grant.object} (${grant.at.file}:${grant.at.line}): "${grant.reason ?? 'no reason given'}"${grant.until ? `, until ${grant.until}` : ''}.`);
  }
  return out;
}

/**
 * With `exceptionAnnotations: base`, a head finding stays accepted only when the base revision's object carried the
 * same rule in its annotation with a reason: a pull request cannot waive its own findings.
 */
function baseGrantsOnly(findings: Finding[], base: TreeScan['grants'], notes: string[]): Finding[] {
  return findings.map((f) => {
    if (!f.suppression?.source.startsWith(IGNORE_ANNOTATION) || !f.object || !f.target) return f;
    const before = base.get(`${f.target}\0${identityOf(f.object)}`);
    if (before?.reason && before.rules.includes(f.ruleId)) return f;
    const note = `${f.suppression.source}: not counted for ${f.ruleId}, as only the base revision's exception annotations count (exceptionAnnotations: base).`;
    if (!notes.includes(note)) notes.push(note);
    const { suppression: _dropped, ...rest } = f;
    return rest;
  });
}

/**
 * Charts of this repository that a Flux HelmRelease releases only when their version changes, changed by the pull
 * request with the same Chart.yaml version at base and head: Flux will not deploy the change.
 */
function unreleasedCharts(charts: TreeScan['gitCharts'], head: RepoFiles, base: RepoFiles, changedPaths: readonly string[], settings: Settings): Finding[] {
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  for (const { target, chartDir } of charts) {
    if (seen.has(chartDir) || !changedPaths.some((f) => chartDir === '' || f.startsWith(`${chartDir}/`))) continue;
    seen.add(chartDir);
    const file = chartDir ? `${chartDir}/Chart.yaml` : 'Chart.yaml';
    const before = chartVersion(base, file);
    const after = chartVersion(head, file);
    if (!before || !after || before.version !== after.version) continue;
    const reason = `the chart changes in this pull request but its version stays ${after.version}: with reconcileStrategy ChartVersion (the default) Flux builds no new chart, so ${target} keeps running the old one`;
    problems.push({ error: new InputError(file, reason, 'flux-chart-version-not-bumped', after.line), target });
  }
  return inputFindings(problems, settings.rules.severity);
}

/** A Chart.yaml's `version` and its line. */
function chartVersion(repo: RepoFiles, file: string): { version: string; line: number } | undefined {
  try {
    const doc = parseYaml(repo.readText(file), file).documents[0];
    const value = doc?.value;
    if (!value || typeof value !== 'object' || !('version' in value)) return undefined;
    return { version: String((value as { version: unknown }).version), line: doc.sourceMap.locate(['version']).location.line };
  } catch {
    return undefined;
  }
}

/** Which targets a scan reports: all of them, or in a pull request those the change affects. */
interface Selection {
  report(target: Target): boolean;
  /**
   * For a target not reported whose files hold declarations: whether one of those declarations may lead to a
   * reported target (then it is rendered to reach it). Without it, every such target is rendered.
   */
  leadsTo?(declarationFiles: string[], reach: DeclarationReach): boolean;
}

const EVERYTHING: Selection = { report: () => true };

/**
 * The targets a change affects: those reading a changed file, and every HelmRelease when a changed file may be a
 * source, ConfigMap or Secret one reads by name.
 */
function affectedBy(head: RepoFiles, changedPaths: string[]): Selection {
  const widen = declarationInputsChanged(head, changedPaths);
  const changed = new Set(changedPaths);
  return {
    report: (t) => new TargetIndex([t]).affectedBy(changedPaths).length > 0 || (widen && t.id.startsWith('flux:')),
    leadsTo: (files, reach) => widen || files.some((f) => reach.leadsTo(f, changed))
  };
}

/** The base revision: the targets the head reported, reached as at the head (the same changed files, widened alike). */
function sameAsHead(head: Selection, reported: ReadonlySet<string>): Selection {
  return { report: (t) => reported.has(t.id), ...(head.leadsTo ? { leadsTo: head.leadsTo } : {}) };
}

/**
 * Renderer processes run in a network namespace of their own where the machine allows one; where it does not
 * (GitHub's Ubuntu 24.04 runners may refuse unprivileged user namespaces), the user should know that only the
 * gate's reader and the environment walls stand between a kustomization and the runner's loopback network.
 */
function isolationNotes(targets: readonly TargetReport[], settings: Settings): string[] {
  const processes = targets.some((t) => t.kind === 'kustomize' || (t.kind === 'helm' && settings.renderer === 'helm'));
  if (!processes || isolationMode() === 'netns') return [];
  return [
    "Renderer processes ran without a network namespace of their own (this runner does not allow `unshare --net`): remote entries were refused by the gate and the processes had no git, no credentials and closed proxies, but nothing else kept them off the runner's loopback network."
  ];
}

/** The request's progress callback for one revision, as scanTree calls it. */
function progressFor(request: ScanRequest, phase: ScanProgress['phase']): OnTarget | undefined {
  const report = request.onProgress;
  return report && ((target, index, total) => report({ phase, target, index, total }));
}

/** scanTree's call before each target renders. */
type OnTarget = (target: string, index: number, total: number) => void;

/** The time the whole scan may take, base and head together. */
class ScanBudget {
  private readonly deadline: number;

  constructor(startedAt: number, budgetMs: number) {
    this.deadline = startedAt + budgetMs;
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }
}

/** What the scan covered; `inScope` says which files outside any target count (in a pull request, the changed ones). */
function coverageOf(scan: TreeScan, inScope: (file: string) => boolean): Coverage {
  const byReason = new Map<SkipReason, number>();
  for (const s of scan.skipped) if (inScope(s.file)) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const checked = scan.targets.filter((t) => t.checked).length;
  return {
    targets: scan.targets.length,
    checked,
    unchecked: scan.targets.length - checked,
    uncheckedFiles: scan.uncheckedFiles.filter(inScope).length,
    skipped: [...byReason].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, files]) => ({ reason, files })),
    budgetExhausted: scan.budgetSkipped > 0,
    ...(scan.declarations.length > 0 ? { declarations: countDeclarations(scan.declarations) } : {})
  };
}

/**
 * The remote charts a run rendered (once each, in a stable order), and its notes: which charts came from outside the
 * repository, with version and digest, and one snippet allowing every location the policy refused.
 */
async function summarizeRemoteCharts(charts: ChartSource): Promise<{ used: RemoteChartUse[]; notes: string[] }> {
  const used = new Map<string, RemoteChartUse>();
  const refused = new Set<string>();
  for (const answer of await charts.used()) {
    if (!answer.ok) {
      if (answer.kind === 'not-allowed' && answer.location) refused.add(answer.location);
      continue;
    }
    const { repository, name, version, digest, url, cached } = answer.chart;
    used.set(`${repository}\0${name}\0${version}`, { repository, name, version, digest, url, cached });
  }
  const list = [...used.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
  const notes: string[] = [];
  if (list.length > 0) {
    const named = list.map((c) => `${c.name} ${c.version} from ${c.repository} (${c.digest.slice(0, 19)}…${c.cached ? ', cached' : ''})`);
    notes.push(`Remote charts rendered: ${named.join('; ')}. ${charts.requests} request${charts.requests === 1 ? '' : 's'} made.`);
  }
  if (refused.size > 0) {
    notes.push(`Charts from ${refused.size} location${refused.size === 1 ? ' is' : 's are'} not allowed, so what needs them was not checked. If you trust ${refused.size === 1 ? 'it' : 'them'}, add to the config on the default branch:\n${RepositoryPolicy.allowSnippet([...refused])}`);
  }
  return { used: list, notes };
}

function withExceptions(findings: Finding[], settings: Settings, notes: string[]): Finding[] {
  if (settings.exceptions.length === 0) return findings;
  const applied = applyExceptions(findings, settings.exceptions, new Date().toISOString().slice(0, 10), settings.configSource || 'config');
  notes.push(...applied.notes);
  return applied.findings;
}

/**
 * Defaults, then the config file (explicit, or found in `policyTree`), then the request's flags. The config file is
 * read from the policy tree (the base revision in pull-request mode) through the confined reader: it must be a
 * regular file inside the repository, of bounded size; a symbolic link may only point inside the repository.
 */
function resolveSettings(request: ScanRequest, root: string, policyTree: string): Settings {
  let settings = defaultSettings(root);
  const policy = new RepoFiles(policyTree, { maxFileBytes: MAX_CONFIG_BYTES });
  const inBase = policyTree !== root;
  const configFile = request.configPath
    ? configPathInRepository(request.configPath, root)
    : CONFIG_FILE_NAMES.find((name) => entryExists(path.join(policyTree, name)));
  if (configFile !== undefined) {
    const source = request.configPath ?? configFile;
    let text: string;
    try {
      text = policy.readText(configFile);
    } catch (err) {
      const reason = err instanceof InputError ? err.reason : (err as Error).message;
      throw new ConfigError(`${source}: cannot read the config file${inBase ? ' at the base revision' : ''}: ${reason}`);
    }
    settings = applyConfig(settings, parseConfig(text, source), source);
  }
  const helm = {
    ...settings.discovery.helm,
    ...(request.kubeVersion ? { kubeVersion: request.kubeVersion } : {}),
    ...(request.apiVersions?.length ? { apiVersions: [...(settings.discovery.helm?.apiVersions ?? []), ...request.apiVersions] } : {})
  };
  return {
    ...settings,
    discovery: { ...settings.discovery, helm },
    offline: request.offline ?? settings.offline,
    ...(request.cacheDir ? { cacheDir: request.cacheDir } : {}),
    ...(request.base ? { base: request.base } : {}),
    failOn: request.failOn ?? settings.failOn,
    pss: { level: request.pssLevel ?? settings.pss.level, minor: request.pssVersion ?? settings.pss.minor }
  };
}

/** An explicit config path (relative to the working directory, or absolute) as a path inside the repository. */
function configPathInRepository(configPath: string, root: string): string {
  const relative = path.relative(root, path.resolve(configPath)).split(path.sep).join('/');
  if (relative === '' || relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) {
    throw new ConfigError(`${configPath}: the config file must be a file inside the repository (${root}); it is read from the repository (the base revision in pull-request mode)`);
  }
  return relative;
}

/** Whether a directory entry exists, without following it (a link that leads nowhere still counts: reading says why). */
function entryExists(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch {
    return false;
  }
}

interface RenderedIdentity {
  ref: ObjectRef;
  /** Digest of the body as canonical JSON with volatile values blanked. */
  body: string;
}

interface TreeScan {
  targets: TargetReport[];
  /** Reported HelmReleases whose chart is a folder of this repository that Flux releases only on a version change. */
  gitCharts: { target: string; chartDir: string }[];
  /** Reported targets that delete from the cluster what they no longer render. */
  prunes: Set<string>;
  findings: Finding[];
  /**
   * Per target: object identity (group, kind, namespace, name) -> the object's reference and a digest of its
   * comparable body; kept only when a pull request's object diff needs it. Objects themselves (bodies, source
   * maps) are dropped once checked, so memory does not grow with the repository.
   */
  objects: Map<string, Map<string, RenderedIdentity>>;
  /** YAML and JSON files no target renders. */
  skipped: { file: string; reason: SkipReason }[];
  /** Files outside any target that could not be checked. */
  uncheckedFiles: string[];
  /** Targets not rendered because the time budget ran out. */
  budgetSkipped: number;
  /** What renders could not check as the real tool would, short of leaving the target unchecked. */
  notes: string[];
  declarations: DeclarationState[];
  /** Exception annotations on the rendered objects, by target and object identity. */
  grants: Map<string, AnnotationGrant & { object: string }>;
}

/**
 * Problems that concern a whole target rather than one file (a failed or stopped render): the content they are
 * about is every input of the target.
 */
const TARGET_LEVEL_RULES = new Set([
  'kustomize-build-failed',
  'render-timeout',
  'render-output-too-large',
  'kustomize-not-found',
  'helm-render-failed',
  'helm-not-found',
  'kustomization-not-rendered',
  'kustomization-cycle',
  'scan-time-budget',
  'remote-chart-not-allowed',
  'remote-chart-unavailable'
]);

/**
 * Discover, render and check one revision's tree; every target is tried, whatever the others do, until the time
 * budget runs out. Every selected target ends checked, or not checked with a finding that says why.
 */
async function scanTree(
  repo: RepoFiles,
  settings: Settings,
  scopes: Scopes,
  admission: AdmissionPolicies,
  budget: ScanBudget,
  selection: Selection,
  diff: boolean,
  charts: ChartSource,
  repository: { urls: readonly string[]; revision?: string | undefined },
  onTarget?: OnTarget
): Promise<TreeScan> {
  const revision = repository.revision;
  const discovery = discoverTargets(repo, settings.discovery);
  // A problem found while walking the repository belongs to the target that reads its file, when one does.
  const index = new TargetIndex(discovery.targets);
  const problems: InputProblem[] = discovery.errors.map((error) => {
    const target = index.targetsForFile(error.file)[0]?.id;
    return { error, ...(target ? { target } : {}), subject: subjectOf(repo, error) };
  });
  const findings: Finding[] = [];
  const grants: TreeScan['grants'] = new Map();
  const ruleIds = new Set(scopes.anyRules.map((r) => r.rule.id));
  const today = new Date().toISOString().slice(0, 10);
  const targets: TargetReport[] = [];
  const notes: string[] = [];
  const objects: TreeScan['objects'] = new Map();
  let budgetSkipped = 0;
  // The repository's YAML texts, read once for the declaration index and every lookup a declaration makes.
  const texts = new YamlTexts(repo, discovery.files);
  const expandSet = (set: KubeObject, isThisRepository: (url: string, revision: string) => boolean) => expandApplicationSet(set, repo, isThisRepository, settings.clusters);
  const declarations = declarationFiles(texts, expandSet);
  const declared = new DeclaredTargets(texts, repository.urls, {
    ...(revision ? { revision } : {}),
    localRevisions: [...settings.localRevisions, ...(settings.base ? [settings.base.replace(/^(refs\/heads\/|origin\/)/, '')] : [])],
    ...(settings.discovery.helm ? { helm: settings.discovery.helm } : {}),
    clusters: settings.clusters,
    expandApplicationSet: expandSet
  });
  // A target is reported when selected; rendered only to reach the declarations in its files otherwise; else left.
  let reach: DeclarationReach | undefined;
  const modeOf = (target: Target): 'report' | 'route' | 'skip' => {
    if (selection.report(target)) return 'report';
    const holding = (target.reads ?? target.inputs).filter((f) => declarations.files.has(f));
    if (holding.length === 0) return 'skip';
    if (!selection.leadsTo) return 'route';
    reach ??= new DeclarationReach(texts, declarations.files, declarations.artifactRoots);
    return selection.leadsTo(holding, reach) ? 'route' : 'skip';
  };
  // Folders inside a Flux Kustomization's path or an Argo CD source's wait: the declaration builds them as its
  // controller does, and a folder whose every file one of them builds is not rendered on its own (the guess would
  // check other objects than the cluster's).
  const waits = (t: Target) => declarations.builtPaths.some((p) => isUnder(t.path, p));
  const queue = discovery.targets.filter((t) => !waits(t) && modeOf(t) !== 'skip');
  const deferred = discovery.targets.filter(waits);
  const builders: Target[] = [];
  // The next waiting folder: one holding a Flux Kustomization that builds it (a bootstrap folder) first, then one
  // holding Flux Kustomizations, then one holding other declarations.
  const nextDeferred = (): number => {
    for (const held of [declarations.selfBuilding, declarations.fluxFiles, declarations.files]) {
      const i = deferred.findIndex((t) => t.inputs.some((f) => held.has(f)));
      if (i >= 0) return i;
    }
    return 0;
  };
  // Declared Helm releases of this repository's charts: a chart folder's guess (its defaults, a values-<env>.yaml)
  // gives way to a declaration of the same chart that reads every values file the guess reads.
  const deployers: Target[] = [];
  const deploys = (d: Target, t: Target) => {
    const chartValues = d.helm!.chartValuesFiles && !d.helm!.chartValuesFiles.inChart ? d.helm!.chartValuesFiles.files.map(underRoot) : [];
    return d.path === t.path && t.helm!.valuesFiles.every((f) => d.helm!.valuesFiles.includes(f) || chartValues.includes(f));
  };
  const builtBy = (t: Target): Target | undefined =>
    t.declaredAt ? undefined : t.kind === 'helm' ? deployers.find((d) => deploys(d, t)) : builders.find((b) => t.inputs.every((f) => (b.builds ?? b.reads!).includes(f)));
  const guesses: Target[] = [];
  const renderedDeclarations: RenderedDeclaration[] = [];
  const superseded: string[] = [];
  const gitCharts: TreeScan['gitCharts'] = [];
  const prunes = new Set<string>();
  // Every Namespace this revision renders, by cluster and name: what each cluster will hold, for objects rendered
  // elsewhere (another target deploying to the same cluster).
  const namespaces = new Map<string, Map<string, KubeObject>>();
  const clusterOf = (t: Target) => t.destination?.key ?? IN_CLUSTER_KEY;
  const namespacesIn = (cluster: string) => namespaces.get(cluster) ?? namespaces.set(cluster, new Map()).get(cluster)!;
  const judged: { target: Target; output: RenderOutput }[] = [];
  let rendered = 0;
  for (;;) {
    let target = queue.shift();
    const waited = target === undefined;
    if (waited) {
      target = deferred.splice(nextDeferred(), 1)[0];
      if (!target) break;
      const builder = builtBy(target);
      if (builder) {
        superseded.push(`${target.id} (${builder.id})`);
        continue;
      }
      // A folder of plain manifests keeps only the files no Kustomization builds (ignored by its source, say).
      if (target.kind === 'manifests' && target.files) {
        const left = target.files.filter((f) => !builders.some((b) => (b.builds ?? b.reads!).includes(f)));
        if (left.length < target.files.length) target = { ...target, files: left, inputs: target.inputs.filter((f) => left.includes(f)) };
      }
    }
    const t = target!;
    const mode = modeOf(t);
    if (mode === 'skip') continue;
    rendered++;
    onTarget?.(t.id, rendered, rendered + queue.length + deferred.length);
    const output = await renderOnce(t);
    const held = namespacesIn(clusterOf(t));
    for (const o of output.objects) if (o.kind === 'Namespace' && o.apiVersion === 'v1' && !held.has(o.name)) held.set(o.name, o);
    const made = declared.from(t, output.objects);
    for (const child of made) {
      if (buildsFolder(child)) builders.push(child);
      if (deploysChart(child)) deployers.push(child);
      if (modeOf(child) !== 'skip') queue.push(child);
    }
    // A folder built by a Kustomization it declares itself (Flux's bootstrap folder): reported under that Kustomization.
    const builder = waited ? builtBy(t) : undefined;
    if (builder) superseded.push(`${t.id} (${builder.id})`);
    if (mode === 'report' && !builder) {
      report(t, output);
      if (!t.declaredAt) guesses.push(t);
    }
  }
  // Declarations that only rendering finds (Applications a chart makes) come after the folders they deploy were
  // checked as guesses: those guesses give way now, with what they reported.
  for (const t of guesses) {
    const builder = builtBy(t);
    if (!builder) continue;
    superseded.push(`${t.id} (${builder.id})`);
    withdraw(t.id, builder.id);
  }
  // Objects are judged once every target is rendered: a workload's Namespace may come from another target.
  const reported = new Set(targets.map((r) => r.id));
  const live = judged.filter(({ target }) => reported.has(target.id));
  // With `relations: revision`, relations are judged across every object the revision deploys to the same cluster
  // (a NetworkPolicy of a platform folder covers the workloads of an app folder in its namespace).
  const clusterWide = new Map<string, Map<KubeObject, Finding[]>>();
  if (settings.relations === 'revision') {
    for (const cluster of new Set(live.map(({ target }) => clusterOf(target)))) {
      clusterWide.set(cluster, checkSet(live.filter(({ target }) => clusterOf(target) === cluster).flatMap(({ output }) => output.objects), scopes.anyRules));
    }
  }
  for (const { target, output } of live) judge(target, output, clusterWide.get(clusterOf(target)));
  if (superseded.length > 0) {
    notes.push(`Checked under the declarations that deploy them (Flux Kustomizations and HelmReleases, Argo CD Applications), as their controllers render them, and not a second time as guesses: ${superseded.length > 8 ? `${superseded.slice(0, 8).join(', ')} and ${superseded.length - 8} more` : superseded.join(', ')}.`);
  }
  findings.push(...inputFindings(problems, settings.rules.severity));
  const uncheckedFiles = [...new Set(discovery.errors.filter((e) => isCoverageRule(e.ruleId)).map((e) => e.file))];
  const written = texts.objects(DECLARATION_API, (o) => isFluxKustomization(o) || isHelmRelease(o) || isArgoApplication(o) || isResourceSet(o));
  const declarationsOut = declarationStates(
    written.map((o) => ({ kind: o.kind, name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}), location: o.sourceMap.locate([]).location, ...(isPartialDeclaration(o) ? { partial: true } : {}) })),
    renderedDeclarations,
    diff
  );
  return { targets, gitCharts, prunes, findings, objects, skipped: discovery.skipped, uncheckedFiles, budgetSkipped, notes, declarations: declarationsOut, grants };

  async function renderOnce(target: Target): Promise<RenderOutput> {
    const remaining = budget.remainingMs();
    if (remaining <= 0) {
      budgetSkipped++;
      const reason = `not rendered: the scan's time budget (${Math.round(settings.limits.scanTimeoutMs / 1000)} s, limits.scanTimeoutSeconds) ran out first; nothing from this target is checked`;
      return { objects: [], errors: [new InputError(targetFile(repo, target), reason, 'scan-time-budget')] };
    }
    const timeoutMs = Math.max(1, Math.min(settings.limits.renderTimeoutMs, remaining));
    return renderTarget(target, repo, { timeoutMs, helmRenderer: settings.renderer, charts });
  }

  /** Takes back what `report` added for a target; problems found while walking the repository move to `to`. */
  function withdraw(id: string, to: string): void {
    // In place: the lists can be long (every finding of the scan).
    const keep = <T>(list: T[], drop: (item: T) => boolean) => {
      let n = 0;
      for (const item of list) if (!drop(item)) list[n++] = item;
      list.length = n;
    };
    keep(targets, (r) => r.id === id);
    keep(findings, (f) => f.target === id);
    keep(gitCharts, (c) => c.target === id);
    keep(problems, (p) => p.target === id && !discovery.errors.includes(p.error));
    for (const p of problems) if (p.target === id) p.target = to;
    objects.delete(id);
    prunes.delete(id);
  }

  function report(target: Target, output: RenderOutput): void {
    if (target.prunes) prunes.add(target.id);
    if (target.helm?.chartFromGit && target.helm.chartFromGit.reconcileStrategy !== 'Revision') gitCharts.push({ target: target.id, chartDir: target.path });
    for (const note of output.notes ?? []) if (!notes.includes(note)) notes.push(note);
    const targetErrors = [...(target.problems ?? []), ...output.errors];
    const inputsDigest = memo(() => digest('target', target.id, ...target.inputs.map((f) => `${f}\0${repo.contentDigest(f)}`)));
    for (const error of targetErrors) {
      problems.push({ error, target: target.id, subject: TARGET_LEVEL_RULES.has(error.ruleId) ? inputsDigest() : subjectOf(repo, error) });
    }
    if (diff) objects.set(target.id, new Map(output.objects.map((object) => [identityOf(object), { ref: refOf(object), body: digest(comparableBody(object)) }])));
    judged.push({ target, output });
    const unchecked = [...new Set(targetErrors.filter((e) => isCoverageRule(e.ruleId)).map((e) => e.ruleId))];
    if (target.declaredAt && DECLARATION_TARGET.test(target.id)) renderedDeclarations.push({ id: target.id, declaredAt: target.declaredAt, checked: unchecked.length === 0 });
    targets.push({
      id: target.id,
      kind: target.kind,
      path: target.path,
      rendered: target.renderable,
      objects: output.objects.length,
      checked: unchecked.length === 0,
      ...(unchecked.length > 0 ? { unchecked } : {})
    });
  }

  /** The findings of a reported target's objects, once every target is rendered. */
  function judge(target: Target, output: RenderOutput, clusterWide?: Map<KubeObject, Finding[]>): void {
    // Relations are judged within what the target renders together (a chart, an overlay, a declaration), unless
    // the configuration says across the cluster; a Namespace comes from the set first, else from the cluster.
    const related = clusterWide ?? checkSet(output.objects, scopes.anyRules);
    const held = namespacesIn(clusterOf(target));
    const scopeOf = scopes.forSet(output.objects, held);
    const kubeMinor = kubeMinorOf(target.helm?.environment?.kubeVersion ?? target.destination?.kubeVersion ?? settings.discovery.helm?.kubeVersion ?? DEFAULT_KUBE_VERSION);
    const admitted = admissionFindings(admission, output.objects, (id) => settings.rules.severity[id] ?? diagnosticRule(id)?.severity ?? 'high', held);
    for (const object of output.objects) {
      const scope = scopeOf(object);
      const found = [
        ...inScope([...checkObject(object, scope.rules, { pss: scope.pss, kubeMinor, imagesAllow: settings.images.allow }), ...(related.get(object) ?? [])], scope),
        ...withProfiles((admitted.get(object) ?? []).filter((f) => !settings.rules.disable.includes(f.ruleId)), scope)
      ];
      const grant = settings.exceptionAnnotations === 'off' ? undefined : grantOf(object);
      if (grant) {
        const applied = applyGrant(object, found, grant, ruleIds, today);
        for (const note of applied.notes) if (!notes.includes(note)) notes.push(note);
        findings.push(...applied.findings);
        grants.set(`${target.id}\0${identityOf(object)}`, { ...grant, object: describeObject(object) });
      } else findings.push(...found);
    }
  }
}

/** A declaration without what every whole one has (a HelmRelease with no chart): most likely a kustomize patch. */
function isPartialDeclaration(object: KubeObject): boolean {
  const spec = isRecord(object.body.spec) ? object.body.spec : {};
  if (isHelmRelease(object)) return !(isRecord(spec.chart) && isRecord(spec.chart.spec) && spec.chart.spec.sourceRef !== undefined) && spec.chartRef === undefined;
  if (isFluxKustomization(object)) return spec.sourceRef === undefined;
  if (object.kind === 'ApplicationSet') return spec.template === undefined && spec.generators === undefined;
  if (isResourceSet(object)) return spec.resources === undefined && spec.resourcesTemplate === undefined && spec.steps === undefined;
  return spec.source === undefined && spec.sources === undefined && spec.sourceHydrator === undefined;
}

/** The ids of the targets declarations make. */
const DECLARATION_TARGET = /^(flux-ks|flux|flux-rset|argocd|argocd-set):/;

/**
 * Whether a declared target builds a folder as its controller does (a Flux Kustomization, an Argo CD kustomize or
 * directory source): a folder target it reads whole is then checked under the declaration's name only.
 */
function buildsFolder(target: Target): boolean {
  return target.renderable && target.declaredAt !== undefined && target.reads !== undefined && (target.flux !== undefined || target.argocdDirectory === true);
}

/** Whether a declared target is a Helm release of a chart in this repository (Argo CD path source, Flux GitRepository chart). */
function deploysChart(target: Target): boolean {
  return target.kind === 'helm' && target.renderable && target.declaredAt !== undefined && target.helm !== undefined && target.helm.remoteChart === undefined;
}

/** The file that stands for a target: its kustomization, its Chart.yaml, or its folder. */
function targetFile(repo: RepoFiles, target: Target): string {
  const join = (name: string) => (target.path ? `${target.path}/${name}` : name);
  if (target.declaredAt) return target.declaredAt.file;
  if (target.kind === 'helm') return join('Chart.yaml');
  if (target.kind === 'kustomize') return target.inputs.find((f) => path.posix.dirname(f) === (target.path || '.') && /^(kustomization\.ya?ml|Kustomization)$/.test(path.posix.basename(f))) ?? join('kustomization.yaml');
  return target.files?.[0] ?? (target.path || '.');
}

/** The content a file-level problem is about (undefined for problems that are not about unchecked content). */
function subjectOf(repo: RepoFiles, error: InputError): string | undefined {
  return isCoverageRule(error.ruleId) ? digest('file', error.file, repo.contentDigest(error.file)) : undefined;
}

function memo<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** Objects added, changed and removed per head target (a target new in the pull request adds all its objects). */
function diffTargets(base: TreeScan['objects'], head: TreeScan['objects'], prunes: ReadonlySet<string>): TargetDiff[] {
  const diffs: TargetDiff[] = [];
  for (const [target, after] of head) {
    const before = base.get(target) ?? new Map<string, RenderedIdentity>();
    const diff: TargetDiff = { target, added: [], changed: [], removed: [], ...(prunes.has(target) ? { prunes: true } : {}) };
    for (const [key, object] of after) {
      const old = before.get(key);
      if (!old) diff.added.push(object.ref);
      else if (old.body !== object.body) diff.changed.push(object.ref);
    }
    for (const [key, object] of before) if (!after.has(key)) diff.removed.push(object.ref);
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
