/** All reports of one run, built on demand from the RunResult: what the action and the CLI write out. */
import type * as sarif from 'sarif';
import type { Severity } from '../analyze/types.js';
import { hasUncheckedChange } from '../policy/coverage.js';
import { activeRules } from '../policy/scopes.js';
import type { RunResult } from '../run.js';
import type { RuleMeta } from './common.js';
import { DIAGNOSTIC_RULES } from './diagnostic-rules.js';
import { formatJson } from './json.js';
import { buildSarif, defaultSecuritySeverity } from './sarif.js';
import { buildSummary } from './summary.js';
import { formatText, type TextDisplay } from './text.js';

export interface ReportOptions {
  color?: boolean;
  toolVersion: string;
  /** Code scanning category. */
  category?: string;
}

export interface SummaryLinks {
  serverUrl?: string;
  repository?: string;
  headSha?: string;
}

export interface Reports {
  /** Rule metadata as configured: enabled rules and input-problem rules, with severity overrides applied. */
  rules: RuleMeta[];
  sarif(): sarif.Log;
  /** The console report; `display` hides lines, never changes a count or the verdict. */
  text(display?: TextDisplay): string;
  json(): string;
  summary(links?: SummaryLinks): string;
}

/** A rule with a configured severity; a changed severity also moves `security-severity` into the new band. */
function withSeverity(rule: RuleMeta, severity: Severity | undefined): RuleMeta {
  if (!severity || severity === rule.severity) return rule;
  return { ...rule, severity, securitySeverity: defaultSecuritySeverity(severity) };
}

export function reportsFor(result: RunResult, options: ReportOptions): Reports {
  const overrides = result.settings.rules.severity;
  const enabled: RuleMeta[] = activeRules(result.rules, result.settings).map((a) => withSeverity(a.rule, a.severity));
  const diagnostics: RuleMeta[] = DIAGNOSTIC_RULES.map((r) => withSeverity(r, overrides[r.id]));
  // Rules that produced findings but are not enabled (should not happen) still get their metadata.
  const enabledIds = new Set(enabled.map((r) => r.id));
  const others: RuleMeta[] = result.rules.filter((r) => !enabledIds.has(r.id)).map((r) => withSeverity(r, overrides[r.id]));
  const allMeta = [...enabled, ...diagnostics, ...others];
  const objects = result.targets.reduce((n, t) => n + t.objects, 0);
  const common = {
    baseScanned: result.baseScanned,
    failOn: result.settings.failOn,
    blockingCount: result.blocking.length,
    targetsScanned: result.targets.length,
    objectsScanned: objects,
    coverage: result.coverage,
    unchecked: result.blocking.length === 0 && hasUncheckedChange(result.findings)
  };
  return {
    rules: allMeta,
    sarif: () =>
      buildSarif({
        findings: result.findings,
        rules: enabled,
        diagnosticRules: [...diagnostics, ...others],
        toolVersion: options.toolVersion,
        repoRoot: result.settings.root,
        baseScanned: result.baseScanned,
        ...(options.category ? { category: options.category } : {})
      }),
    text: (display = {}) => formatText(result.findings, { ...common, ...display, color: options.color ?? false }),
    json: () =>
      formatJson(result.findings, {
        ...common,
        toolVersion: options.toolVersion,
        targets: result.targets,
        notes: result.notes,
        ...(result.remoteCharts.length > 0 ? { remoteCharts: result.remoteCharts } : {}),
        ...(result.declarations.length > 0 ? { declarations: result.declarations } : {}),
        ...(result.baseCommit ? { baseCommit: result.baseCommit } : {})
      }),
    summary: (links = {}) =>
      buildSummary({
        findings: result.findings,
        rules: allMeta,
        baseScanned: result.baseScanned,
        failOn: result.settings.failOn,
        blocking: result.blocking.length,
        targets: result.targets.map((t) => ({ id: t.id, objects: t.objects, kind: t.kind, rendered: t.rendered, checked: t.checked, ...(t.unchecked ? { unchecked: t.unchecked } : {}) })),
        notes: result.notes,
        coverage: result.coverage,
        unchecked: common.unchecked,
        ...(result.targetDiffs ? { targetDiffs: result.targetDiffs } : {}),
        ...(result.declarations.length > 0 ? { declarations: result.declarations } : {}),
        ...links
      })
  };
}
