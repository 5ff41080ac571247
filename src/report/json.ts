/**
 * The JSON report: a stable, documented shape for scripts and other tools.
 *
 * ```
 * {
 *   "version": 1,                         // format version of this report; bumped on incompatible changes
 *   "tool": { "name": "gitops-gate", "version": "0.1.0" },
 *   "summary": {
 *     "total": 3,
 *     "bySeverity": { "critical": 0, "high": 2, "medium": 1, "low": 0 },
 *     "new": 2, "existing": 1,             // without a base every finding is new
 *     "baseScanned": true,
 *     "failOn": "high",                    // gate threshold, or "none"
 *     "blocking": 1,                       // new findings at or above failOn
 *     "targets": 4, "objects": 37,
 *     "checked": 3, "unchecked": 1,        // targets checked completely, and those that could not be
 *     "verdict": "fail"                    // "pass", "fail", or "unchecked" (nothing blocks, but not all was checked)
 *   },
 *   "coverage": { "targets": 4, "checked": 3, "unchecked": 1, "uncheckedFiles": 0,
 *                 "skipped": [ { "reason": "not Kubernetes YAML", "files": 2 } ], "budgetExhausted": false,
 *                 "declarations": { "checked": 1, "not-checked": 0, "not-affected": 40, "not-rendered": 0 } },
 *   "base": "3f1c...",                      // the commit compared with (only with a base)
 *   "targets": [ { "id": "kustomize:apps/prod", "kind": "kustomize", "path": "apps/prod", "objects": 12, "checked": true } ],
 *                                           // an unchecked target adds "unchecked": ["render-timeout"]
 *   "notes": [],                            // things to know that are not findings
 *   "declarations": [                       // each Flux and Argo CD declaration (only when there are some)
 *     { "kind": "HelmRelease", "name": "web", "namespace": "apps", "location": { "file": "apps/web.yaml", "line": 1 },
 *       "targets": ["flux:apps/web"], "status": "checked" } ],   // or "not-checked", "not-affected", "not-rendered"
 *   "findings": [                          // sorted by file, line, column, rule
 *     { "ruleId": "pss-privileged", "severity": "critical", "status": "new",
 *       "message": "...", "object": { "apiVersion": "apps/v1", "kind": "Deployment", "name": "api", "namespace": "payments" },
 *       "target": "helm:charts/api", "path": "spec.template.spec.containers[0].securityContext.privileged",
 *       "jsonPath": ["spec", "template", ...],
 *       "location": { "file": "charts/api/values.yaml", "line": 12, "column": 5 },
 *       "related": [ { "label": "template", "file": "charts/api/templates/deployment.yaml", "line": 30 } ],
 *       "fingerprint": "..." }
 *   ]
 * }
 * ```
 * `object` and `target` are absent for problems with an input file itself.
 */
import type { Finding, FindingStatus, Severity } from '../analyze/types.js';
import type { ChartUse } from '../fetch/chart-source.js';
import { formatPath, type ObjectRef, type RelatedLocation, type SourceLocation } from '../objects/types.js';
import { compareByLocation, countFindings, type FailOn } from './common.js';
import type { Coverage } from '../policy/coverage.js';
import type { DeclarationState } from '../policy/declarations.js';

export const JSON_REPORT_VERSION = 1;

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  status: FindingStatus;
  message: string;
  object?: ObjectRef;
  target?: string;
  /** The JSON path as kube writes field paths: `spec.containers[0].image`. */
  path: string;
  jsonPath: (string | number)[];
  location: SourceLocation;
  related: RelatedLocation[];
  fingerprint: string;
  /** The profiles (config `profiles`) that apply to the object. */
  profiles?: string[];
  /** The threshold a profile sets for this finding, when one does. */
  failOn?: FailOn;
  suppression?: { reason: string; source: string; expires?: string };
}

export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  tool: { name: 'gitops-gate'; version: string };
  summary: {
    total: number;
    bySeverity: Record<Severity, number>;
    new: number;
    existing: number;
    baseScanned: boolean;
    failOn: FailOn;
    blocking: number;
    targets: number;
    objects: number;
    checked?: number;
    unchecked?: number;
    verdict: 'pass' | 'fail' | 'unchecked';
  };
  coverage?: Coverage;
  base?: string;
  targets: JsonTarget[];
  notes: string[];
  /** Charts fetched from Helm repositories and registries (or the cache), with version and digest. */
  remoteCharts?: ChartUse[];
  /** Each Flux and Argo CD declaration, the targets it rendered as and its state. */
  declarations?: DeclarationState[];
  findings: JsonFinding[];
}

export interface JsonTarget {
  id: string;
  kind: string;
  path: string;
  objects: number;
  checked?: boolean;
  unchecked?: readonly string[];
}

export interface JsonOptions {
  toolVersion: string;
  baseScanned: boolean;
  failOn: FailOn;
  blockingCount: number;
  targetsScanned: number;
  objectsScanned: number;
  targets?: readonly JsonTarget[];
  baseCommit?: string;
  notes?: readonly string[];
  remoteCharts?: readonly ChartUse[];
  declarations?: readonly DeclarationState[];
  coverage?: Coverage;
  /** Something the change brought could not be checked although nothing blocks. */
  unchecked?: boolean;
}

/** A shallow copy without keys whose value is undefined (JSON would drop them anyway; this keeps tests exact). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function buildJsonReport(findings: readonly Finding[], opts: JsonOptions): JsonReport {
  const counts = countFindings(findings);
  return {
    version: JSON_REPORT_VERSION,
    tool: { name: 'gitops-gate', version: opts.toolVersion },
    summary: {
      total: counts.total,
      bySeverity: { critical: counts.bySeverity.critical, high: counts.bySeverity.high, medium: counts.bySeverity.medium, low: counts.bySeverity.low },
      new: counts.new,
      existing: counts.existing,
      baseScanned: opts.baseScanned,
      failOn: opts.failOn,
      blocking: opts.blockingCount,
      targets: opts.targetsScanned,
      objects: opts.objectsScanned,
      ...(opts.coverage ? { checked: opts.coverage.checked, unchecked: opts.coverage.unchecked } : {}),
      verdict: opts.blockingCount > 0 ? 'fail' : opts.unchecked ? 'unchecked' : 'pass'
    },
    ...(opts.coverage ? { coverage: opts.coverage } : {}),
    ...(opts.baseCommit ? { base: opts.baseCommit } : {}),
    targets: (opts.targets ?? []).map((t) =>
      defined({ id: t.id, kind: t.kind, path: t.path, objects: t.objects, checked: t.checked, unchecked: t.unchecked?.length ? [...t.unchecked] : undefined })
    ),
    notes: [...(opts.notes ?? [])],
    ...(opts.remoteCharts ? { remoteCharts: opts.remoteCharts.map((c) => ({ ...c })) } : {}),
    ...(opts.declarations && opts.declarations.length > 0 ? { declarations: opts.declarations.map((d) => ({ ...d, location: { ...d.location }, targets: [...d.targets] })) } : {}),
    findings: [...findings].sort(compareByLocation).map(
      (f): JsonFinding =>
        defined({
          ruleId: f.ruleId,
          severity: f.severity,
          status: f.status,
          message: f.message,
          object: f.object ? defined({ ...f.object }) : undefined,
          target: f.target,
          path: formatPath(f.path),
          jsonPath: [...f.path],
          location: defined({ ...f.location }),
          related: f.related.map((r) => defined({ ...r })),
          fingerprint: f.fingerprint,
          profiles: f.profiles ? [...f.profiles] : undefined,
          failOn: f.failOn,
          suppression: f.suppression
        })
    )
  };
}

/** The JSON report as text (two-space indent, trailing newline). */
export function formatJson(findings: readonly Finding[], opts: JsonOptions): string {
  return `${JSON.stringify(buildJsonReport(findings, opts), null, 2)}\n`;
}
