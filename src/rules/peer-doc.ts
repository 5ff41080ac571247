/**
 * The catalog comparison (docs/peer-comparison.md), generated from docs/peers/*.json: every check of kube-linter,
 * Polaris, checkov and kubescape, whether it is about security, and which of our rules cover it (equivalent,
 * partial, none) with why; then each of our rules with the peer checks it covers and its CIS, NSA/CISA and MITRE
 * ATT&CK references.
 */
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import type { RuleDefinition } from './types.js';

export type Coverage = 'equivalent' | 'partial' | 'none';

export interface PeerCheck {
  id: string;
  title: string;
  security: boolean;
  /** What the check flags, in one line. */
  what: string;
  /** Our rules that cover it. */
  ours: string[];
  match: Coverage;
  note: string;
}

export interface PeerCatalog {
  peer: string;
  repo: string;
  /** The commit the catalog was read at. */
  commit: string;
  checks: PeerCheck[];
  /** Checks left out of the comparison, with the reason (checkov's control-plane flags). */
  skipped?: { count: number; reason: string };
}

/** Throws when a catalog names a rule that does not exist, or says "none" while naming rules. */
export function checkPeerCatalog(catalog: PeerCatalog, ruleIds: ReadonlySet<string>): void {
  for (const c of catalog.checks) {
    const unknown = c.ours.filter((id) => !ruleIds.has(id));
    if (unknown.length > 0) throw new Error(`docs/peers/${catalog.peer}.json: ${c.id} names unknown rule(s) ${unknown.join(', ')}`);
    if ((c.match === 'none') !== (c.ours.length === 0)) throw new Error(`docs/peers/${catalog.peer}.json: ${c.id} is "${c.match}" with ${c.ours.length} rule(s)`);
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
const MARK: Readonly<Record<Coverage, string>> = { equivalent: '✔ equivalent', partial: '◐ partial', none: '✘ none' };

function counts(checks: readonly PeerCheck[]): Record<Coverage, number> {
  return { equivalent: checks.filter((c) => c.match === 'equivalent').length, partial: checks.filter((c) => c.match === 'partial').length, none: checks.filter((c) => c.match === 'none').length };
}

export function renderPeerComparison(rules: readonly RuleDefinition[], catalogs: readonly PeerCatalog[]): string {
  const ruleIds = new Set([...rules.map((r) => r.id), ...DIAGNOSTIC_RULES.map((r) => r.id)]);
  for (const catalog of catalogs) checkPeerCatalog(catalog, ruleIds);
  const out: string[] = [
    '# The rule catalog compared with kube-linter, Polaris, checkov and kubescape',
    '',
    '<!-- Generated from docs/peers/*.json and rules/*.yaml by `npm run docs`; do not edit by hand. -->',
    '',
    "Every check of each peer, read from its source at the commit named, and the gitops-gate rules that cover it: ",
    '**equivalent** (the same condition on the same kinds), **partial** (overlapping, narrower or broader: the note says how) ',
    'or **none**. Only checks about security count towards coverage; the others are listed for completeness.',
    '',
    '| peer | commit | checks | security checks | equivalent | partial | none |',
    '|---|---|---|---|---|---|---|'
  ];
  for (const catalog of catalogs) {
    const security = catalog.checks.filter((c) => c.security);
    const n = counts(security);
    out.push(`| [${catalog.peer}](#${catalog.peer}) | [\`${catalog.commit.slice(0, 8)}\`](https://github.com/${catalog.repo}/tree/${catalog.commit}) | ${catalog.checks.length} | ${security.length} | ${n.equivalent} | ${n.partial} | ${n.none} |`);
  }
  for (const catalog of catalogs) {
    out.push('', `## ${catalog.peer}`, '', `[${catalog.repo}](https://github.com/${catalog.repo}) at \`${catalog.commit}\`.`);
    if (catalog.skipped) out.push('', `Not compared: ${catalog.skipped.count} checks. ${cell(catalog.skipped.reason)}`);
    for (const [heading, checks] of [['Security checks', catalog.checks.filter((c) => c.security)], ['Other checks', catalog.checks.filter((c) => !c.security)]] as const) {
      if (checks.length === 0) continue;
      out.push('', `### ${heading}`, '', '| check | what it flags | gitops-gate | rules | note |', '|---|---|---|---|---|');
      for (const c of checks) {
        const ours = c.ours.map((id) => `[\`${id}\`](rules.md#${id})`).join(', ');
        out.push(`| \`${cell(c.id)}\` | ${cell(c.what || c.title)} | ${MARK[c.match]} | ${ours} | ${cell(c.note)} |`);
      }
    }
  }
  out.push('', '## Each rule, its frameworks and the peer checks it covers', '', '| rule | CIS | NSA/CISA | MITRE ATT&CK | peer checks |', '|---|---|---|---|---|');
  for (const rule of rules) {
    const covered = catalogs.flatMap((catalog) => catalog.checks.filter((c) => c.ours.includes(rule.id)).map((c) => `${catalog.peer} \`${cell(c.id)}\`${c.match === 'partial' ? ' (partial)' : ''}`));
    const { cis, nsa, mitre } = rule.references;
    out.push(`| [\`${rule.id}\`](rules.md#${rule.id}) | ${(cis ?? []).join(', ')} | ${cell((nsa ?? []).join('; '))} | ${(mitre ?? []).join(', ')} | ${covered.join(', ')} |`);
  }
  return `${out.join('\n')}\n`;
}
