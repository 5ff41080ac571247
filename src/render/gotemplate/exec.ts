/**
 * Executor for Go text/template (port of text/template/exec.go), with provenance
 * recording and resource limits.
 */
import { TemplateError } from './errors.js';
import { formatValue, sprint } from './fmt.js';
import { goQuote } from './lexer.js';
import { RV, assignable, canBeNil, indirect, isEmptyInterfaceType } from './builtins.js';
import {
  ChainNode, CommandNode, FieldNode, IdentifierNode, ListNode, Node, NumberNode, PipeNode, RangeNode, TemplateNode,
  TreeInfo, VariableNode, lineOf
} from './parse/nodes.js';
import {
  CallContext, CallPosition, GoComplex, GoFuncSig, GoFuncValue, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, elemType, findMethod,
  isIntKind, keyType, kindOf, kindOfType, mapType, sortedMapEntries, truth, typeOf, zeroValue, isTrue
} from './values.js';
import { branchText, mapFragments, readsOf, unmappedSkipped, type Fragment, type MappedPiece, type ProvenanceCall, type SkippedBranch } from './provenance.js';

export type { ProvenanceCall, SkippedBranch } from './provenance.js';

export type MissingKeyMode = 'invalid' | 'zero' | 'error';

/** What the executor needs from a template (implemented by Template in template.ts). */
export interface ExecTemplate {
  readonly name: string;
  readonly root: ListNode | null;
  readonly info: TreeInfo | null;
  lookup(name: string): ExecTemplate | undefined;
  findFunc(name: string): { fn: GoFuncValue; builtin: boolean } | undefined;
  readonly missingKey: MissingKeyMode;
  /** Parse `text` as template `name` in a clone of this set (for CallContext.executeText). */
  cloneWithText(name: string, text: string): ExecTemplate;
  /** The public Template object (exposed to functions as CallContext.template). */
  readonly publicTemplate: unknown;
}

export interface ExecLimits {
  /** Maximum nesting of {{template}}/include calls (Go: 100000). */
  maxDepth?: number;
  /** Maximum output size in UTF-16 code units; exceeding raises TemplateError(kind 'limit'). */
  maxOutputLength?: number;
  /** Absolute deadline (ms since epoch, as Date.now()); exceeding raises TemplateError(kind 'limit'). */
  deadline?: number;
}

export interface ProvenanceSegment {
  /** Offsets into the output string: [start, end). */
  start: number;
  end: number;
  /** Name of the template that was executing (e.g. a {{define}} name or the file's template name). */
  template: string;
  /** Name given to the Parse call whose text contains the node (for Helm: the file). */
  source: string;
  /** 1-based line in `source` of the node that produced this output. */
  line: number;
  /** 'text' for literal template text, 'action' for the printed value of {{pipeline}}. */
  kind: 'text' | 'action';
  /** Set on an action whose evaluation called a function marked `volatile` (random values, the clock). */
  volatile?: true;
  /** The `template`/`include` calls this output was printed inside, outermost first (absent at the top level). */
  calls?: readonly ProvenanceCall[];
  /** On an action: the fields and variables its pipeline reads, as written (`.Values.image.tag`, `$.Values.x`). */
  reads?: readonly string[];
  /** `if`/`with` branches not taken just before this output (on the first segment with visible text after them). */
  skipped?: readonly SkippedBranch[];
}

export const DEFAULT_MAX_DEPTH = 100000;

const MISSING: unique symbol = Symbol('missing');
type Arg = GoValue | typeof MISSING;

const BREAK = { control: 'break' };
const CONTINUE = { control: 'continue' };

const DEFAULT_SIG: GoFuncSig = { params: ['interface {}'], variadic: true };

/** Output, budget and provenance shared across nested executions. */
class Shared {
  chunks: string[] = [];
  length = 0;
  steps = 0;
  /** Calls of functions marked `volatile` so far, nested executions included. */
  volatileCalls = 0;
  segments: ProvenanceSegment[] | null;
  /** Outputs of `include` calls during the action being evaluated (provenance only). */
  fragments: Fragment[] = [];
  /** Branches not taken since the last segment with visible text (provenance only). */
  pendingSkipped: SkippedBranch[] = [];
  constructor(
    readonly limits: Required<Pick<ExecLimits, 'maxDepth'>> & ExecLimits,
    provenance: boolean
  ) {
    this.segments = provenance ? [] : null;
  }
}

interface Variable {
  name: string;
  value: GoValue;
}

const NO_CALLS: readonly ProvenanceCall[] = [];

class State {
  node: Node | null = null;
  vars: Variable[];
  constructor(
    public tmpl: ExecTemplate,
    readonly shared: Shared,
    public depth: number,
    dot: GoValue,
    /** The calls this execution runs inside, outermost first (provenance). */
    readonly calls: readonly ProvenanceCall[] = NO_CALLS
  ) {
    this.vars = [{ name: '$', value: dot }];
  }

  // ---------------------------------------------------------------- errors

  errorf(msg: string, kind: 'exec' | 'limit' = 'exec'): never {
    const name = this.tmpl.name;
    if (!this.node) throw new TemplateError(`template: ${name}: ${msg}`, kind, name);
    const { location, context } = errorContext(this.node);
    throw new TemplateError(`template: ${location}: executing ${goQuote(name)} at <${context}>: ${msg}`, kind, name);
  }

  at(n: Node): void {
    this.node = n;
  }

  // ---------------------------------------------------------------- output

  write(s: string, node: Node, kind: 'text' | 'action', volatile = false, pieces: readonly MappedPiece[] = []): void {
    if (s.length === 0) return;
    const sh = this.shared;
    const max = sh.limits.maxOutputLength;
    if (max !== undefined && sh.length + s.length > max) {
      this.errorf(`output exceeds the limit of ${max} characters`, 'limit');
    }
    if (sh.segments) {
      const source = node.tree.parseName;
      const calls = this.calls.length > 0 ? { calls: this.calls } : {};
      if (kind === 'text' && s.includes('\n')) {
        // one segment per source line
        let line = lineOf(node.tree, node.pos);
        let start = 0;
        for (;;) {
          const nl = s.indexOf('\n', start);
          const end = nl < 0 ? s.length : nl + 1;
          if (end > start) this.pushSegment(s, { start, end, template: this.tmpl.name, source, line, kind, ...calls });
          if (nl < 0) break;
          start = end;
          line++;
        }
      } else {
        // An action's output, with the pieces that included templates wrote (offsets into `s`) as their own segments.
        const line = lineOf(node.tree, node.pos);
        const reads = node.type === 'action' ? readsOf(node) : [];
        const extra = { ...(volatile ? { volatile: true as const } : {}), ...(reads.length > 0 ? { reads } : {}), ...calls };
        const own = (start: number, end: number): ProvenanceSegment => ({ start, end, template: this.tmpl.name, source, line, kind, ...extra });
        let pos = 0;
        for (const p of pieces) {
          if (p.start > pos) this.pushSegment(s, own(pos, p.start));
          this.pushSegment(s, { ...p.segment, ...(volatile ? { volatile: true as const } : {}) });
          pos = p.end;
        }
        if (pos < s.length) this.pushSegment(s, own(pos, s.length));
      }
    }
    sh.chunks.push(s);
    sh.length += s.length;
  }

  /** Records a segment of `s` (offsets into `s`, moved to the output), with the branches skipped before it. */
  pushSegment(s: string, seg: ProvenanceSegment): void {
    const sh = this.shared;
    if (sh.pendingSkipped.length > 0 && s.slice(seg.start, seg.end).trim() !== '') {
      seg.skipped = seg.skipped ? [...sh.pendingSkipped, ...seg.skipped] : sh.pendingSkipped;
      sh.pendingSkipped = [];
    }
    seg.start += sh.length;
    seg.end += sh.length;
    sh.segments!.push(seg);
  }

  tick(): void {
    const sh = this.shared;
    if (sh.limits.deadline !== undefined && (++sh.steps & 255) === 0 && Date.now() > sh.limits.deadline) {
      this.errorf('execution deadline exceeded', 'limit');
    }
  }

  // ---------------------------------------------------------------- variables

  push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }

  mark(): number {
    return this.vars.length;
  }

  pop(mark: number): void {
    this.vars.length = mark;
  }

  setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  setTopVar(n: number, value: GoValue): void {
    this.vars[this.vars.length - n].value = value;
  }

  varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) return this.vars[i].value;
    }
    this.errorf(`undefined variable: ${name}`);
  }

  // ---------------------------------------------------------------- walk

  walk(dot: GoValue, node: Node): void {
    this.at(node);
    this.tick();
    switch (node.type) {
      case 'action': {
        if (this.shared.fragments.length > 0) this.shared.fragments = [];
        const volatileBefore = this.shared.volatileCalls;
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val, this.shared.volatileCalls !== volatileBefore);
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'comment':
        return;
      case 'if':
        this.walkIfOrWith(false, dot, node.pipe, node.list, node.elseList);
        return;
      case 'with':
        this.walkIfOrWith(true, dot, node.pipe, node.list, node.elseList);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template':
        this.walkTemplate(dot, node);
        return;
      case 'text':
        this.write(node.text, node, 'text');
        return;
    }
    this.errorf(`unknown node: ${(node as Node).String()}`);
  }

  walkIfOrWith(isWith: boolean, dot: GoValue, pipe: PipeNode, list: ListNode, elseList: ListNode | null): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, pipe);
      const [t, ok] = isTrue(val === null ? undefined : val);
      if (!ok) this.errorf(`if/with can't use ${sprint([val ?? null])}`);
      if (t) {
        if (elseList) this.skipped(pipe, elseList, true);
        if (isWith) this.walk(val, list);
        else this.walk(dot, list);
      } else {
        this.skipped(pipe, list);
        if (elseList) this.walk(dot, elseList);
      }
    } finally {
      this.pop(mark);
    }
  }

  /** Remembers (provenance only) that the branch `list` (the else branch with `isElse`) of the `if`/`with` whose condition is `pipe` was not taken. */
  skipped(pipe: PipeNode, list: ListNode, isElse = false): void {
    if (!this.shared.segments || list.nodes.length === 0) return;
    const reads = readsOf(pipe);
    this.shared.pendingSkipped.push({
      source: pipe.tree.parseName,
      line: lineOf(pipe.tree, pipe.pos),
      ...(reads.length > 0 ? { reads } : {}),
      text: branchText(list),
      ...(isElse ? { else: true as const } : {}),
      ...(this.calls.length > 0 ? { calls: this.calls } : {})
    });
  }

  /** The calls a template called at `node` runs inside. */
  callsInto(node: Node, name: string): readonly ProvenanceCall[] {
    const reads = readsOf(node);
    return [...this.calls, { source: node.tree.parseName, line: lineOf(node.tree, node.pos), template: name, ...(reads.length > 0 ? { reads } : {}) }];
  }

  walkRange(dot: GoValue, r: RangeNode): void {
    this.at(r);
    const mark0 = this.mark();
    try {
      const [val] = indirect(this.evalPipeline(dot, r.pipe));
      const mark = this.mark();
      const decl = r.pipe.decl;
      const oneIteration = (index: GoValue, elem: GoValue): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) {
            if (decl.length > 1) this.setVar(decl[0].ident[0], index);
            else this.setVar(decl[0].ident[0], elem);
          } else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.setTopVar(2, index);
        }
        try {
          this.walk(elem, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      const k = kindOf(val);
      let done = false;
      if (Array.isArray(val)) {
        if (val.length > 0) {
          for (let i = 0; i < val.length; i++) oneIteration(new GoInt('int', i), val[i]);
          done = true;
        }
      } else if (val instanceof Map) {
        if (val.size > 0) {
          for (const [key, v] of sortedMapEntries(val)) oneIteration(key, v);
          done = true;
        }
      } else if (val instanceof GoInt) {
        if (decl.length > 1) this.errorf(`can't use ${sprint([val])} to iterate over more than one variable`);
        if (val.value > 0n) {
          for (let i = 0n; i < val.value; i++) {
            const v = new GoInt(val.kind, i);
            oneIteration(v, v);
          }
          done = true;
        }
      } else if (val instanceof GoIter) {
        if (val.mode === 'seq' && decl.length > 1) {
          this.errorf(`can't use ${sprint([val])} iterate over more than one variable`);
        }
        let i = 0;
        for (const item of val.produce()) {
          if (val.mode === 'chan') oneIteration(new GoInt('int', i), item as GoValue);
          else if (val.mode === 'seq') oneIteration(undefined, item as GoValue);
          else {
            const [a, b] = item as [GoValue, GoValue];
            if (decl.length > 1) oneIteration(a, b);
            else oneIteration(b, a);
          }
          i++;
        }
        done = i > 0;
      } else if (val === undefined || (val instanceof GoNil && (k === 'map' || k === 'slice' || k === 'chan' || k === 'func'))) {
        // acts like an empty map
      } else {
        this.errorf(`range can't iterate over ${sprint([val])}`);
      }
      if (!done && r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(mark0);
    }
  }

  walkTemplate(dot: GoValue, t: TemplateNode): void {
    this.at(t);
    const tmpl = this.tmpl.lookup(t.name);
    if (!tmpl || !tmpl.root) this.errorf(`template ${goQuote(t.name)} not defined`);
    const max = this.shared.limits.maxDepth;
    if (this.depth >= max) this.errorf(`exceeded maximum template depth (${max})`, 'limit');
    dot = this.evalPipeline(dot, t.pipe);
    const ns = new State(tmpl, this.shared, this.depth + 1, dot, this.shared.segments ? this.callsInto(t, t.name) : NO_CALLS);
    try {
      ns.walk(dot, tmpl.root);
    } catch (e) {
      if (isStackOverflow(e)) {
        // The JS stack ran out before maxDepth: report it the way Go reports the depth limit.
        this.errorf(`exceeded maximum template depth (${max})`, 'limit');
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- eval

  evalPipeline(dot: GoValue, pipe: PipeNode | null): GoValue {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Arg = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // If the object has type interface{}, dig down one level to the thing inside.
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0], v);
      else this.push(variable.ident[0], v);
    }
    return v;
  }

  notAFunction(args: Node[], final: Arg): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${args[0].String()}`);
  }

  evalCommand(dot: GoValue, cmd: CommandNode, final: Arg): GoValue {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${goQuote(first.String())}`);
  }

  idealConstant(c: NumberNode): GoValue {
    this.at(c);
    if (c.isComplex) return c.complex128;
    const t = c.text;
    const isHexInt = t.length > 2 && t[0] === '0' && (t[1] === 'x' || t[1] === 'X') && !/[pP]/.test(t);
    const isRuneInt = t.length > 0 && t[0] === "'";
    if (c.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(t)) return c.float64;
    if (c.isInt) return new GoInt('int', c.int64);
    if (c.isUint) this.errorf(`${t} overflows int`);
    return undefined;
  }

  evalFieldNode(dot: GoValue, field: FieldNode, args: Node[] | null, final: Arg): GoValue {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  evalChainNode(dot: GoValue, chain: ChainNode, args: Node[] | null, final: Arg): GoValue {
    this.at(chain);
    if (chain.field.length === 0) this.errorf('internal error: no fields in evalChainNode');
    if (chain.node.type === 'nil') this.errorf(`indirection through explicit nil in ${chain.String()}`);
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  evalVariableNode(dot: GoValue, variable: VariableNode, args: Node[] | null, final: Arg): GoValue {
    this.at(variable);
    const value = this.varValue(variable.ident[0]);
    if (variable.ident.length === 1) {
      this.notAFunction(args ?? [variable], final);
      return value;
    }
    return this.evalFieldChain(dot, value, variable, variable.ident.slice(1), args, final);
  }

  evalFieldChain(dot: GoValue, receiver: GoValue, node: Node, ident: string[], args: Node[] | null, final: Arg): GoValue {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i], node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1], node, args, final, receiver);
  }

  evalFunction(dot: GoValue, node: IdentifierNode, cmd: Node, args: Node[] | null, final: Arg): GoValue {
    this.at(node);
    const name = node.ident;
    const f = this.tmpl.findFunc(name);
    if (!f) this.errorf(`${goQuote(name)} is not a defined function`);
    return this.evalCall(dot, f.fn, f.builtin, cmd, name, args, final);
  }

  evalField(dot: GoValue, fieldName: string, node: Node, args: Node[] | null, final: Arg, receiver: GoValue): GoValue {
    if (receiver === undefined) {
      if (this.tmpl.missingKey === 'error') this.errorf(`nil data; no entry for key ${goQuote(fieldName)}`);
      return undefined;
    }
    const typ = receiver === null ? 'interface {}' : typeOf(receiver);
    const [recv, isNil] = indirect(receiver);
    if (recv === null) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
    const method = findMethod(recv, fieldName);
    if (method) return this.evalCall(dot, method, false, node, fieldName, args, final);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (recv instanceof GoStruct) {
      if (recv.fields.has(fieldName)) {
        const first = fieldName[0];
        if (first !== first.toUpperCase() || first === '_') {
          this.errorf(`${fieldName} is an unexported field of struct type ${typ}`);
        }
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`);
        return recv.fields.get(fieldName);
      }
    } else if (recv instanceof Map) {
      const mt = mapType(recv);
      const kt = keyType(mt);
      if (kt === 'string' || isEmptyInterfaceType(kt)) {
        if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
        if (recv.has(fieldName)) return recv.get(fieldName);
        switch (this.tmpl.missingKey) {
          case 'invalid':
            return undefined;
          case 'zero':
            return zeroValue(elemType(mt));
          case 'error':
            this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
        }
      }
    } else if (recv instanceof GoNil) {
      const k = kindOf(recv);
      if (k === 'map') {
        const kt = keyType(recv.type);
        if (kt === 'string' || isEmptyInterfaceType(kt)) {
          if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`);
          switch (this.tmpl.missingKey) {
            case 'invalid':
              return undefined;
            case 'zero':
              return zeroValue(elemType(recv.type));
            case 'error':
              this.errorf(`map has no entry for key ${goQuote(fieldName)}`);
          }
        }
      } else if (k === 'ptr') {
        const known = recv.fieldNames;
        const elemIsStruct = kindOfType(elemType(recv.type)) === 'struct';
        if (!(elemIsStruct && known && !known.includes(fieldName))) {
          if (isNil) this.errorf(`nil pointer evaluating ${typ}.${fieldName}`);
        }
      }
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${typ}`);
  }

  callContext(name: string, node?: Node): ExecCallContext {
    return new ExecCallContext(this, name, node);
  }

  /**
   * Run another template with a fresh output buffer, sharing depth and limits. With `call` (an `include` at that
   * node) and provenance on, the output's segments are kept as a fragment of the action being evaluated.
   */
  subExecute(t: ExecTemplate, data: GoValue, call?: Node): string {
    const max = this.shared.limits.maxDepth;
    if (this.depth >= max) this.errorf(`exceeded maximum template depth (${max})`, 'limit');
    // The output budget is shared: the sub-execution may only use what the parent has left.
    const budget = this.shared.limits.maxOutputLength;
    const limits = budget === undefined ? this.shared.limits : { ...this.shared.limits, maxOutputLength: Math.max(0, budget - this.shared.length) };
    const provenance = this.shared.segments !== null && call !== undefined;
    const sh = new Shared(limits, provenance);
    sh.steps = this.shared.steps;
    const dot = data === null ? undefined : data;
    const st: State = new State(t, sh, this.depth + 1, dot, provenance ? this.callsInto(call, t.name) : NO_CALLS);
    const root = t.root;
    if (!root) st.errorf(`${goQuote(t.name)} is an incomplete or empty template`);
    try {
      st.walk(dot, root);
    } catch (e) {
      if (isStackOverflow(e)) {
        this.errorf(`exceeded maximum template depth (${max})`, 'limit');
      }
      throw e;
    } finally {
      this.shared.steps = sh.steps;
      this.shared.volatileCalls += sh.volatileCalls;
    }
    const output = sh.chunks.join('');
    if (provenance) {
      // Branches skipped at the end of the included text go with the text into the caller's printed output.
      this.shared.fragments.push({ text: output, segments: sh.segments!, trailingSkipped: sh.pendingSkipped });
    }
    return output;
  }

  evalCall(dot: GoValue, fn: GoFuncValue, isBuiltin: boolean, node: Node, name: string, argNodes: Node[] | null, final: Arg): GoValue {
    const args = argNodes ? argNodes.slice(1) : [];
    const sig = fn.goSig ?? DEFAULT_SIG;
    const nparams = sig.params.length;
    let numIn = args.length;
    if (final !== MISSING) numIn++;
    let numFixed = args.length;
    if (sig.variadic) {
      numFixed = nparams - 1;
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${nparams - 1} got ${args.length}`);
    } else if (numIn !== nparams) {
      this.errorf(`wrong number of args for ${name}: want ${nparams} got ${numIn}`);
    }

    if (isBuiltin && (name === 'and' || name === 'or')) {
      const argType = sig.params[0];
      let v: GoValue = undefined;
      for (const a of args) {
        v = this.evalArg(dot, argType, a);
        if (truth(v === null ? undefined : v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, argType);
      return v;
    }

    const argv: GoValue[] = [];
    let i = 0;
    for (; i < numFixed && i < args.length; i++) argv.push(this.evalArg(dot, sig.params[i], args[i]));
    if (sig.variadic) {
      const argType = sig.params[nparams - 1];
      for (; i < args.length; i++) argv.push(this.evalArg(dot, argType, args[i]));
    }
    if (final !== MISSING) {
      let t = sig.params[nparams - 1];
      if (sig.variadic && numIn - 1 < numFixed) t = sig.params[numIn - 1];
      argv.push(this.validateType(final, t));
    }
    const ctx = this.callContext(name, node);
    if (isBuiltin && name === 'call') {
      // reflect.Value.String(): the string itself for strings, "<T Value>" otherwise.
      const fv = final === MISSING ? undefined : final;
      ctx.calleeName = args.length > 0 ? args[0].String() : typeof fv === 'string' ? fv : `<${fv === undefined ? 'invalid' : typeOf(fv)} Value>`;
      ctx.invoke = (f, a) => this.invokeFunc(f, a, ctx);
    }
    let result: GoValue;
    try {
      result = this.invokeFunc(fn, argv, ctx);
    } catch (e) {
      if (e instanceof TemplateError && e.kind === 'limit') throw e;
      if (e === BREAK || e === CONTINUE) throw e;
      if (isStackOverflow(e)) throw e;
      this.at(node);
      const msg = e instanceof Error ? e.message : sprint([e as GoValue]);
      this.errorf(`error calling ${name}: ${msg}`);
    }
    return result;
  }

  invokeFunc(fn: GoFuncValue, argv: GoValue[], ctx: CallContext): GoValue {
    if (fn.volatile) this.shared.volatileCalls++;
    const r = fn.apply(ctx, argv);
    return r === undefined ? null : r;
  }

  validateType(value: Arg, typ: string | null): GoValue {
    if (value === MISSING) value = undefined;
    // an argument is a copy: a struct value loses the methods of its pointer type
    if (value instanceof GoStruct && value.pointerReceivers && !value.isPointer) value = new GoStruct(value.type, value.fields);
    if (value === undefined) {
      if (typ === null) return undefined;
      if (canBeNil(typ)) return typ === RV ? undefined : zeroValue(typ);
      this.errorf(`invalid value; expected ${typ}`);
    }
    if (typ === RV || typ === null) return value;
    if (!assignable(value, typ)) {
      if (value instanceof GoPointer && assignable(value.target, typ)) return value.target;
      // Auto-(de)reference structs: T where *T is wanted (addressable) and *T where T is wanted.
      if (value instanceof GoStruct && (value.type === '*' + typ || '*' + value.type === typ)) {
        return new GoStruct(typ, value.fields, value.methods);
      }
      if (value instanceof GoNil && kindOf(value) === 'ptr' && elemType(value.type) === typ) {
        this.errorf(`dereference of nil pointer of type ${typ}`);
      }
      this.errorf(`wrong type for value; expected ${typ}; got ${value === null ? 'interface {}' : typeOf(value)}`);
    }
    return value;
  }

  evalArg(dot: GoValue, typ: string | null, n: Node): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ !== null && canBeNil(typ)) return typ === RV ? undefined : zeroValue(typ);
        this.errorf(`cannot assign nil to ${typ ?? '<nil>'}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    if (typ === null) this.errorf(`can't handle ${n.String()} for arg of type <nil>`);
    if (typ === RV || isEmptyInterfaceType(typ)) return this.evalEmptyInterface(dot, n);
    const k = kindOfType(typ);
    switch (k) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.errorf(`expected bool; found ${n.String()}`);
        break;
      case 'complex64':
      case 'complex128':
        if (n.type === 'number' && n.isComplex) return new GoComplex(n.complex128.re, n.complex128.im, k);
        this.errorf(`expected complex; found ${n.String()}`);
        break;
      case 'float32':
      case 'float64':
        if (n.type === 'number' && n.isFloat) return k === 'float32' ? Math.fround(n.float64) : n.float64;
        this.errorf(`expected float; found ${n.String()}`);
        break;
      case 'string':
        if (n.type === 'string') return n.text;
        this.errorf(`expected string; found ${n.String()}`);
        break;
    }
    if (isIntKind(typ)) {
      if (typ.startsWith('u')) {
        if (n.type === 'number' && n.isUint) return new GoInt(typ, n.uint64);
        this.errorf(`expected unsigned integer; found ${n.String()}`);
      }
      if (n.type === 'number' && n.isInt) return new GoInt(typ, n.int64);
      this.errorf(`expected integer; found ${n.String()}`);
    }
    this.errorf(`can't handle ${n.String()} for arg of type ${typ}`);
  }

  evalEmptyInterface(dot: GoValue, n: Node): GoValue {
    this.at(n);
    switch (n.type) {
      case 'bool':
        return n.value;
      case 'dot':
        return dot;
      case 'field':
        return this.evalFieldNode(dot, n, null, MISSING);
      case 'identifier':
        return this.evalFunction(dot, n, n, null, MISSING);
      case 'nil':
        this.errorf("evalEmptyInterface: nil (can't happen)");
        break;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
      case 'variable':
        return this.evalVariableNode(dot, n, null, MISSING);
      case 'pipe':
        return this.evalPipeline(dot, n);
    }
    this.errorf(`can't handle assignment of ${n.String()} to empty interface argument`);
  }

  printValue(n: Node, v: GoValue, volatile = false): void {
    this.at(n);
    let pv: GoValue = v;
    if (pv instanceof GoPointer) pv = indirect(pv)[0];
    if (pv === undefined || pv === null) {
      this.write('<no value>', n, 'action', volatile);
      return;
    }
    if (pv instanceof GoStruct && pv.isPointer) pv = new GoStruct(pv.type.slice(1), pv.fields, pv.methods);
    const pk = kindOf(pv);
    if ((pk === 'func' || pk === 'chan') && !findMethod(pv, 'String') && !findMethod(pv, 'Error')) {
      this.errorf(`can't print ${n.String()} of type ${typeOf(pv)}`);
    }
    const s = formatValue(pv, (fn, _recv, name) => fn.call(this.callContext(name)));
    this.write(s, n, 'action', volatile, this.includedPieces(s));
  }

  /** Where the outputs of the action's `include` calls reappear in its printed text `s` (provenance only). */
  includedPieces(s: string): MappedPiece[] {
    const fragments = this.shared.fragments;
    if (fragments.length === 0) return [];
    this.shared.fragments = [];
    const pieces = mapFragments(s, fragments);
    const lost = unmappedSkipped(fragments, pieces);
    if (lost.length > 0) this.shared.pendingSkipped.push(...lost);
    return pieces;
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

/** The `this` of template functions: see CallContext in values.ts. */
class ExecCallContext implements CallContext {
  calleeName?: string;
  invoke?: (fn: GoFuncValue, args: GoValue[]) => GoValue;
  private pos?: CallPosition;
  constructor(
    private readonly state: State,
    readonly name: string,
    private readonly node?: Node
  ) {}
  get position(): CallPosition | undefined {
    if (!this.pos && this.node) {
      const n = this.node;
      const text = n.tree.text.slice(0, n.pos);
      const nl = text.lastIndexOf('\n');
      this.pos = {
        source: n.tree.parseName,
        line: 1 + (text.match(/\n/g)?.length ?? 0),
        col: Buffer.byteLength(nl === -1 ? text : text.slice(nl + 1), 'utf8')
      };
    }
    return this.pos;
  }
  get template(): unknown {
    return this.state.tmpl.publicTemplate;
  }
  get templateName(): string {
    return this.state.tmpl.name;
  }
  executeTemplate(tname: string, data: GoValue): string {
    const t = this.state.tmpl.lookup(tname);
    if (!t || !t.root) {
      throw new Error(`template: no template ${goQuote(tname)} associated with template ${goQuote(this.state.tmpl.name)}`);
    }
    return this.state.subExecute(t, data, this.node);
  }
  executeText(tname: string, text: string, data: GoValue): string {
    return this.state.subExecute(this.state.tmpl.cloneWithText(tname, text), data);
  }
}

/** Go's Tree.ErrorContext: "name:line:col" (col = 0-based byte offset in the line) and the node text. */
export function errorContext(n: Node): { location: string; context: string } {
  const text = n.tree.text.slice(0, n.pos);
  const nl = text.lastIndexOf('\n');
  const lineText = nl === -1 ? text : text.slice(nl + 1);
  const byteNum = Buffer.byteLength(lineText, 'utf8');
  const lineNum = 1 + (text.match(/\n/g)?.length ?? 0);
  // The whole node, as the Go that Helm 4 is built with prints it (older Go cut it to 20 characters).
  return { location: `${n.tree.parseName}:${lineNum}:${byteNum}`, context: n.String() };
}

export interface ExecResult {
  output: string;
  segments: ProvenanceSegment[] | null;
}

/** Execute `tmpl` with `data`. */
export function executeTemplate(tmpl: ExecTemplate, data: GoValue, limits: ExecLimits = {}, provenance = false): ExecResult {
  const shared = new Shared({ ...limits, maxDepth: limits.maxDepth ?? DEFAULT_MAX_DEPTH }, provenance);
  const dot = data === null ? undefined : data;
  const st: State = new State(tmpl, shared, 0, dot);
  const root = tmpl.root;
  if (!root) st.errorf(`${goQuote(tmpl.name)} is an incomplete or empty template`);
  try {
    st.walk(dot, root);
  } catch (e) {
    if (e instanceof TemplateError) {
      e.partialOutput = shared.chunks.join('');
      throw e;
    }
    if (isStackOverflow(e)) {
      throw new TemplateError(`template: ${tmpl.name}: exceeded maximum template depth (${shared.limits.maxDepth})`, 'limit', tmpl.name);
    }
    throw e;
  }
  return { output: shared.chunks.join(''), segments: shared.segments };
}
