/**
 * `npm run docs`: writes docs/rules.md and the rules table in README.md from the rule files.
 * CI fails when the committed files differ from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderRulesDoc, renderRulesTable } from '../src/rules/doc.js';
import { loadBuiltinRules } from '../src/rules/load.js';

const rules = loadBuiltinRules();
writeFileSync('docs/rules.md', renderRulesDoc(rules));

const readme = readFileSync('README.md', 'utf8');
const start = '<!-- rules:start -->';
const end = '<!-- rules:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} section`);
writeFileSync('README.md', `${readme.slice(0, from + start.length)}\n${renderRulesTable(rules, 'docs/rules.md')}\n${readme.slice(to)}`);
console.log(`wrote docs/rules.md and the README rules table (${rules.length} rules)`);
