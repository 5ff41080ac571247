/**
 * Evaluation of an envsubst tree, a port of fluxcd/pkg envsubst/template.go `Execute` (Apache-2.0, The Flux
 * authors; forked from drone/envsubst, MIT, drone.io). Text is written as is; a function first evaluates all its
 * arguments (so every `${…}` nested in a default is looked up, and can fail in strict mode, even when the
 * default is not used), then looks its variable up. A variable the lookup reports as not found fails
 * (`variable not set (strict mode): "name"`) unless the operator supplies a default (`=`, `:=`, `:-`, `:?`,
 * `:+`; `-`, `+`, `?` too, though they never parse).
 */
import { ERR_VAR_NOT_SET, EnvsubstError } from './errors.js';
import { lookupFunc } from './funcs.js';
import type { FuncNode, Node } from './parse.js';

/** The mapping Eval is called with: kustomize-controller returns found=false only in strict mode. */
export type Lookup = (name: string) => { value: string; found: boolean };

/** Evaluates the tree to the bytes Go would return. */
export function execute(root: Node, lookup: Lookup): Buffer {
  const out: Uint8Array[] = [];
  evalNode(root, out, lookup);
  return Buffer.concat(out);
}

function evalNode(node: Node, out: Uint8Array[], lookup: Lookup): void {
  // Lists nest to the right, one level per node of the input: walk them without recursing.
  while (node.kind === 'list') {
    for (const n of node.nodes.slice(0, -1)) evalNode(n, out, lookup);
    node = node.nodes[node.nodes.length - 1];
  }
  if (node.kind === 'text') out.push(node.value);
  else out.push(evalFunc(node, lookup));
}

function evalFunc(node: FuncNode, lookup: Lookup): Buffer {
  const args = node.args.map((arg) => {
    const parts: Uint8Array[] = [];
    evalNode(arg, parts, lookup);
    return Buffer.concat(parts);
  });
  const { value, found } = lookup(node.param);
  if (!found && !isDefaultOp(node.name)) {
    // Go's %q of a name made of letters, digits and underscores: nothing to escape.
    throw new EnvsubstError(`${ERR_VAR_NOT_SET}: "${node.param}"`, 'unset', node.param);
  }
  return lookupFunc(node.name, args.length)(Buffer.from(value, 'utf8'), args);
}

/** The operators that tolerate an unset variable and supply their own fallback. */
function isDefaultOp(name: string): boolean {
  return ['-', '+', '=', '?', ':-', ':+', ':=', ':?'].includes(name);
}
