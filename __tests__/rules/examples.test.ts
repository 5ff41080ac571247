/** Every rule's own examples: each `pass` object yields no violation, each `fail` object at least one. */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { runRule, runSetRule } from '../../src/analyze/engine.js';
import { makeObject } from '../../src/objects/manifests.js';
import { objectRefOf } from '../../src/objects/types.js';
import { DefinitionError, loadBuiltinRules, parseRule } from '../../src/rules/load.js';
import type { CheckSettings, RuleDefinition } from '../../src/rules/types.js';

// image-registry-not-allowed's examples assume this images.allow (its rationale says so).
const settings: CheckSettings = { pss: { level: 'restricted', minor: 37 }, kubeMinor: 35, imagesAllow: ['ghcr.io/acme/**', 'docker.io/library/*'] };
const rules = loadBuiltinRules();

function asObject(body: Record<string, unknown>) {
  return { ...objectRefOf(body), body };
}

test('every file under rules/ is loaded', () => {
  const files = readdirSync('rules').filter((f) => /\.ya?ml$/.test(f));
  expect(rules).toHaveLength(files.length);
  expect(rules.length).toBeGreaterThanOrEqual(17);
});

/** A rule's violations in one example: an object, or for an analyzer the set `{ set: [...] }` rendered together. */
function violationsOf(rule: RuleDefinition, example: Record<string, unknown>) {
  if (!('analyzer' in rule.check)) return runRule(rule, asObject(example), settings);
  const objects = (example.set as Record<string, unknown>[]).map((body) => makeObject(body, 'example', { locate: (p) => ({ location: { file: 'example.yaml', line: 1 }, related: [], foundPath: p }) }));
  return runSetRule(rule, objects);
}

describe.each(rules.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
  test.each(rule.examples.pass.map((example, i) => [i, example] as const))('pass example %i has no violation', (_i, example) => {
    expect(violationsOf(rule, example)).toEqual([]);
  });
  test.each(rule.examples.fail.map((example, i) => [i, example] as const))('fail example %i is caught', (_i, example) => {
    const violations = violationsOf(rule, example);
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) expect(v.message.length).toBeGreaterThan(0);
  });
});

describe('rule files are validated', () => {
  const valid = readFileSync('rules/pss-privileged.yaml', 'utf8');

  test('an unknown key names the file and the key', () => {
    expect(() => parseRule(`${valid}\nseverityy: high\n`, 'custom/rule.yaml')).toThrow(new DefinitionError('custom/rule.yaml', 'unknown key "severityy" at (top level)'));
  });

  test('an unknown template is refused with the known ones listed', () => {
    expect(() => parseRule(valid.replace('template: pss', 'template: nope'), 'custom/rule.yaml')).toThrow(/check\.template "nope" is not a known template \(known: .*pss/);
  });

  test('PSS rules carry the level and upstream check tags', () => {
    for (const rule of rules.filter((r) => r.references.pss)) {
      expect(rule.tags).toContain('security');
      expect(rule.tags).toContain(`pss:${rule.references.pss!.level}`);
      expect(rule.tags).toContain(`pss:${rule.references.pss!.check}`);
    }
    const checks = JSON.parse(readFileSync('../shared/conformance/psa/checks.json', 'utf8')).checks as { id: string }[];
    expect(new Set(rules.filter((r) => r.references.pss).map((r) => r.references.pss!.check))).toEqual(new Set(checks.map((c) => c.id)));
  });
});

test('a template parameter the template does not know is refused when the rule is loaded', () => {
  const valid = readFileSync('rules/read-only-root-filesystem.yaml', 'utf8');
  expect(() => parseRule(valid.replace(/params:\n/, 'params:\n    bogus: 1\n'), 'custom/ro.yaml')).toThrow(/custom\/ro\.yaml: check\.params: .*bogus/);
});
