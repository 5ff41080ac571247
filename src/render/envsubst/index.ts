/**
 * Flux's envsubst — the `${var}` substitution of kustomize-controller's `spec.postBuild.substitute` — ported
 * from fluxcd/pkg envsubst (Apache-2.0, The Flux authors; forked from drone/envsubst, MIT, drone.io).
 *
 *   envsubst(input, lookup)        the substituted text; throws EnvsubstError where Go's Eval returns an error
 *   envsubstBytes(input, lookup)   the same as the bytes Go returns (which can be invalid UTF-8, see below)
 *   envsubstReferences(input)      every `${…}` (nested ones too) with its name and span in the input
 *
 * kustomize-controller calls Eval with a lookup returning (value, true) for every name (an unknown one is '')
 * unless `substitution: strict`, where an unknown name returns found=false and fails unless a default is given.
 *
 * Syntax (see parse.ts, funcs.ts): only `${…}` substitutes, `$var` stays as is and `$$` is `$` (so `$${v}` is
 * `${v}`). `${v}`, `${#v}`, `${v^}`, `${v^^}`, `${v,}`, `${v,,}`, `${v:n}`, `${v:n:len}`, `${v#p}`, `${v##p}`,
 * `${v%p}`, `${v%%p}`, `${v=d}`, `${v:=d}`, `${v:-d}`, `${v:?d}`, `${v:+d}` (the last five all mean "d when v
 * is empty"), `${v/p/r}`, `${v//p/r}`, `${v/#p/r}`, `${v/%p/r}`; defaults nest (`${a:-x${b}y}`). `${v-d}`,
 * `${v+d}` fail (`missing closing brace`). Go strings are bytes: lengths and offsets count UTF-8 bytes, so a
 * substring can split a character; envsubst() decodes such bytes as U+FFFD, where Flux would fail to read the
 * resulting YAML.
 *
 * Beyond upstream: expressions nested thousands deep exceed the JavaScript stack and fail with kind 'limit'.
 */
import { EnvsubstError } from './errors.js';
import { execute, type Lookup } from './eval.js';
import { parse, type Node } from './parse.js';

export { EnvsubstError, type EnvsubstErrorKind } from './errors.js';
export type { Lookup } from './eval.js';

/** A `${…}` expression: the variable it reads and its span [start, end) in the input, in string indices. */
export interface EnvsubstReference {
  name: string;
  start: number;
  end: number;
}

/** The input with every `${…}` substituted, as kustomize-controller's postBuild does. */
export function envsubst(input: string, lookup: Lookup): string {
  return envsubstBytes(input, lookup).toString('utf8');
}

/** The substituted input as the bytes Go's envsubst.Eval returns for the UTF-8 input. */
export function envsubstBytes(input: string, lookup: Lookup): Buffer {
  return withStackLimit(() => execute(parse(Buffer.from(input, 'utf8')), lookup));
}

/**
 * Every `${…}` of the input in order of its start, nested ones (a default's `${b}` in `${a:-${b}}`) after the
 * one holding them; an escaped `$${v}` is text, not a reference. Throws EnvsubstError when the input does not
 * parse (envsubst would throw too).
 */
export function envsubstReferences(input: string): EnvsubstReference[] {
  const root = withStackLimit(() => parse(Buffer.from(input, 'utf8')));
  const found: { name: string; start: number; end: number }[] = [];
  const visit = (node: Node): void => {
    if (node.kind === 'list') node.nodes.forEach(visit);
    else if (node.kind === 'func') {
      found.push({ name: node.param, start: node.start, end: node.end });
      node.args.forEach(visit);
    }
  };
  // Lists nest to the right: flatten them without deep recursion.
  for (let node: Node | undefined = root; node; ) {
    if (node.kind === 'list') {
      visit(node.nodes[0]);
      node = node.nodes[1];
    } else {
      visit(node);
      node = undefined;
    }
  }
  const toIndex = byteToStringIndex(input, found.flatMap((r) => [r.start, r.end]));
  return found.map((r) => ({ name: r.name, start: toIndex(r.start), end: toIndex(r.end) }));
}

/** Maps UTF-8 byte offsets of `input` (at character boundaries) to string indices, in one pass. */
function byteToStringIndex(input: string, offsets: number[]): (offset: number) => number {
  const wanted = [...new Set(offsets)].sort((a, b) => a - b);
  const index = new Map<number, number>();
  let bytes = 0;
  let i = 0;
  for (const offset of wanted) {
    while (bytes < offset && i < input.length) {
      const cp = input.codePointAt(i) ?? 0;
      bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      i += cp >= 0x10000 ? 2 : 1;
    }
    index.set(offset, i);
  }
  return (offset) => index.get(offset) ?? offset;
}

/** Runs f, turning a JavaScript stack overflow (input nested thousands deep) into an EnvsubstError. */
function withStackLimit<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (isStackOverflow(err)) {
      throw new EnvsubstError('expression nested too deeply', 'limit');
    }
    throw err;
  }
}

/** By name: under a vm context (jest) the engine's RangeError belongs to another realm. */
function isStackOverflow(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { name, message } = err as { name?: unknown; message?: unknown };
  return name === 'RangeError' && typeof message === 'string' && /call stack/i.test(message);
}
