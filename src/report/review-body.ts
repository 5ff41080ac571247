/**
 * The body of the one review a run posts: counts, then — collapsed — the new findings that could not be inline
 * comments (not on a line the pull request adds, or over the per-run comment limit), and the findings fixed since
 * the last run. It carries a hidden marker with the fingerprints it reports, so a re-run does not repeat them.
 */
import type { Finding } from '../analyze/types.js';
import { describeObject } from '../objects/types.js';
import { compareBySeverity, plural, truncate, type RuleMeta } from './common.js';
import { encodePath, escapeMarkdown, inlineCode, markdownLink } from './markdown.js';
import { MAX_COMMENT_CHARS, SEVERITY_BADGE } from './review-comment.js';

export const REVIEW_MARKER = '<!-- gitops-gate:review -->';
const REPORTED_PREFIX = '<!-- gitops-gate:reported=';

/** Fingerprints a previous review body reported. */
export function reportedIn(body: string): string[] {
  const m = /<!-- gitops-gate:reported=([A-Za-z0-9:._/+=,-]*) -->/.exec(body);
  return m ? m[1].split(',').filter((s) => s !== '') : [];
}

export interface ReviewBodyInput {
  /** Inline comments this review posts, and findings they cover. */
  commentsPosted: number;
  findingsCommented: number;
  /** New findings already commented by an earlier run. */
  alreadyCommented: number;
  /** New findings on diff lines left out by the comment limit. */
  overflow: readonly Finding[];
  maxComments: number;
  /** New findings not on a line the pull request adds. */
  offDiff: readonly Finding[];
  /** Findings of earlier comments that are gone now. */
  fixed: number;
  /** Blocking findings of the run (the gate's verdict). */
  blocking: number;
  rules?: readonly RuleMeta[];
  /** `https://github.com/o/r/blob/<sha>/`: locations link here. */
  linkBase?: string;
  /** Fingerprints to record as reported (off-diff and overflow findings). */
  reported: readonly string[];
  /** Character budget; GitHub's limit is 65,536. */
  maxChars?: number;
}

function row(f: Finding, rules: Map<string, RuleMeta>, linkBase: string | undefined): string {
  const rule = rules.get(f.ruleId);
  const where = `${f.location.file}:${f.location.line}`;
  const whereCell = linkBase ? markdownLink(where, `${linkBase}${encodePath(f.location.file)}#L${f.location.line}`) : escapeMarkdown(where);
  const object = f.object ? escapeMarkdown(truncate(describeObject(f.object), 150)) : '—';
  const ruleCell = `${inlineCode(f.ruleId, { inTable: true })}${rule ? ` ${escapeMarkdown(truncate(rule.title, 120))}` : ''}`;
  return `| ${SEVERITY_BADGE[f.severity]} | ${ruleCell} | ${object} | ${whereCell} | ${escapeMarkdown(truncate(f.message, 300))} |`;
}

function table(title: string, findings: readonly Finding[], rules: Map<string, RuleMeta>, linkBase: string | undefined, budget: number): string {
  const open = `<details><summary>${title}</summary>\n\n| Severity | Rule | Object | Location | Message |\n| :-- | :-- | :-- | :-- | :-- |\n`;
  const close = '\n</details>\n';
  let used = open.length + close.length + 200;
  const rows: string[] = [];
  const sorted = [...findings].sort(compareBySeverity);
  for (const f of sorted) {
    const r = row(f, rules, linkBase);
    if (used + r.length + 1 > budget) break;
    rows.push(r);
    used += r.length + 1;
  }
  const note = rows.length < sorted.length ? `\n_${sorted.length - rows.length} more are listed in the job summary and the SARIF report._\n` : '';
  return open + rows.map((r) => `${r}\n`).join('') + note + close;
}

export function buildReviewBody(input: ReviewBodyInput): string {
  const maxChars = Math.min(input.maxChars ?? MAX_COMMENT_CHARS, MAX_COMMENT_CHARS);
  const rules = new Map((input.rules ?? []).map((r) => [r.id, r]));
  const head: string[] = [];
  head.push(input.blocking > 0 ? `### ✖ gitops-gate: ${plural(input.blocking, 'blocking finding')}` : '### ✔ gitops-gate: no blocking findings', '');
  const lines: string[] = [];
  if (input.commentsPosted > 0) lines.push(`- ${plural(input.commentsPosted, 'inline comment')} on the lines this pull request changes (${plural(input.findingsCommented, 'finding')}).`);
  if (input.alreadyCommented > 0) lines.push(`- ${plural(input.alreadyCommented, 'finding')} already commented on by an earlier run.`);
  if (input.overflow.length > 0) {
    lines.push(`- ${plural(input.overflow.length, 'finding')} on changed lines not commented inline: at most ${input.maxComments} comments are posted per run (\`max-comments\`).`);
  }
  if (input.offDiff.length > 0) lines.push(`- ${plural(input.offDiff.length, 'new finding')} not on a line this pull request adds (a shared base, a chart default, another file the change reaches).`);
  if (input.fixed > 0) lines.push(`- ${plural(input.fixed, 'earlier comment')} resolved: the findings are gone.`);
  head.push(...lines, '', 'The job summary of this run lists every finding.', '');
  // The marker is capped so that it never crowds out the text; fingerprints past the cap may be reported again.
  let reported = '';
  for (const fp of input.reported.map((x) => x.replace(/[^A-Za-z0-9:._/+=-]/g, ''))) {
    if (reported.length + fp.length + 1 > Math.min(20_000, maxChars / 3)) break;
    reported += reported ? `,${fp}` : fp;
  }
  const tail = `\n${REVIEW_MARKER}\n${REPORTED_PREFIX}${reported} -->\n`;
  const headText = head.join('\n');
  let remaining = maxChars - headText.length - tail.length;
  const sections: string[] = [];
  const parts: [string, readonly Finding[]][] = [
    [`Not commented inline: over the limit of ${input.maxComments} comments (${input.overflow.length})`, input.overflow],
    [`New findings not on lines of this diff (${input.offDiff.length})`, input.offDiff]
  ];
  for (const [title, findings] of parts) {
    if (findings.length === 0 || remaining < 600) continue;
    const text = table(title, findings, rules, input.linkBase, Math.floor(remaining / (sections.length === 0 && input.offDiff.length > 0 && input.overflow.length > 0 ? 2 : 1)));
    sections.push(text);
    remaining -= text.length;
  }
  return `${headText}\n${sections.join('\n')}${tail}`;
}
