/**
 * The console report, built to stay readable on a repository with thousands of findings: findings most severe
 * first, each line naming the targets it was found in (one line for the same finding in several targets), then a
 * summary by rule, the counts, the coverage and the verdict. Rule: what is hidden (`minSeverity`, `quiet`) is
 * only not shown; the counts and the verdict are always those of every finding, and the report says how many
 * lines it left out. Messages are capped in length here; JSON and SARIF carry the full text.
 */
import { severityRank, type Finding, type Severity } from '../analyze/types.js';
import { compareBySeverity, countFindings, describeCoverage, describeGate, plural, SEVERITIES_DESC, truncate, type FailOn } from './common.js';
import type { Coverage } from '../policy/coverage.js';

/** What the reader asked to see; nothing here changes a count or the verdict. */
export interface TextDisplay {
  /** Show only findings at or above this severity. */
  minSeverity?: Severity;
  /** Show no findings and no summary by rule: only the counts, the coverage and the verdict. */
  quiet?: boolean;
}

export interface TextOptions extends TextDisplay {
  /** ANSI colours; default off. */
  color?: boolean;
  /** A base revision was scanned, so findings are new or existing. */
  baseScanned: boolean;
  failOn: FailOn;
  /** New findings at or above `failOn` (the gate's count). */
  blockingCount: number;
  targetsScanned: number;
  objectsScanned: number;
  /** What could be checked; shown beside the verdict. */
  coverage?: Coverage;
  /** Something the change brought could not be checked, although nothing blocks: the verdict is not a ✔. */
  unchecked?: boolean;
}

/** Longest message a line shows (characters); JSON and SARIF have the whole text. */
export const MAX_MESSAGE_LENGTH = 300;
/** Targets named on one line; more are counted. */
export const MAX_TARGETS_LISTED = 5;

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  magenta: '\u001b[35m'
} as const;

const SEVERITY_COLOR: Record<Severity, keyof typeof ANSI> = { critical: 'magenta', high: 'red', medium: 'yellow', low: 'blue' };

// Terminal escapes and other controls in repository text are shown, not obeyed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Makes repository text safe for a terminal, one line per finding: a line break is written `\n` (`\r` for a
 * carriage return), the escape a reader of code or JSON knows, in plain ASCII every terminal shows; a tab is a
 * space; every other control (ESC, bidi overrides) is written `\uXXXX`.
 */
export function sanitizeForTerminal(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** One line of the report: a finding, and every target it was found in. */
interface Line {
  finding: Finding;
  targets: string[];
}

/**
 * The same finding (rule, place, message, status, related places) in several targets becomes one line. Sorted
 * before merging, so the order of lines is the same whatever the order of the findings.
 */
function mergeAcrossTargets(findings: readonly Finding[]): Line[] {
  const lines = new Map<string, Line>();
  for (const f of [...findings].sort(compareBySeverity)) {
    const key = JSON.stringify([f.ruleId, f.severity, f.location.file, f.location.line, f.location.column ?? 0, f.message, f.status, f.suppression?.reason ?? '', f.related]);
    const line = lines.get(key);
    if (!line) lines.set(key, { finding: f, targets: f.target ? [f.target] : [] });
    else if (f.target && !line.targets.includes(f.target)) line.targets.push(f.target);
  }
  return [...lines.values()];
}

/** `in helm:charts/api@prod, helm:charts/api@staging`, `in 7 targets: a, b, c, d, e and 2 more`, `(no target)`. */
function describeTargets(targets: string[]): string {
  if (targets.length === 0) return '(no target)';
  const sorted = [...targets].sort();
  if (sorted.length <= MAX_TARGETS_LISTED) return `in ${sorted.join(', ')}`;
  return `in ${sorted.length} targets: ${sorted.slice(0, MAX_TARGETS_LISTED).join(', ')} and ${sorted.length - MAX_TARGETS_LISTED} more`;
}

/** Rules with their counts, most severe first, then most frequent. */
function summaryByRule(findings: readonly Finding[], baseScanned: boolean): string[][] {
  const rules = new Map<string, { severity: Severity; total: number; new: number }>();
  for (const f of findings) {
    const key = `${f.severity}\0${f.ruleId}`;
    const r = rules.get(key) ?? { severity: f.severity, total: 0, new: 0 };
    r.total++;
    if (f.status === 'new') r.new++;
    rules.set(key, r);
  }
  return [...rules]
    .sort(([ka, a], [kb, b]) => severityRank(b.severity) - severityRank(a.severity) || b.total - a.total || (ka < kb ? -1 : 1))
    .map(([key, r]) => {
      const status = !baseScanned ? '' : r.new === r.total ? `(${r.new} new)` : r.new === 0 ? `(${r.total} existing)` : `(${r.new} new, ${r.total - r.new} existing)`;
      return [r.severity.toUpperCase(), key.split('\0')[1], String(r.total), status];
    });
}

export function formatText(findings: readonly Finding[], opts: TextOptions): string {
  const paint = (style: keyof typeof ANSI, text: string): string => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const out: string[] = [];
  const minRank = severityRank(opts.minSeverity ?? 'low');
  const shown = opts.quiet ? [] : findings.filter((f) => severityRank(f.severity) >= minRank);

  let group: Severity | undefined;
  for (const { finding: f, targets } of mergeAcrossTargets(shown)) {
    if (group !== undefined && f.severity !== group) out.push('');
    group = f.severity;
    const file = sanitizeForTerminal(f.location.file);
    const where = `${file}:${f.location.line}${f.location.column ? `:${f.location.column}` : ''}`;
    const severity = paint(SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
    const status = opts.baseScanned ? `  ${f.status === 'new' ? paint('bold', '[new]') : paint('dim', '[existing]')}` : '';
    const accepted = f.suppression ? `  ${paint('dim', `[accepted: ${sanitizeForTerminal(truncate(f.suppression.reason, MAX_MESSAGE_LENGTH))}]`)}` : '';
    const message = sanitizeForTerminal(truncate(f.message, MAX_MESSAGE_LENGTH));
    const profiles = f.profiles ? `  ${paint('dim', `[profile ${sanitizeForTerminal(f.profiles.join(', '))}]`)}` : '';
    out.push(`  ${where}  ${severity}  ${sanitizeForTerminal(f.ruleId)}  ${message}${status}${accepted}${profiles}  ${paint('dim', sanitizeForTerminal(describeTargets(targets)))}`);
    for (const r of f.related) {
      out.push(paint('dim', `      ↳ ${sanitizeForTerminal(r.label)}: ${sanitizeForTerminal(r.file)}:${r.line}${r.column ? `:${r.column}` : ''}`));
    }
  }

  if (shown.length > 0) {
    const rows = summaryByRule(shown, opts.baseScanned).map((row) => row.map(sanitizeForTerminal));
    const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
    out.push('', paint('bold', 'Findings by rule:'));
    for (const [severity, rule, count, status] of rows) {
      const cells = [paint(SEVERITY_COLOR[severity.toLowerCase() as Severity], severity.padEnd(widths[0])), rule.padEnd(widths[1]), count.padStart(widths[2])];
      out.push(`  ${cells.join('  ')}${status ? `  ${status}` : ''}`);
    }
    out.push('');
  }

  const counts = countFindings(findings);
  if (counts.total === 0) {
    out.push('No findings.');
  } else {
    const bySeverity = SEVERITIES_DESC.filter((s) => counts.bySeverity[s] > 0)
      .map((s) => `${counts.bySeverity[s]} ${s}`)
      .join(', ');
    const status = opts.baseScanned ? `${counts.new} new, ${counts.existing} existing` : 'no base scanned: all treated as new';
    out.push(`${plural(counts.total, 'finding')}: ${bySeverity} (${status})`);
    const hidden = counts.total - shown.length;
    if (hidden > 0) {
      out.push(opts.quiet ? `Findings not shown (--quiet).` : `${plural(hidden, 'finding')} below ${opts.minSeverity} not shown (--min-severity ${opts.minSeverity}).`);
    }
  }
  out.push(`Scanned ${plural(opts.targetsScanned, 'target')}, ${plural(opts.objectsScanned, 'object')}.`);
  if (opts.coverage) out.push(...describeCoverage(opts.coverage).map(sanitizeForTerminal));
  out.push(
    opts.blockingCount > 0
      ? paint('red', `✖ ${plural(opts.blockingCount, 'blocking finding')} (${describeGate(opts.failOn)})`)
      : opts.unchecked
        ? paint('yellow', '⚠ no blocking findings, but not everything this change brings could be checked (see the coverage findings)')
        : paint('green', `✔ no blocking findings${opts.failOn === 'none' ? ' (gate disabled)' : ''}`)
  );
  return `${out.join('\n')}\n`;
}
