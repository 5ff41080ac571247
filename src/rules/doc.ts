/** The rules reference (docs/rules.md), generated from the rule files. */
import { stringify } from 'yaml';
import { DIAGNOSTIC_RULES } from '../report/diagnostic-rules.js';
import type { RuleDefinition } from './types.js';

function referencesOf(rule: RuleDefinition): string[] {
  const refs: string[] = [];
  const { pss, cis, nsa, mitre, docs } = rule.references;
  if (pss) refs.push(`Pod Security Standards, ${pss.level}: \`${pss.check}\``);
  if (cis?.length) refs.push(`CIS Kubernetes Benchmark ${cis.join(', ')}`);
  if (nsa?.length) refs.push(`NSA/CISA Kubernetes Hardening Guide: ${nsa.join('; ')}`);
  if (mitre?.length) refs.push(`MITRE ATT&CK ${mitre.map((id) => `[${id}](https://attack.mitre.org/techniques/${id.replace('.', '/')}/)`).join(', ')}`);
  for (const url of docs ?? []) refs.push(`<${url}>`);
  return refs;
}

/** The table of rules: id (linked to its section in `docPath`), severity, category, title. */
export function renderRulesTable(rules: readonly RuleDefinition[], docPath = ''): string {
  return [
    '| id | severity | category | title |',
    '|---|---|---|---|',
    ...rules.map((r) => `| [\`${r.id}\`](${docPath}#${r.id}) | ${r.severity} | ${r.category} | ${r.title} |`)
  ].join('\n');
}

export function renderRulesDoc(rules: readonly RuleDefinition[]): string {
  const out: string[] = [
    '# Rules',
    '',
    '<!-- Generated from rules/*.yaml by `npm run docs`; do not edit by hand. -->',
    '',
    `${rules.length} built-in rules. Each is a file in [\`rules/\`](../rules); the examples shown are run as tests.`,
    'Severities can be changed and rules turned off in `.gitops-gate.yaml` (see the README).',
    '',
    renderRulesTable(rules),
    '',
    'Problems with the input itself (a file that cannot be read or rendered) are reported under these ids. All but',
    '`not-a-kubernetes-object` mean that something the scan selected could not be checked: they are high by default, so',
    'the default gate blocks (`rules.severity` can lower them), and the target they concern counts as not checked.',
    '',
    '| id | severity | title |',
    '|---|---|---|',
    ...DIAGNOSTIC_RULES.map((r) => `| \`${r.id}\` | ${r.severity} | ${r.title} |`),
    ''
  ];
  for (const rule of rules) {
    out.push(`## ${rule.id}`, '', `**${rule.title}** — severity **${rule.severity}** (security-severity ${rule.securitySeverity.toFixed(1)}), category \`${rule.category}\`, applies to ${rule.match.kinds.join(', ')}.`, '');
    out.push(`**Why it matters.** ${rule.rationale.trim()}`, '', `**How to fix.** ${rule.remediation.trim()}`, '');
    const refs = referencesOf(rule);
    if (refs.length) out.push('**References.**', '', ...refs.map((r) => `- ${r}`), '');
    out.push(`Tags: ${rule.tags.map((t) => `\`${t}\``).join(' ')}`, '');
    out.push('<details><summary>Check and examples</summary>', '', '```yaml', stringify({ check: rule.check }).trimEnd(), '```', '');
    out.push('Fails:', '', '```yaml', stringify(rule.examples.fail[0]).trimEnd(), '```', '', 'Passes:', '', '```yaml', stringify(rule.examples.pass[0]).trimEnd(), '```', '', '</details>', '');
  }
  return out.join('\n');
}
