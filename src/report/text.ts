/** The console report: findings grouped by file, then counts and the verdict. */
import type { Finding, Severity } from '../analyze/types.js';
import { compareByLocation, countFindings, describeCoverage, describeGate, plural, SEVERITIES_DESC, type FailOn } from './common.js';
import type { Coverage } from '../policy/coverage.js';

export interface TextOptions {
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

/** Makes repository text safe for a terminal: control characters (ESC, CR, bidi overrides) become `\uXXXX`. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function formatText(findings: readonly Finding[], opts: TextOptions): string {
  const paint = (style: keyof typeof ANSI, text: string): string => (opts.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const lines: string[] = [];
  const sorted = [...findings].sort(compareByLocation);

  let currentFile: string | undefined;
  for (const f of sorted) {
    const file = sanitizeForTerminal(f.location.file);
    if (file !== currentFile) {
      if (currentFile !== undefined) lines.push('');
      lines.push(paint('bold', file));
      currentFile = file;
    }
    const where = `${file}:${f.location.line}${f.location.column ? `:${f.location.column}` : ''}`;
    const severity = paint(SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
    const status = opts.baseScanned ? `  ${f.status === 'new' ? paint('bold', '[new]') : paint('dim', '[existing]')}` : '';
    const accepted = f.suppression ? `  ${paint('dim', `[accepted: ${sanitizeForTerminal(f.suppression.reason)}]`)}` : '';
    lines.push(`  ${where}  ${severity}  ${sanitizeForTerminal(f.ruleId)}  ${sanitizeForTerminal(f.message)}${status}${accepted}`);
    for (const r of f.related) {
      lines.push(paint('dim', `      ↳ ${sanitizeForTerminal(r.label)}: ${sanitizeForTerminal(r.file)}:${r.line}${r.column ? `:${r.column}` : ''}`));
    }
  }
  if (sorted.length > 0) lines.push('');

  const counts = countFindings(findings);
  if (counts.total === 0) {
    lines.push('No findings.');
  } else {
    const bySeverity = SEVERITIES_DESC.filter((s) => counts.bySeverity[s] > 0)
      .map((s) => `${counts.bySeverity[s]} ${s}`)
      .join(', ');
    const status = opts.baseScanned ? `${counts.new} new, ${counts.existing} existing` : 'no base scanned: all treated as new';
    lines.push(`${plural(counts.total, 'finding')}: ${bySeverity} (${status})`);
  }
  lines.push(`Scanned ${plural(opts.targetsScanned, 'target')}, ${plural(opts.objectsScanned, 'object')}.`);
  if (opts.coverage) lines.push(...describeCoverage(opts.coverage).map(sanitizeForTerminal));
  lines.push(
    opts.blockingCount > 0
      ? paint('red', `✖ ${plural(opts.blockingCount, 'blocking finding')} (${describeGate(opts.failOn)})`)
      : opts.unchecked
        ? paint('yellow', '⚠ no blocking findings, but not everything this change brings could be checked (see the coverage findings)')
        : paint('green', `✔ no blocking findings${opts.failOn === 'none' ? ' (gate disabled)' : ''}`)
  );
  return `${lines.join('\n')}\n`;
}
