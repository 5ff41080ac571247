/**
 * SARIF 2.1.0 for GitHub code scanning. Valid against the OASIS schema, with what code scanning requires or
 * recommends (see research notes §3.2-3.3): rule help (text and Markdown), tags including `security`,
 * `security-severity` as a string score, `precision`, `problem.severity`, `partialFingerprints`, a category in
 * `automationDetails.id`, repository-relative URIs under `%SRCROOT%`, and GitHub's size limits.
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type * as sarif from 'sarif';
import type { Finding, Severity } from '../analyze/types.js';
import { formatPath, describeObject, type SourceLocation } from '../objects/types.js';
import { compareByLocation, compareBySeverity, indexRules, truncate, type RuleMeta } from './common.js';
import { DIAGNOSTIC_RULES } from './diagnostic-rules.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const DEFAULT_INFORMATION_URI = 'https://github.com/gitops-gate/gitops-gate';
export const FINGERPRINT_KEY = 'gitopsGate/v1';
export const SRCROOT = '%SRCROOT%';

/** GitHub code scanning's limits for one run. */
export const SARIF_LIMITS = {
  /** More results are rejected. */
  maxResults: 25_000,
  /** Only the most severe this many results are shown. */
  shownResults: 5_000,
  maxRules: 25_000,
  /** Locations per result; only 100 are shown. */
  maxRelatedLocations: 100,
  /** Tags per rule; only 10 are shown. */
  maxTags: 20,
  maxRuleName: 255,
  maxDescription: 1024
} as const;

export interface SarifInput {
  findings: readonly Finding[];
  /** Enabled rules: each is described in the run even without results. */
  rules: readonly RuleMeta[];
  /** Rules for input problems; described only when a result uses them. Default: DIAGNOSTIC_RULES. */
  diagnosticRules?: readonly RuleMeta[];
  toolVersion: string;
  /** Code scanning category; `automationDetails.id` is `${category}/`. Default `gitops-gate`. */
  category?: string;
  informationUri?: string;
  /** Rule docs page; each rule's helpUri is `${docsUri}#${id}`. Default: `${informationUri}/blob/main/docs/rules.md`. */
  docsUri?: string;
  /** Absolute path of the repository checkout: becomes `%SRCROOT%`'s URI, and absolute finding paths under it are made relative. */
  repoRoot?: string;
  /** A base revision was scanned: results carry `baselineState` (`new` or `unchanged`). */
  baseScanned?: boolean;
  /** Lower limits, for tests. */
  limits?: { maxResults?: number; maxRules?: number; shownResults?: number };
}

/** `pss-privileged` -> `PssPrivileged` */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

export function sarifLevel(severity: Severity): sarif.ReportingConfiguration.level {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

function problemSeverity(severity: Severity): 'error' | 'warning' | 'recommendation' {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'recommendation';
}

/** GitHub reads a score 0.1-10 as a string: `"8.0"`. */
export function securitySeverityString(score: number): string {
  const clamped = Number.isFinite(score) ? Math.min(10, Math.max(0.1, score)) : 5;
  return clamped.toFixed(1);
}

const DEFAULT_SECURITY_SEVERITY: Record<Severity, number> = { critical: 9.5, high: 8.0, medium: 5.5, low: 3.0 };

/** A score inside GitHub's band for a severity (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9). */
export function defaultSecuritySeverity(severity: Severity): number {
  return DEFAULT_SECURITY_SEVERITY[severity];
}

function nonEmpty(text: string | undefined, fallback: string): string {
  return text !== undefined && text.trim() !== '' ? text : fallback;
}

function referencesMarkdown(rule: RuleMeta): string[] {
  const refs = rule.references ?? {};
  const out: string[] = [];
  if (refs.pss) {
    out.push(
      `- Pod Security Standards (${refs.pss.level}): \`${refs.pss.check}\` — https://kubernetes.io/docs/concepts/security/pod-security-standards/`
    );
  }
  if (refs.cis?.length) out.push(`- CIS Kubernetes Benchmark: ${refs.cis.join(', ')}`);
  if (refs.nsa?.length) out.push(`- NSA/CISA Kubernetes Hardening Guide: ${refs.nsa.join(', ')}`);
  if (refs.mitre?.length) out.push(`- MITRE ATT&CK: ${refs.mitre.join(', ')}`);
  for (const doc of refs.docs ?? []) out.push(`- ${doc}`);
  return out;
}

function ruleTags(rule: RuleMeta): string[] {
  const tags = ['security', ...(rule.tags ?? []).filter((t) => t !== 'security' && t.trim() !== '')];
  return [...new Set(tags)].slice(0, SARIF_LIMITS.maxTags);
}

function describeRule(rule: RuleMeta, docsUri: string): sarif.ReportingDescriptor {
  const title = nonEmpty(rule.title, rule.id);
  const rationale = nonEmpty(rule.rationale, title);
  const remediation = rule.remediation?.trim() ?? '';
  const refs = referencesMarkdown(rule);
  const helpUri = `${docsUri}#${rule.id}`;
  const text = [rationale, remediation && `Remediation: ${remediation}`, refs.length ? `References:\n${refs.join('\n')}` : '', `Documentation: ${helpUri}`]
    .filter((p) => p !== '')
    .join('\n\n');
  const markdown = [
    `**${title}**`,
    rationale,
    remediation && `**Remediation.** ${remediation}`,
    refs.length ? `**References**\n\n${refs.join('\n')}` : '',
    `[Rule documentation](${helpUri})`
  ]
    .filter((p) => p !== '')
    .join('\n\n');
  return {
    id: rule.id,
    name: truncate(nonEmpty(pascalCase(rule.id), rule.id), SARIF_LIMITS.maxRuleName),
    shortDescription: { text: truncate(title, SARIF_LIMITS.maxDescription) },
    fullDescription: { text: truncate(rationale, SARIF_LIMITS.maxDescription) },
    help: { text, markdown },
    helpUri,
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      tags: ruleTags(rule),
      'security-severity': securitySeverityString(rule.securitySeverity),
      precision: 'high',
      'problem.severity': problemSeverity(rule.severity)
    }
  };
}

/** A rule id seen in results that no metadata describes (should not happen; kept valid anyway). */
function placeholderRule(id: string, severity: Severity): RuleMeta {
  return {
    id,
    title: id,
    severity,
    securitySeverity: DEFAULT_SECURITY_SEVERITY[severity],
    category: 'unknown',
    rationale: `Finding reported by rule ${id}.`,
    remediation: '',
    references: {},
    tags: []
  };
}

// RFC 3986 pchar (unreserved, sub-delims, '@') except ':', which in a first segment would make the reference a
// URI with a scheme. Everything else, '%' included, is percent-encoded as UTF-8.
const SEGMENT_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=@]$/;
const utf8 = new TextEncoder();

function encodeSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (SEGMENT_CHAR.test(ch)) out += ch;
    else for (const byte of utf8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A repository-relative URI reference (RFC 3986 relative-path reference, resolved against `%SRCROOT%`): '/' (or
 * '\\') between segments, each segment percent-encoded, no empty, `.` or `..` segments (`..` is resolved; one that
 * would climb out of the repository is dropped).
 */
export function artifactUri(file: string, repoRoot?: string): string {
  let rel = file.replace(/\\/g, '/');
  if (repoRoot && path.isAbsolute(file)) {
    const relative = path.relative(repoRoot, file).replace(/\\/g, '/');
    if (!relative.startsWith('../') && relative !== '..' && !path.isAbsolute(relative)) rel = relative;
  }
  const segments: string[] = [];
  for (const segment of rel.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.map(encodeSegment).join('/');
}

function region(loc: SourceLocation): sarif.Region {
  const startLine = Math.max(1, Math.floor(loc.line) || 1);
  const r: sarif.Region = { startLine };
  if (loc.column && loc.column >= 1) r.startColumn = loc.column;
  if (loc.endLine && loc.endLine >= startLine) {
    r.endLine = loc.endLine;
    // SARIF's endColumn is exclusive: it must lie after startColumn on a one-line region.
    if (loc.endColumn && loc.endColumn >= 1 && (loc.endLine > startLine || loc.endColumn > (r.startColumn ?? 1))) r.endColumn = loc.endColumn;
  }
  return r;
}

function physicalLocation(loc: SourceLocation, repoRoot: string | undefined): sarif.PhysicalLocation {
  return { artifactLocation: { uri: artifactUri(loc.file, repoRoot), uriBaseId: SRCROOT }, region: region(loc) };
}

export function buildSarif(input: SarifInput): sarif.Log {
  const informationUri = input.informationUri ?? DEFAULT_INFORMATION_URI;
  const docsUri = input.docsUri ?? `${informationUri.replace(/\/+$/, '')}/blob/main/docs/rules.md`;
  const maxResults = input.limits?.maxResults ?? SARIF_LIMITS.maxResults;
  const shownResults = input.limits?.shownResults ?? SARIF_LIMITS.shownResults;
  const maxRules = input.limits?.maxRules ?? SARIF_LIMITS.maxRules;
  const notifications: sarif.Notification[] = [];

  // Results: over the limit, keep the most severe (new before existing).
  let findings = [...input.findings];
  if (findings.length > maxResults) {
    const dropped = findings.length - maxResults;
    findings = findings.sort(compareBySeverity).slice(0, maxResults);
    notifications.push({
      descriptor: { id: 'results-trimmed' },
      level: 'warning',
      message: {
        text: `${dropped} of ${input.findings.length} results were left out: GitHub code scanning accepts at most ${maxResults} results per run. The most severe results are kept; the text and JSON reports list all findings.`
      }
    });
  }
  if (findings.length > shownResults) {
    notifications.push({
      descriptor: { id: 'results-over-display-limit' },
      level: 'note',
      message: { text: `${findings.length} results: GitHub code scanning shows only the ${shownResults} most severe results of a run.` }
    });
  }
  findings.sort(compareByLocation);

  // Rules: those used by results first (they must be kept), then the other enabled rules, within the limit.
  const known = indexRules(input.rules, input.diagnosticRules ?? DIAGNOSTIC_RULES);
  const used = new Map<string, RuleMeta>();
  for (const f of findings) if (!used.has(f.ruleId)) used.set(f.ruleId, known.get(f.ruleId) ?? placeholderRule(f.ruleId, f.severity));
  const enabledUnused = input.rules.filter((r, i, all) => !used.has(r.id) && all.findIndex((o) => o.id === r.id) === i);
  let ruleMetas = [...used.values(), ...enabledUnused];
  if (ruleMetas.length > maxRules) {
    const dropped = ruleMetas.length - Math.max(maxRules, used.size);
    ruleMetas = ruleMetas.slice(0, Math.max(maxRules, used.size));
    notifications.push({
      descriptor: { id: 'rules-trimmed' },
      level: 'warning',
      message: { text: `${dropped} rules without results were left out: GitHub code scanning accepts at most ${maxRules} rules per run.` }
    });
  }
  ruleMetas.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(ruleMetas.map((r, i) => [r.id, i]));

  const results: sarif.Result[] = findings.map((f) => {
    const related = f.related.slice(0, SARIF_LIMITS.maxRelatedLocations);
    const properties: sarif.PropertyBag = { status: f.status };
    if (f.path.length > 0) properties.objectPath = formatPath(f.path);
    if (f.target !== undefined) properties.target = f.target;
    if (f.object) properties.object = describeObject(f.object);
    if (f.profiles) properties.profiles = [...f.profiles];
    const result: sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) as number,
      level: sarifLevel(f.severity),
      message: { text: nonEmpty(f.message, `${f.ruleId} in ${f.location.file}`) },
      locations: [{ physicalLocation: physicalLocation(f.location, input.repoRoot) }],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
      properties
    };
    if (related.length > 0) {
      result.relatedLocations = related.map((r, i) => ({
        id: i + 1,
        physicalLocation: physicalLocation(r, input.repoRoot),
        message: { text: nonEmpty(r.label, 'related') }
      }));
    }
    if (input.baseScanned) result.baselineState = f.status === 'new' ? 'new' : 'unchanged';
    if (f.suppression) result.suppressions = [{ kind: 'external', status: 'accepted', justification: `${f.suppression.reason} (${f.suppression.source}${f.suppression.expires ? `, until ${f.suppression.expires}` : ''})` }];
    return result;
  });

  const srcroot: sarif.ArtifactLocation = { description: { text: 'The root of the repository checkout.' } };
  if (input.repoRoot) {
    const href = pathToFileURL(input.repoRoot).href;
    srcroot.uri = href.endsWith('/') ? href : `${href}/`;
  }

  const invocation: sarif.Invocation = { executionSuccessful: true };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gitops-gate',
            semanticVersion: input.toolVersion,
            version: input.toolVersion,
            informationUri,
            rules: ruleMetas.map((r) => describeRule(r, docsUri))
          }
        },
        automationDetails: { id: `${input.category ?? 'gitops-gate'}/` },
        originalUriBaseIds: { [SRCROOT]: srcroot },
        invocations: [invocation],
        columnKind: 'utf16CodeUnits',
        results
      }
    ]
  };
}
