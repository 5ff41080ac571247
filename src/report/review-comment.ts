/**
 * The Markdown of one pull-request review comment: what is wrong, on which object and field, why it matters,
 * how to fix it (with a ```suggestion block when the fix is a plain edit of the commented line), a link to the
 * rule's documentation, and hidden markers carrying the findings' fingerprints so re-runs recognise it.
 *
 * Text from the repository (messages, object names, paths, custom rules' text) is escaped: no mentions, no HTML,
 * no Markdown structure. Built-in rule text is gitops-gate's own Markdown and is kept as written.
 */
import type { Finding, Severity } from '../analyze/types.js';
import { describeObject, formatPath } from '../objects/types.js';
import type { RuleFix } from '../rules/types.js';
import { truncate, type RuleMeta } from './common.js';
import { escapeMarkdown, inlineCode, markdownLink } from './markdown.js';

/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_COMMENT_CHARS = 65_536;
const MAX_SECTION_CHARS = 6_000;
const MAX_OBJECTS_LISTED = 20;

export const MARKER_PREFIX = '<!-- gitops-gate:fingerprint=';

/** The hidden marker of one finding: `<!-- gitops-gate:fingerprint=<fp> -->`. */
export function fingerprintMarker(fingerprint: string): string {
  return `${MARKER_PREFIX}${fingerprint.replace(/[^A-Za-z0-9:._/+=-]/g, '')} -->`;
}

/** Fingerprints named by markers in a comment body. */
export function markersIn(body: string): string[] {
  return [...body.matchAll(/<!-- gitops-gate:fingerprint=([A-Za-z0-9:._/+=-]+) -->/g)].map((m) => m[1]);
}

/** Marker a comment gets once its findings are gone: `<!-- gitops-gate:fixed=<sha> -->`. */
export function fixedMarker(sha: string): string {
  return `<!-- gitops-gate:fixed=${sha.replace(/[^A-Za-z0-9]/g, '')} -->`;
}

export function isMarkedFixed(body: string): boolean {
  return /<!-- gitops-gate:fixed=[A-Za-z0-9]* -->/.test(body);
}

/** The body of a comment whose findings are gone: the old text struck through under a note naming the commit. */
export function fixedCommentBody(oldBody: string, sha: string): string {
  const note = `✅ **Fixed** in ${sha.slice(0, 12)}: gitops-gate no longer finds this.\n\n${fixedMarker(sha)}\n\n`;
  const folded = `<details><summary>Original comment</summary>\n\n${oldBody}\n\n</details>`;
  const text = note + folded;
  return text.length <= MAX_COMMENT_CHARS ? text : note + truncate(oldBody, MAX_COMMENT_CHARS - note.length - 10);
}

export const SEVERITY_BADGE: Record<Severity, string> = { critical: '🟣 Critical', high: '🔴 High', medium: '🟠 Medium', low: '🟡 Low' };

const BOOLEAN = /^(?:true|True|TRUE|false|False|FALSE)$/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const PLAIN_STRING = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function formatScalar(value: RuleFix['set']): string | undefined {
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  return PLAIN_STRING.test(value) && !BOOLEAN.test(value) && !NUMBER.test(value) && !/^(?:null|~|yes|no|on|off)$/i.test(value) ? value : undefined;
}

/** Whether `text` is a plain YAML scalar of the fix's type (never a template expression, a quoted or flow value). */
function sameKindScalar(text: string, value: RuleFix['set']): boolean {
  if (typeof value === 'boolean') return BOOLEAN.test(text);
  if (typeof value === 'number') return NUMBER.test(text);
  return PLAIN_STRING.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The corrected line, when the finding's field is set on `lineText` as a plain scalar: `privileged: true` ->
 * `privileged: false`, also inside a one-line flow mapping (`{ privileged: true }`). Undefined otherwise
 * (a template expression, the field missing from the line, a value that is already right, a multi-line value).
 */
export function suggestLine(lineText: string, finding: Pick<Finding, 'path'>, fix: RuleFix | undefined): string | undefined {
  if (!fix) return undefined;
  const field = finding.path[finding.path.length - 1];
  if (typeof field !== 'string') return undefined;
  if (fix.fields && !fix.fields.includes(field)) return undefined;
  const replacement = formatScalar(fix.set);
  if (replacement === undefined) return undefined;
  if (/\{\{|\{%|\$\{/.test(lineText)) return undefined;
  const key = `(?:${escapeRegExp(field)}|"${escapeRegExp(field)}"|'${escapeRegExp(field)}')`;
  // Start of line (block mapping, sequence entry) or after `{`/`,` (flow mapping); the value ends the line,
  // a comment, or the flow entry.
  const pattern = new RegExp(`(^\\s*(?:-\\s+)?|[{,]\\s*)(${key})(\\s*:\\s+)([^\\s,{}\\[\\]#"']+)(?=\\s*$|\\s+#|\\s*[,}])`, 'g');
  const matches = [...lineText.matchAll(pattern)];
  if (matches.length !== 1) return undefined;
  const m = matches[0];
  const current = m[4];
  if (!sameKindScalar(current, fix.set) || current === replacement) return undefined;
  if (typeof fix.set === 'boolean' && current.toLowerCase() === replacement) return undefined;
  const start = (m.index ?? 0) + m[1].length + m[2].length + m[3].length;
  return lineText.slice(0, start) + replacement + lineText.slice(start + current.length);
}

/** A fenced block whose fence is longer than any backtick run in the content. */
function fence(info: string, content: string): string {
  const longest = (content.match(/`+/g) ?? []).reduce((n, r) => Math.max(n, r.length), 0);
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${info}\n${content}\n${ticks}`;
}

export interface ReviewCommentInput {
  /** The findings the comment is about: one rule, one file and line (several objects may share a line). */
  findings: readonly Finding[];
  rule?: RuleMeta & { fix?: RuleFix };
  /** The rule text is gitops-gate's own (built-in rules): kept as Markdown. Otherwise it is escaped. */
  trustedRuleText?: boolean;
  /** The rule's documentation page. */
  docsUrl?: string;
  /** The commented line as it is at the head commit; enables the suggestion block. */
  lineText?: string;
}

function objectName(f: Finding): string {
  return f.object ? describeObject(f.object) : f.location.file;
}

/** The message without a leading `Kind namespace/name: `. */
function withoutObject(f: Finding): string {
  const prefix = f.object ? `${describeObject(f.object)}: ` : '';
  return prefix && f.message.startsWith(prefix) ? f.message.slice(prefix.length) : f.message;
}

function ruleText(text: string, trusted: boolean): string {
  const cut = truncate(text.trim(), MAX_SECTION_CHARS);
  return trusted ? cut : escapeMarkdown(cut, { keepNewlines: true });
}

export function buildReviewComment(input: ReviewCommentInput): string {
  if (input.findings.length === 0) throw new Error('a review comment needs at least one finding');
  const findings = [...input.findings].sort((a, b) => objectName(a).localeCompare(objectName(b)) || a.fingerprint.localeCompare(b.fingerprint));
  const first = findings[0];
  const rule = input.rule;
  const trusted = input.trustedRuleText === true;
  const out: string[] = [];
  const title = rule ? ` · ${escapeMarkdown(truncate(rule.title, 200))}` : '';
  out.push(`**${SEVERITY_BADGE[first.severity]} · ${inlineCode(first.ruleId)}${title}**`, '');

  // What is wrong, on which object and field. Messages that differ only by the object they name are said once.
  const messages = [...new Set(findings.map((f) => (findings.length > 1 ? withoutObject(f) : f.message)))];
  if (messages.length === 1) out.push(escapeMarkdown(truncate(messages[0], 1000)), '');
  const listed = findings.slice(0, MAX_OBJECTS_LISTED).map((f) => {
    const object = f.object ? escapeMarkdown(truncate(describeObject(f.object), 200)) : escapeMarkdown(f.location.file);
    const field = f.path.length > 0 ? ` · field ${inlineCode(truncate(formatPath(f.path), 300))}` : '';
    const target = f.target ? ` · target ${inlineCode(truncate(f.target, 200))}` : '';
    const message = messages.length > 1 ? `: ${escapeMarkdown(truncate(withoutObject(f), 500))}` : '';
    return `- ${object}${field}${target}${message}`;
  });
  if (findings.length > MAX_OBJECTS_LISTED) listed.push(`- … and ${findings.length - MAX_OBJECTS_LISTED} more`);
  out.push(findings.length === 1 ? '**Where:**' : `**Where** (${findings.length} rendered objects come from this line):`, ...listed, '');
  const related = findings.flatMap((f) => f.related).filter((r, i, all) => all.findIndex((o) => o.file === r.file && o.line === r.line) === i);
  if (related.length > 0) {
    out.push(`**Related:** ${related.slice(0, 10).map((r) => `${escapeMarkdown(truncate(r.label, 100))} ${inlineCode(`${r.file}:${r.line}`)}`).join(', ')}`, '');
  }

  if (rule?.rationale) out.push(`**Why it matters:** ${ruleText(rule.rationale, trusted)}`, '');
  if (rule?.remediation) out.push(`**How to fix:** ${ruleText(rule.remediation, trusted)}`, '');

  const fix = rule?.fix;
  const suggestion = input.lineText !== undefined ? suggestLine(input.lineText, first, fix) : undefined;
  if (suggestion !== undefined && findings.every((f) => suggestLine(input.lineText ?? '', f, fix) === suggestion)) {
    out.push('Suggested change:', '', fence('suggestion', suggestion), '');
  }

  const docs = input.docsUrl ? markdownLink(`${first.ruleId} documentation`, input.docsUrl) : '';
  out.push(`<sub>${docs ? `${docs} · ` : ''}gitops-gate</sub>`, '');
  const markers = [...new Set(findings.map((f) => fingerprintMarker(f.fingerprint)))].join('\n');
  let body = `${out.join('\n')}\n${markers}`;
  if (body.length > MAX_COMMENT_CHARS) body = `${truncate(out.join('\n'), MAX_COMMENT_CHARS - markers.length - 2)}\n\n${markers}`;
  return body;
}
