/**
 * Reads rule files (built-in from the package's rules/, custom ones from the repository) and validates each
 * against schemas/rule.schema.json, its template's existence and its CEL syntax. Errors name the file and key.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { describeSchemaErrors } from '../util/schema-errors.js';
import addFormatsModule from 'ajv-formats';
import { parseYaml } from '../objects/yaml-source.js';
import type { RepoFiles } from '../repo/files.js';
import { packageFile } from '../util/package-root.js';
import { ANALYZERS } from '../analyze/relations/index.js';
import { compileCel } from './cel.js';
import { CHECK_TEMPLATES } from './templates/index.js';
import { validateTemplateParams } from './templates/generic.js';
import type { RuleDefinition } from './types.js';

/** A rule or config file that cannot be used; the message names the file and the key. */
export class DefinitionError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DefinitionError';
  }
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
let validator: ReturnType<Ajv['compile']> | undefined;

function validateRuleShape(value: unknown): ErrorObject[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(packageFile('schemas', 'rule.schema.json'), 'utf8')));
  }
  return validator(value) ? [] : (validator.errors ?? []);
}

export function parseRule(text: string, source: string): RuleDefinition {
  const { documents, errors } = parseYaml(text, source);
  if (errors.length > 0) throw new DefinitionError(source, errors[0].reason);
  const value = documents[0]?.value;
  const problems = describeSchemaErrors(validateRuleShape(value));
  if (problems.length > 0) throw new DefinitionError(source, problems.join('; '));
  const raw = value as Omit<RuleDefinition, 'source' | 'tags' | 'references'> & Partial<Pick<RuleDefinition, 'tags' | 'references'>>;
  const rule: RuleDefinition = { ...raw, tags: raw.tags ?? [], references: raw.references ?? {}, source };
  if (!rule.tags.includes('security')) rule.tags = ['security', ...rule.tags];
  if ('template' in rule.check) {
    if (!CHECK_TEMPLATES.has(rule.check.template)) {
      throw new DefinitionError(source, `check.template "${rule.check.template}" is not a known template (known: ${[...CHECK_TEMPLATES.keys()].sort().join(', ')})`);
    }
    try {
      validateTemplateParams(rule.check.template, rule.check.params, source);
    } catch (err) {
      throw new DefinitionError(source, `check.params: ${(err as Error).message.replace(`${source}: `, '')}`);
    }
  } else if ('analyzer' in rule.check) {
    const analyzer = ANALYZERS.get(rule.check.analyzer);
    if (!analyzer) throw new DefinitionError(source, `check.analyzer "${rule.check.analyzer}" is not a known analyzer (known: ${[...ANALYZERS.keys()].sort().join(', ')})`);
    try {
      analyzer.validate(rule.check.params ?? {});
    } catch (err) {
      throw new DefinitionError(source, `check.params: ${(err as Error).message}`);
    }
    for (const [kind, examples] of Object.entries(rule.examples)) {
      if (!examples.every((e) => Array.isArray(e.set))) throw new DefinitionError(source, `examples.${kind}: an analyzer's examples are sets of objects, written { set: [...] }`);
    }
  } else {
    try {
      compileCel(rule.check.cel, source);
    } catch (err) {
      throw new DefinitionError(source, `check.cel does not compile: ${(err as Error).message}`);
    }
  }
  return rule;
}

let builtin: RuleDefinition[] | undefined;

/** The rules shipped with gitops-gate, sorted by id. */
export function loadBuiltinRules(): RuleDefinition[] {
  if (builtin) return builtin;
  const dir = packageFile('rules');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const rules = files.map((f) => parseRule(readFileSync(path.join(dir, f), 'utf8'), `rules/${f}`));
  return (builtin = checkUnique(rules).sort((a, b) => a.id.localeCompare(b.id)));
}

/** Rules the organisation keeps in its repository (a folder of rule files, or one file). */
export function loadCustomRules(repo: RepoFiles, paths: string[]): RuleDefinition[] {
  const rules: RuleDefinition[] = [];
  for (const p of paths) {
    const files = repo.isDirectory(p) ? repo.walk(p).filter((f) => /\.ya?ml$/.test(f)) : [p];
    for (const file of files) rules.push(parseRule(repo.readText(file), file));
  }
  return rules;
}

function checkUnique(rules: RuleDefinition[]): RuleDefinition[] {
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) throw new DefinitionError(rule.source, `rule id "${rule.id}" is already used by ${other}`);
    seen.set(rule.id, rule.source);
  }
  return rules;
}

/** Built-in plus custom rules; a custom rule may not reuse a built-in id. */
export function combineRules(builtinRules: RuleDefinition[], custom: RuleDefinition[]): RuleDefinition[] {
  return checkUnique([...builtinRules, ...custom]);
}
