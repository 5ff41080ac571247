/**
 * Workflow-command annotations (`::error file=…,line=…::message`): the fallback when the token cannot comment
 * on the pull request (fork PRs). Only new findings are annotated, most severe first.
 *
 * Repository text in a command cannot speak to the runner: no line break survives in a message or a property,
 * control characters are shown as `%XX`, and `##[` and a line-starting `::` are defused (log-text.ts).
 *
 * Limits (actions/runner `ExecutionContext.cs`, `_maxCountPerIssueType = 10`): at most 10 annotations of each
 * type (error, warning, notice) per step are shown; messages longer than 4096 characters are truncated.
 */
import type { Finding, Severity } from '../analyze/types.js';
import { compareBySeverity, indexRules, truncate, type RuleMeta } from './common.js';
import { neutralizeLegacyCommands, neutralizeLogText } from './log-text.js';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  level: AnnotationLevel;
  file: string;
  line: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title: string;
  message: string;
}

/** Annotations of one type the runner shows per step. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10;
/** Characters of an annotation message the runner keeps. */
export const MAX_ANNOTATION_MESSAGE = 4096;

export interface AnnotationOptions {
  /** Most annotations per level: one number for all, or per level. Default 10 each (the runner's cap per step). */
  maxPerLevel?: number | Partial<Record<AnnotationLevel, number>>;
  /** Rule metadata, for titles and the remediation line. */
  rules?: readonly RuleMeta[];
}

export function annotationLevel(severity: Severity): AnnotationLevel {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'notice';
}

function limitFor(level: AnnotationLevel, max: AnnotationOptions['maxPerLevel']): number {
  if (typeof max === 'number') return max;
  return max?.[level] ?? MAX_ANNOTATIONS_PER_LEVEL;
}

/** Annotations for the new findings, most severe first, at most `maxPerLevel` of each level. */
export function buildAnnotations(findings: readonly Finding[], opts: AnnotationOptions = {}): Annotation[] {
  const rules = indexRules(opts.rules);
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const out: Annotation[] = [];
  for (const f of findings.filter((x) => x.status === 'new' && !x.suppression).sort(compareBySeverity)) {
    const level = annotationLevel(f.severity);
    if (used[level] >= limitFor(level, opts.maxPerLevel)) continue;
    used[level]++;
    const rule = rules.get(f.ruleId);
    const lines = [f.message];
    for (const r of f.related) lines.push(`${r.label}: ${r.file}:${r.line}`);
    if (rule?.remediation) lines.push(`Fix: ${rule.remediation}`);
    const annotation: Annotation = {
      level,
      file: f.location.file,
      line: Math.max(1, f.location.line),
      title: `${f.severity.toUpperCase()} ${f.ruleId}${rule ? `: ${rule.title}` : ''}`,
      message: truncate(lines.join('\n'), MAX_ANNOTATION_MESSAGE)
    };
    if (f.location.column) annotation.col = f.location.column;
    if (f.location.endLine) annotation.endLine = f.location.endLine;
    if (f.location.endColumn) annotation.endColumn = f.location.endColumn;
    out.push(annotation);
  }
  return out;
}

// C0, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const percentEncoded = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * A command's message: what @actions/core escapes (% CR LF; the runner turns them back), every other control
 * character as `%XX` (the runner shows it as such), and no command markers (`neutralizeLogText`).
 */
export function escapeCommandData(value: string): string {
  return neutralizeLogText(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(CONTROL, percentEncoded);
}

/**
 * A command property's value: as @actions/core (% CR LF : ,), every other control character as `%XX`, and `##[`
 * defused. With `:` escaped no `::` is left to end the properties early.
 */
export function escapeCommandProperty(value: string): string {
  return neutralizeLegacyCommands(value)
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/:/g, '%3A')
    .replace(/,/g, '%2C')
    .replace(CONTROL, percentEncoded);
}

export type CommandProperties = readonly (readonly [name: string, value: string | number | undefined])[];

/** `::command name=value,…::message`, every part escaped; properties without a value are left out. */
export function workflowCommand(command: string, properties: CommandProperties, message: string): string {
  const text = properties
    .filter((p): p is readonly [string, string | number] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${escapeCommandProperty(String(v))}`)
    .join(',');
  return `::${command}${text ? ` ${text}` : ''}::${escapeCommandData(message)}`;
}

/** `::error file=a.yaml,line=3,col=5,title=…::message` */
export function formatWorkflowCommand(a: Annotation): string {
  return workflowCommand(
    a.level,
    [
      ['file', a.file],
      ['line', a.line],
      ['col', a.col],
      ['endLine', a.endLine],
      ['endColumn', a.endColumn],
      ['title', a.title]
    ],
    a.message
  );
}
