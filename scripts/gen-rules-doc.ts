/**
 * `npm run docs`: writes docs/rules.md and the rules table in README.md from the rule files, and
 * docs/peer-comparison.md from them and docs/peers/*.json. CI fails when the committed files differ from what this
 * writes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderRulesDoc, renderRulesTable } from '../src/rules/doc.js';
import { loadBuiltinRules } from '../src/rules/load.js';
import { renderPeerComparison, type PeerCatalog } from '../src/rules/peer-doc.js';

const rules = loadBuiltinRules();
writeFileSync('docs/rules.md', renderRulesDoc(rules));

const readme = readFileSync('README.md', 'utf8');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} section`);
writeFileSync('README.md', `${readme.slice(0, from + start.length)}\n${renderRulesTable(rules, 'docs/rules.md')}\n${readme.slice(to)}`);
const PEER_ORDER = ['kube-linter', 'polaris', 'checkov', 'kubescape'];
const catalogs = readdirSync('docs/peers')
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(`docs/peers/${f}`, 'utf8')) as PeerCatalog)
  .sort((a, b) => PEER_ORDER.indexOf(a.peer) - PEER_ORDER.indexOf(b.peer));
writeFileSync('docs/peer-comparison.md', renderPeerComparison(rules, catalogs));
console.log(`wrote docs/rules.md, the README rules table (${rules.length} rules) and docs/peer-comparison.md (${catalogs.length} peers)`);
