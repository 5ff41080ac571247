/**
 * The job summary ($GITHUB_STEP_SUMMARY, GitHub-flavoured Markdown): verdict, counts, a table of new findings,
 * existing ones folded away, and the targets scanned. Every piece of repository text is escaped (markdown.ts),
 * and the whole stays under GitHub's 1 MiB per-step limit, with a visible note when rows had to be left out.
 */
import type { Finding, Severity } from '../analyze/types.js';
import { describeObject, type ObjectRef } from '../objects/types.js';
import type { DeclarationState } from '../policy/declarations.js';
import { compareBySeverity, countFindings, describeCoverage, describeGate, indexRules, plural, SEVERITIES_DESC, truncate, type FailOn, type RuleMeta } from './common.js';
import type { Coverage } from '../policy/coverage.js';
import { DIAGNOSTIC_RULES } from './diagnostic-rules.js';
import { encodePath, escapeMarkdown, inlineCode, markdownLink } from './markdown.js';

/** GitHub refuses a step summary over 1 MiB (actions/runner `AttachmentSizeLimit`). */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** What buildSummary aims for by default: the limit less room for anything else the step writes. */
export const DEFAULT_SUMMARY_MAX_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024;

const MAX_MESSAGE_CHARS = 500;
const MAX_NAME_CHARS = 200;

export interface SummaryTarget {
  id: string;
  objects: number;
  kind?: string;
  /** False when the target could not be rendered (its problem is a finding). */
  rendered?: boolean;
  /** False when the target could not be (completely) checked; `unchecked` names the rules of the findings that say why. */
  checked?: boolean;
  unchecked?: readonly string[];
}

export interface SummaryTargetDiff {
  target: string;
  added: readonly ObjectRef[];
  changed: readonly ObjectRef[];
  removed: readonly ObjectRef[];
  /** The removed objects are deleted from the cluster when the change merges. */
  prunes?: boolean;
}

export interface SummaryInput {
  findings: readonly Finding[];
  /** Rule metadata, for titles. */
  rules: readonly RuleMeta[];
  baseScanned: boolean;
  failOn: FailOn;
  /** Number of blocking findings (new, at or above failOn). */
  blocking: number;
  targets: readonly SummaryTarget[];
  /** Things to know that are not findings (policy edits in the PR, skipped targets). */
  notes?: readonly string[];
  /** `https://github.com`; with repository and headSha, locations link to the file at the head commit. */
  serverUrl?: string;
  /** `owner/name` */
  repository?: string;
  headSha?: string;
  /** Per target, the rendered objects the change adds, changes and removes (PR mode). */
  targetDiffs?: readonly SummaryTargetDiff[];
  /** Each Flux and Argo CD declaration with its state (checked, not checked, not affected by the change). */
  declarations?: readonly DeclarationState[];
  /** Size budget in bytes (UTF-8). Default DEFAULT_SUMMARY_MAX_BYTES. */
  maxBytes?: number;
  /** What could be checked; stated next to the verdict. */
  coverage?: Coverage;
  /** Something the change brought could not be checked although nothing blocks: the verdict is a ⚠, not a ✔. */
  unchecked?: boolean;
}

const SEVERITY_LABEL: Record<Severity, string> = { critical: '🟣 Critical', high: '🔴 High', medium: '🟠 Medium', low: '🟡 Low' };

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

interface Section {
  /** Text before the rows (heading, table header). */
  open: string;
  rows: string[];
  /** Text after the rows. */
  close: string;
  /** What the rows are, for the trim note: `new findings`. */
  what: string;
}

/** Room kept for each trim note. */
const NOTE_RESERVE = 400;

function trimNote(shown: number, total: number, what: string): string {
  return `\n_Only ${shown} of ${total} ${what} are listed here: the summary is kept under GitHub's 1 MiB limit. The SARIF and JSON reports list them all._\n`;
}

export function buildSummary(input: SummaryInput): string {
  const maxBytes = input.maxBytes ?? DEFAULT_SUMMARY_MAX_BYTES;
  const rules = indexRules(input.rules, DIAGNOSTIC_RULES);
  const counts = countFindings(input.findings);
  const sorted = [...input.findings].sort(compareBySeverity);
  const fresh = sorted.filter((f) => f.status === 'new');
  const existing = sorted.filter((f) => f.status === 'existing');
  const linkBase =
    input.serverUrl && input.repository && input.headSha
      ? `${input.serverUrl.replace(/\/+$/, '')}/${input.repository.split('/').map(encodeURIComponent).join('/')}/blob/${encodeURIComponent(input.headSha)}/`
      : undefined;

  // Header: verdict, gate, counts.
  const head: string[] = [];
  head.push(
    input.blocking > 0
      ? `## ✖ gitops-gate: ${plural(input.blocking, 'blocking finding')}`
      : input.unchecked
        ? '## ⚠ gitops-gate: no blocking findings, but not everything was checked'
        : `## ✔ gitops-gate: no blocking findings`,
    ''
  );
  if (input.coverage) head.push(`**Coverage:** ${describeCoverage(input.coverage).map((l) => escapeMarkdown(l)).join(' ')}`, '');
  const gate =
    input.failOn === 'none'
      ? 'The gate is off (`fail-on: none`): findings are reported but never block.'
      : `The gate fails on findings that are ${describeGate(input.failOn)}.`;
  head.push(input.baseScanned ? `${gate} Findings that already exist at the base revision are shown but do not block.` : `${gate} No base revision was scanned, so every finding counts as new.`, '');

  if (counts.total === 0) {
    head.push('No findings.', '');
  } else if (input.baseScanned) {
    head.push('| Severity | New | Existing | Total |', '| :-- | --: | --: | --: |');
    for (const s of SEVERITIES_DESC) {
      head.push(`| ${SEVERITY_LABEL[s]} | ${counts.newBySeverity[s]} | ${counts.bySeverity[s] - counts.newBySeverity[s]} | ${counts.bySeverity[s]} |`);
    }
    head.push(`| **Total** | **${counts.new}** | **${counts.existing}** | **${counts.total}** |`, '');
  } else {
    head.push('| Severity | Findings |', '| :-- | --: |');
    for (const s of SEVERITIES_DESC) head.push(`| ${SEVERITY_LABEL[s]} | ${counts.bySeverity[s]} |`);
    head.push(`| **Total** | **${counts.total}** |`, '');
  }
  if (input.notes && input.notes.length > 0) {
    head.push('**Notes**', '', ...input.notes.map((n) => `- ${escapeMarkdown(truncate(n, 2000))}`), '');
  }

  const row = (f: Finding): string => {
    const rule = rules.get(f.ruleId);
    const ruleCell = `${inlineCode(f.ruleId, { inTable: true })}${rule ? `<br>${escapeMarkdown(truncate(rule.title, MAX_NAME_CHARS))}` : ''}`;
    const objectCell = f.object ? escapeMarkdown(truncate(describeObject(f.object), MAX_NAME_CHARS)) : '—';
    const where = `${f.location.file}:${f.location.line}`;
    const whereCell = linkBase ? markdownLink(where, `${linkBase}${encodePath(f.location.file)}#L${f.location.line}`) : escapeMarkdown(where);
    return `| ${SEVERITY_LABEL[f.severity]} | ${ruleCell} | ${objectCell} | ${whereCell} | ${escapeMarkdown(truncate(f.message, MAX_MESSAGE_CHARS))} |`;
  };
  const tableHead = '| Severity | Rule | Object | Location | Message |\n| :-- | :-- | :-- | :-- | :-- |\n';

  const sections: Section[] = [];
  if (fresh.length > 0) {
    sections.push({ open: `### New findings (${fresh.length})\n\n${tableHead}`, rows: fresh.map(row), close: '\n', what: 'new findings' });
  }
  if (existing.length > 0) {
    sections.push({
      open: `<details><summary>Existing findings (${existing.length}): already at the base revision, not blocking</summary>\n\n${tableHead}`,
      rows: existing.map(row),
      close: '\n</details>\n\n',
      what: 'existing findings'
    });
  }
  const objects = input.targets.reduce((n, t) => n + t.objects, 0);
  sections.push({
    open: `<details><summary>Targets scanned: ${plural(input.targets.length, 'target')}, ${plural(objects, 'object')}</summary>\n\n| Target | Kind | Objects | Checked |\n| :-- | :-- | --: | :-- |\n`,
    rows: input.targets.map(
      (t) =>
        `| ${escapeMarkdown(truncate(t.id, MAX_NAME_CHARS))} | ${escapeMarkdown(t.kind ?? '')} | ${t.rendered === false ? 'not rendered' : t.objects} | ${
          t.checked === false ? `✖ not checked: ${(t.unchecked ?? []).map((id) => inlineCode(id, { inTable: true })).join(', ')}` : '✔'
        } |`
    ),
    close: '\n</details>\n',
    what: 'targets'
  });

  if (input.declarations && input.declarations.length > 0) {
    const label: Record<DeclarationState['status'], string> = { checked: '✔ checked', 'not-checked': '✖ not checked (see findings)', 'not-affected': 'not affected by the change', 'not-rendered': 'in no file a rendered target builds' };
    // The ones the change reached first.
    const order: DeclarationState['status'][] = ['not-checked', 'checked', 'not-rendered', 'not-affected'];
    const listed = [...input.declarations].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
    const affected = input.declarations.filter((d) => d.status === 'checked' || d.status === 'not-checked').length;
    sections.push({
      open: `<details><summary>Declarations: ${plural(input.declarations.length, 'Flux or Argo CD declaration')}, ${affected} rendered</summary>

| Declaration | Where | State |
| :-- | :-- | :-- |
`,
      rows: listed.map(
        (d) =>
          `| ${escapeMarkdown(truncate(`${d.kind} ${d.namespace ? `${d.namespace}/` : ''}${d.name}`, MAX_NAME_CHARS))} | ${escapeMarkdown(truncate(`${d.location.file}:${d.location.line}`, MAX_NAME_CHARS))} | ${label[d.status]} |`
      ),
      close: '\n</details>\n',
      what: 'declarations'
    });
  }

  if (input.targetDiffs) {
    const rows: string[] = [];
    const totals = { added: 0, changed: 0, removed: 0 };
    let touched = 0;
    for (const d of input.targetDiffs) {
      const target = escapeMarkdown(truncate(d.target, MAX_NAME_CHARS));
      const before = rows.length;
      for (const change of ['added', 'changed', 'removed'] as const) {
        totals[change] += d[change].length;
        const label = change === 'removed' && d.prunes ? 'removed: **deleted from the cluster**' : change;
        for (const ref of d[change]) rows.push(`| ${target} | ${label} | ${escapeMarkdown(truncate(describeObject(ref), MAX_NAME_CHARS))} | ${escapeMarkdown(truncate(ref.apiVersion, MAX_NAME_CHARS))} |`);
      }
      if (rows.length > before) touched++;
    }
    const deleted = input.targetDiffs.filter((d) => d.prunes).reduce((n, d) => n + d.removed.length, 0);
    if (deleted > 0) {
      // Pruning deletes: say so above the fold, not only in a collapsed table row.
      sections.push({
        open: `> [!CAUTION]\n> ${plural(deleted, 'object')} this change stops rendering will be **deleted from the cluster** when it merges (Flux \`prune: true\`, Argo CD automated pruning, or a Helm upgrade): see the rendered-object changes below.\n\n`,
        rows: [],
        close: '',
        what: 'deletions'
      });
    }
    sections.push({
      open:
        `<details><summary>Rendered objects: ${totals.added} added, ${totals.changed} changed, ${totals.removed} removed between base and head` +
        ` (${plural(touched, 'target')})</summary>\n\n` +
        (rows.length > 0 ? '| Target | Change | Object | API version |\n| :-- | :-- | :-- | :-- |\n' : 'No rendered object differs between base and head.\n'),
      rows,
      close: '\n</details>\n',
      what: 'rendered-object changes'
    });
  }

  const headText = `${head.join('\n')}\n`;
  const full = headText + sections.map((s) => s.open + s.rows.map((r) => `${r}\n`).join('') + s.close).join('');
  if (bytes(full) <= maxBytes) return full;

  // Over budget: keep the header and every section's frame, then rows in order (new findings first).
  const topNote = (omitted: number): string =>
    `> [!WARNING]\n> This summary was trimmed to stay under GitHub's 1 MiB step-summary limit: ${omitted} rows are not shown.\n\n`;
  let remaining =
    maxBytes - bytes(headText) - bytes(topNote(Number.MAX_SAFE_INTEGER)) - sections.reduce((n, s) => n + bytes(s.open) + bytes(s.close) + NOTE_RESERVE, 0);
  let omitted = 0;
  const parts = sections.map((s) => {
    const kept: string[] = [];
    for (const r of s.rows) {
      const size = bytes(r) + 1;
      if (size > remaining) break;
      kept.push(r);
      remaining -= size;
    }
    omitted += s.rows.length - kept.length;
    const note = kept.length < s.rows.length ? trimNote(kept.length, s.rows.length, s.what) : '';
    return s.open + kept.map((r) => `${r}\n`).join('') + note + s.close;
  });
  const out = headText + topNote(omitted) + parts.join('');
  return bytes(out) <= maxBytes ? out : cutToBytes(out, maxBytes);
}

/** Last resort (a budget smaller than the frame): cut at a line boundary within the budget. */
function cutToBytes(text: string, maxBytes: number): string {
  const note = '\n_Summary cut to stay under the size limit._\n';
  const buf = Buffer.from(text, 'utf8').subarray(0, Math.max(0, maxBytes - bytes(note)));
  const cut = buf.toString('utf8');
  const lastNewline = cut.lastIndexOf('\n');
  return (lastNewline > 0 ? cut.slice(0, lastNewline + 1) : '') + (bytes(note) <= maxBytes ? note : '');
}
