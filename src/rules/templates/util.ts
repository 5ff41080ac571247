/** Shared pieces of the generic check templates: parameter reading, field paths, messages, containers. */
import type { Violation } from '../../analyze/types.js';
import { containersOf, podTemplateOf, type ContainerField, type ContainerRef } from '../../objects/podspec.js';
import { isRecord, type JsonPath } from '../../objects/types.js';
import type { CheckContext, CheckTemplate } from '../types.js';

/** A template whose parameters can be checked before any object is seen (when the rule is loaded). */
export interface GenericTemplate extends CheckTemplate {
  /** Throws an Error describing the first problem with `params`. */
  validate(params: Record<string, unknown>): void;
}

/** A bad `params` block of a rule; the loader prefixes the rule's source. */
export class TemplateParamsError extends Error {
  constructor(readonly template: string, message: string) {
    super(`template "${template}": ${message}`);
    this.name = 'TemplateParamsError';
  }
}

/** Reads and checks one template's params; every reader throws a TemplateParamsError naming the key. */
export class ParamReader {
  constructor(readonly template: string, readonly params: Record<string, unknown>) {}

  fail(message: string): never {
    throw new TemplateParamsError(this.template, message);
  }

  /** Rejects keys the template does not know, so a typo does not silently turn a check off. */
  only(keys: readonly string[]): this {
    for (const key of Object.keys(this.params)) {
      if (!keys.includes(key)) this.fail(`unknown parameter "${key}" (known: ${keys.join(', ')})`);
    }
    return this;
  }

  string(key: string): string | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') this.fail(`params.${key} must be a non-empty string`);
    return v;
  }

  requiredString(key: string): string {
    const v = this.string(key);
    if (v === undefined) this.fail(`params.${key} is required`);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') this.fail(`params.${key} must be true or false`);
    return v;
  }

  number(key: string): number | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`params.${key} must be a number`);
    return v;
  }

  stringList(key: string): string[] | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(`params.${key} must be a list of strings`);
    return v as string[];
  }

  list(key: string): unknown[] | undefined {
    const v = this.params[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(`params.${key} must be a list`);
    return v;
  }

  regex(key: string): RegExp | undefined {
    const source = this.string(key);
    if (source === undefined) return undefined;
    try {
      return new RegExp(source, 'i');
    } catch (err) {
      return this.fail(`params.${key} is not a valid regular expression: ${(err as Error).message}`);
    }
  }

  path(key: string): JsonPath | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    try {
      return parseFieldPath(text);
    } catch (err) {
      return this.fail(`params.${key}: ${(err as Error).message}`);
    }
  }

  requiredPath(key: string): JsonPath {
    const p = this.path(key);
    if (p === undefined) this.fail(`params.${key} is required`);
    return p;
  }

  containerFields(key = 'containerTypes'): ContainerField[] {
    const list = this.stringList(key);
    if (list === undefined) return ['containers', 'initContainers'];
    const known: readonly string[] = ['containers', 'initContainers', 'ephemeralContainers'];
    for (const f of list) if (!known.includes(f)) this.fail(`params.${key}: "${f}" is not one of ${known.join(', ')}`);
    return list as ContainerField[];
  }
}

/**
 * Builds a template from a params parser and a check. Params are parsed once per params object (rules are
 * loaded once and run on many objects), and `validate` lets the loader reject a rule before it runs.
 */
export function defineTemplate<P>(
  name: string,
  description: string,
  parse: (read: ParamReader) => P,
  check: (ctx: CheckContext, params: P) => Violation[]
): GenericTemplate {
  const cache = new WeakMap<Record<string, unknown>, P>();
  const parsed = (params: Record<string, unknown>): P => {
    const hit = cache.get(params);
    if (hit !== undefined) return hit;
    if (!isRecord(params)) throw new TemplateParamsError(name, 'params must be a mapping');
    const value = parse(new ParamReader(name, params));
    cache.set(params, value);
    return value;
  };
  return {
    name,
    description,
    validate: (params) => void parsed(params ?? {}),
    run: (ctx, params) => check(ctx, parsed(params ?? {}))
  };
}

/**
 * Parses a dotted field path as rules write it: `spec.template.spec`, `containers[0].image`,
 * `metadata.labels["app.kubernetes.io/name"]`. Numeric brackets are list indexes; bare segments are keys.
 */
export function parseFieldPath(text: string): JsonPath {
  const out: (string | number)[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`invalid field path "${text}": ${why} at offset ${i}`);
  };
  if (text.trim() === '') return out;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) fail('unclosed [');
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) out.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) out.push(JSON.parse(inner) as string);
      else if (/^'[^']*'$/.test(inner)) out.push(inner.slice(1, -1));
      else fail('expected a number or a quoted key inside [ ]');
      i = close + 1;
      if (i < text.length && text[i] === '.') {
        i++;
        if (i >= text.length) fail('trailing .');
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const seg = text.slice(i, j);
      if (seg === '') fail('empty segment');
      out.push(seg);
      i = j;
      if (i < text.length && text[i] === '.') {
        i++;
        if (i >= text.length) fail('trailing .');
      }
    }
  }
  return out;
}

/** Fills `{name}` placeholders; unknown placeholders stay as written. */
export function formatMessage(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? displayValue(vars[key]) : whole));
}

export function displayValue(value: unknown): string {
  if (value === undefined) return 'unset';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

export interface ScopedContainer extends ContainerRef {
  /** Path from the object root to the container. */
  fullPath: JsonPath;
}

/** The object's containers of the given kinds, with paths from the object root; none for kinds without pods. */
export function containersIn(ctx: CheckContext, fields: readonly ContainerField[]): ScopedContainer[] {
  const pod = podTemplateOf(ctx.object.kind, ctx.object.body);
  if (!pod) return [];
  return containersOf(pod.spec)
    .filter((c) => fields.includes(c.field))
    .map((c) => ({ ...c, fullPath: [...pod.podPath, 'spec', ...c.path] }));
}

/** `nginx` or `init container setup` or `ephemeral container debug`. */
export function containerLabel(c: ContainerRef): string {
  const name = c.name || `#${c.index}`;
  if (c.field === 'initContainers') return `init container ${name}`;
  if (c.field === 'ephemeralContainers') return `ephemeral container ${name}`;
  return `container ${name}`;
}

/** Variables every message may use. */
export function objectVars(ctx: CheckContext): Record<string, unknown> {
  return { kind: ctx.object.kind, name: ctx.object.name, namespace: ctx.object.namespace ?? '' };
}
