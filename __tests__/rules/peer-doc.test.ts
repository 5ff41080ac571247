/** The peer comparison's data: every rule it names exists, "none" names no rule, and the page renders each peer. */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { DIAGNOSTIC_RULES } from '../../src/report/diagnostic-rules.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { checkPeerCatalog, renderPeerComparison, type PeerCatalog } from '../../src/rules/peer-doc.js';

const rules = loadBuiltinRules();
const ids = new Set([...rules.map((r) => r.id), ...DIAGNOSTIC_RULES.map((r) => r.id)]);
const catalogs = readdirSync('docs/peers').map((f) => JSON.parse(readFileSync(`docs/peers/${f}`, 'utf8')) as PeerCatalog);

describe('docs/peers', () => {
  test.each(catalogs.map((c) => [c.peer, c] as const))('%s names existing rules only', (_peer, catalog) => {
    expect(() => checkPeerCatalog(catalog, ids)).not.toThrow();
    expect(catalog.checks.length).toBeGreaterThan(40);
    expect(catalog.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  test('a renamed rule or an inconsistent entry breaks the build', () => {
    const check = { id: 'x', title: 'x', security: true, what: 'x', ours: ['no-such-rule'], match: 'partial' as const, note: '' };
    expect(() => checkPeerCatalog({ peer: 'p', repo: 'o/p', commit: 'c', checks: [check] }, ids)).toThrow('x names unknown rule(s) no-such-rule');
    expect(() => checkPeerCatalog({ peer: 'p', repo: 'o/p', commit: 'c', checks: [{ ...check, ours: ['pss-privileged'], match: 'none' }] }, ids)).toThrow('"none" with 1 rule(s)');
  });

  test('the page has a section per peer and a row per rule', () => {
    const page = renderPeerComparison(rules, catalogs);
    for (const c of catalogs) expect(page).toContain(`## ${c.peer}`);
    for (const r of rules) expect(page).toContain(`| [\`${r.id}\`](rules.md#${r.id}) |`);
  });
});
