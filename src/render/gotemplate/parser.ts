/**
 * Parser for Go text/template (port of text/template/parse/parse.go).
 * Produces one tree per template name defined in the text (the top-level one plus every
 * {{define}} / {{block}}).
 */
import { TemplateError } from './errors.js';
import { Item, ItemType, Lexer, goQuote, itemString } from './lexer.js';
import {
  ActionNode, BoolNode, BreakNode, ChainNode, CommandNode, CommentNode, ContinueNode, DotNode, ElseNode, EndNode,
  FieldNode, IdentifierNode, IfNode, ListNode, NilNode, Node, NumberNode, PipeNode, RangeNode, StringNode,
  TemplateNode, TextNode, TreeInfo, VariableNode, WithNode, isEmptyTree
} from './parse/nodes.js';
import { GoComplex } from './values.js';

export interface ParsedTree {
  name: string;
  root: ListNode;
  info: TreeInfo;
}

export interface ParseOptions {
  leftDelim?: string;
  rightDelim?: string;
  /** Reports whether a function name is defined (template funcs + builtins). */
  hasFunction: (name: string) => boolean;
  /** Skip the "function not defined" check (Go's parse.SkipFuncCheck). */
  skipFuncCheck?: boolean;
}

interface TreeState {
  name: string;
  vars: string[];
  rangeDepth: number;
  actionLine: number;
}

class Parser {
  private items: Item[];
  private idx = 0;
  private last: Item;
  private st: TreeState;
  readonly trees = new Map<string, ParsedTree>();
  readonly info: TreeInfo;

  constructor(
    readonly name: string,
    readonly text: string,
    readonly opts: ParseOptions
  ) {
    const lexer = new Lexer(name, text, opts.leftDelim ?? '', opts.rightDelim ?? '', { breakOK: true, continueOK: true, emitComment: false });
    this.items = lexer.items;
    this.last = this.items[0];
    this.info = { parseName: name, text };
    this.st = { name, vars: ['$'], rangeDepth: 0, actionLine: 0 };
  }

  // ---------------------------------------------------------------- token helpers

  next(): Item {
    const it = this.items[Math.min(this.idx, this.items.length - 1)];
    if (this.idx < this.items.length) this.idx++;
    this.last = it;
    return it;
  }

  backup(n = 1): void {
    this.idx -= n;
  }

  peek(): Item {
    return this.items[Math.min(this.idx, this.items.length - 1)];
  }

  nextNonSpace(): Item {
    let t: Item;
    for (;;) {
      t = this.next();
      if (t.typ !== ItemType.Space) break;
    }
    return t;
  }

  peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  errorf(msg: string): never {
    throw new TemplateError(`template: ${this.name}:${this.last.line}: ${msg}`, 'parse', this.name);
  }

  expect(expected: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== expected) this.unexpected(t, context);
    return t;
  }

  expectOneOf(e1: ItemType, e2: ItemType, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== e1 && t.typ !== e2) this.unexpected(t, context);
    return t;
  }

  unexpected(token: Item, context: string): never {
    if (token.typ === ItemType.Error) {
      let extra = '';
      if (this.st.actionLine !== 0 && this.st.actionLine !== token.line) {
        extra = ` in action started at ${this.name}:${this.st.actionLine}`;
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // ---------------------------------------------------------------- top level

  parse(): Map<string, ParsedTree> {
    const root = new ListNode(this.info, this.peek().pos);
    while (this.peek().typ !== ItemType.EOF) {
      if (this.peek().typ === ItemType.LeftDelim) {
        const save = this.idx;
        this.next();
        if (this.nextNonSpace().typ === ItemType.Define) {
          this.withTree('definition', () => this.parseDefinition());
          continue;
        }
        this.idx = save;
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${n.String()}`);
      root.nodes.push(n);
    }
    this.add(this.name, root);
    return this.trees;
  }

  private withTree<T>(name: string, fn: () => T): T {
    const saved = this.st;
    this.st = { name, vars: ['$'], rangeDepth: 0, actionLine: 0 };
    try {
      return fn();
    } finally {
      this.st = saved;
    }
  }

  private add(name: string, root: ListNode): void {
    const existing = this.trees.get(name);
    if (!existing || isEmptyTree(existing.root)) {
      this.trees.set(name, { name, root, info: this.info });
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${goQuote(name)}`);
  }

  private parseDefinition(): void {
    const context = 'define clause';
    const nameTok = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    const name = this.unquote(nameTok.val);
    this.st.name = name;
    this.expect(ItemType.RightDelim, context);
    const [root, end] = this.itemList();
    if (end.type !== 'end') this.errorf(`unexpected ${end.String()} in ${context}`);
    this.add(name, root);
  }

  private itemList(): [ListNode, Node] {
    const list = new ListNode(this.info, this.peekNonSpace().pos);
    while (this.peekNonSpace().typ !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Text:
        return new TextNode(this.info, token.pos, token.val);
      case ItemType.LeftDelim:
        this.st.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.st.actionLine = 0;
        }
      case ItemType.Comment:
        return new CommentNode(this.info, token.pos, token.val);
    }
    this.unexpected(token, 'input');
  }

  private action(): Node {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Block: return this.blockControl();
      case ItemType.Break: return this.breakControl(token.pos, token.line);
      case ItemType.Continue: return this.continueControl(token.pos, token.line);
      case ItemType.Else: return this.elseControl();
      case ItemType.End: return this.endControl();
      case ItemType.If: return this.ifControl();
      case ItemType.Range: return this.rangeControl();
      case ItemType.Template: return this.templateControl();
      case ItemType.With: return this.withControl();
    }
    this.backup();
    const t = this.peek();
    return new ActionNode(this.info, t.pos, t.line, this.pipeline('command', ItemType.RightDelim));
  }

  private breakControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== ItemType.RightDelim) this.unexpected(token, '{{break}}');
    if (this.st.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return new BreakNode(this.info, pos, line);
  }

  private continueControl(pos: number, line: number): Node {
    const token = this.nextNonSpace();
    if (token.typ !== ItemType.RightDelim) this.unexpected(token, '{{continue}}');
    if (this.st.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return new ContinueNode(this.info, pos, line);
  }

  private pipeline(context: string, end: ItemType): PipeNode {
    const token = this.peekNonSpace();
    const pipe = new PipeNode(this.info, token.pos, token.line);
    // declarations
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ !== ItemType.Variable) break;
      const vIdx = this.idx;
      this.next();
      const nxt = this.peekNonSpace();
      if (nxt.typ === ItemType.Assign || nxt.typ === ItemType.Declare) {
        pipe.isAssign = nxt.typ === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(new VariableNode(this.info, v.pos, v.val));
        this.st.vars.push(v.val);
      } else if (nxt.typ === ItemType.Char && nxt.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(new VariableNode(this.info, v.pos, v.val));
        this.st.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().typ;
          if (p === ItemType.Variable || p === ItemType.RightDelim || p === ItemType.RightParen) {
            continue decls;
          }
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else {
        // "$x foo": $x is an argument, not a declaration; push the tokens back.
        this.idx = vIdx;
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.typ === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.typ) {
        case ItemType.Bool: case ItemType.CharConstant: case ItemType.Complex: case ItemType.Dot:
        case ItemType.Field: case ItemType.Identifier: case ItemType.Number: case ItemType.Nil:
        case ItemType.RawString: case ItemType.String: case ItemType.Variable: case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    pipe.cmds.slice(1).forEach((c, i) => {
      switch (c.args[0].type) {
        case 'bool': case 'dot': case 'nil': case 'number': case 'string':
          this.errorf(`non executable command in pipeline stage ${i + 2}`);
      }
    });
  }

  private parseControl(context: string): { pos: number; line: number; pipe: PipeNode; list: ListNode; elseList: ListNode | null } {
    const varsMark = this.st.vars.length;
    try {
      const pipe = this.pipeline(context, ItemType.RightDelim);
      if (context === 'range') this.st.rangeDepth++;
      const items = this.itemList();
      const list = items[0];
      let next = items[1];
      if (context === 'range') this.st.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.type === 'else') {
        if (context === 'if' && this.peek().typ === ItemType.If) {
          this.next();
          elseList = new ListNode(this.info, next.pos);
          elseList.nodes.push(this.ifControl());
        } else if (context === 'with' && this.peek().typ === ItemType.With) {
          this.next();
          elseList = new ListNode(this.info, next.pos);
          elseList.nodes.push(this.withControl());
        } else {
          [elseList, next] = this.itemList();
          if (next.type !== 'end') this.errorf(`expected end; found ${next.String()}`);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.st.vars.length = varsMark;
    }
  }

  private ifControl(): Node {
    const c = this.parseControl('if');
    return new IfNode(this.info, c.pos, c.line, c.pipe, c.list, c.elseList);
  }

  private rangeControl(): Node {
    const c = this.parseControl('range');
    return new RangeNode(this.info, c.pos, c.line, c.pipe, c.list, c.elseList);
  }

  private withControl(): Node {
    const c = this.parseControl('with');
    return new WithNode(this.info, c.pos, c.line, c.pipe, c.list, c.elseList);
  }

  private endControl(): Node {
    return new EndNode(this.info, this.expect(ItemType.RightDelim, 'end').pos);
  }

  private elseControl(): Node {
    const peek = this.peekNonSpace();
    if (peek.typ === ItemType.If || peek.typ === ItemType.With) return new ElseNode(this.info, peek.pos, peek.line);
    const token = this.expect(ItemType.RightDelim, 'else');
    return new ElseNode(this.info, token.pos, token.line);
  }

  private blockControl(): Node {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    this.withTree(name, () => {
      const [root, end] = this.itemList();
      if (end.type !== 'end') this.errorf(`unexpected ${end.String()} in ${context}`);
      this.add(name, root);
    });
    return new TemplateNode(this.info, token.pos, token.line, name, pipe);
  }

  private templateControl(): Node {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return new TemplateNode(this.info, token.pos, token.line, name, pipe);
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.typ === ItemType.String || token.typ === ItemType.RawString) return this.unquote(token.val);
    this.unexpected(token, context);
  }

  private command(): CommandNode {
    const cmd = new CommandNode(this.info, this.peekNonSpace().pos);
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.typ === ItemType.Space) continue;
      if (token.typ === ItemType.RightDelim || token.typ === ItemType.RightParen) this.backup();
      else if (token.typ === ItemType.Pipe) {
        // end of this command
      } else this.unexpected(token, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    let node = this.term();
    if (!node) return null;
    if (this.peek().typ === ItemType.Field) {
      const chain = new ChainNode(this.info, this.peek().pos, node);
      while (this.peek().typ === ItemType.Field) chain.add(this.next().val);
      switch (node.type) {
        case 'field':
          node = new FieldNode(this.info, chain.pos, chain.String());
          break;
        case 'variable':
          node = new VariableNode(this.info, chain.pos, chain.String());
          break;
        case 'bool': case 'string': case 'number': case 'nil': case 'dot':
          this.errorf(`unexpected . after term ${goQuote(node.String())}`);
          break;
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): Node | null {
    const token = this.nextNonSpace();
    switch (token.typ) {
      case ItemType.Identifier:
        if (!this.opts.skipFuncCheck && !this.opts.hasFunction(token.val)) {
          this.errorf(`function ${goQuote(token.val)} not defined`);
        }
        return new IdentifierNode(this.info, token.pos, token.val);
      case ItemType.Dot:
        return new DotNode(this.info, token.pos);
      case ItemType.Nil:
        return new NilNode(this.info, token.pos);
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return new FieldNode(this.info, token.pos, token.val);
      case ItemType.Bool:
        return new BoolNode(this.info, token.pos, token.val === 'true');
      case ItemType.CharConstant: case ItemType.Complex: case ItemType.Number:
        return this.newNumber(token.pos, token.val, token.typ);
      case ItemType.LeftParen:
        return this.pipeline('parenthesized pipeline', ItemType.RightParen);
      case ItemType.String: case ItemType.RawString:
        return new StringNode(this.info, token.pos, token.val, this.unquote(token.val));
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): Node {
    const v = new VariableNode(this.info, pos, name);
    if (this.st.vars.includes(v.ident[0])) return v;
    this.errorf(`undefined variable ${goQuote(v.ident[0])}`);
  }

  private unquote(s: string): string {
    const r = unquoteGo(s);
    if (r === null) this.errorf('invalid syntax');
    return r;
  }

  private newNumber(pos: number, text: string, typ: ItemType): NumberNode {
    const n = new NumberNode(this.info, pos, text);
    if (typ === ItemType.CharConstant) {
      const r = unquoteChar(text.slice(1), "'");
      if (!r) this.errorf('invalid syntax');
      if (r.tail !== "'") this.errorf(`malformed character constant: ${text}`);
      n.int64 = BigInt(r.value);
      n.isInt = true;
      n.uint64 = BigInt(r.value);
      n.isUint = true;
      n.float64 = r.value;
      n.isFloat = true;
      return n;
    }
    if (typ === ItemType.Complex) {
      const c = parseComplex(text);
      if (!c) this.errorf(`expected integer`);
      n.isComplex = true;
      n.complex128 = c;
      simplifyComplex(n);
      return n;
    }
    if (text.endsWith('i')) {
      const f = parseGoFloat(text.slice(0, -1));
      if (f !== null) {
        n.isComplex = true;
        n.complex128 = new GoComplex(0, f);
        simplifyComplex(n);
        return n;
      }
    }
    const u = parseGoUint(text);
    if (u !== null) {
      n.isUint = true;
      n.uint64 = u;
    }
    const i = parseGoInt(text);
    if (i !== null) {
      n.isInt = true;
      n.int64 = i;
      if (i === 0n) {
        n.isUint = true;
        n.uint64 = 0n;
      }
    }
    if (n.isInt) {
      n.isFloat = true;
      n.float64 = Number(n.int64);
    } else if (n.isUint) {
      n.isFloat = true;
      n.float64 = Number(n.uint64);
    } else {
      const f = parseGoFloat(text);
      if (f !== null) {
        if (!/[.eEpP]/.test(text)) this.errorf(`integer overflow: ${goQuote(text)}`);
        n.isFloat = true;
        n.float64 = f;
        if (Number.isFinite(f) && Number.isInteger(f)) {
          const bi = BigInt(f);
          if (bi >= -(1n << 63n) && bi < 1n << 63n) {
            n.isInt = true;
            n.int64 = bi;
          }
          if (bi >= 0n && bi < 1n << 64n) {
            n.isUint = true;
            n.uint64 = bi;
          }
        }
      }
    }
    if (!n.isInt && !n.isUint && !n.isFloat) this.errorf(`illegal number syntax: ${goQuote(text)}`);
    return n;
  }
}

function simplifyComplex(n: NumberNode): void {
  n.isFloat = n.complex128.im === 0;
  if (n.isFloat) {
    n.float64 = n.complex128.re;
    const f = n.float64;
    if (Number.isInteger(f)) {
      const bi = BigInt(f);
      n.isInt = bi >= -(1n << 63n) && bi < 1n << 63n;
      if (n.isInt) n.int64 = bi;
      n.isUint = bi >= 0n && bi < 1n << 64n;
      if (n.isUint) n.uint64 = bi;
    }
  }
}

// ---------------------------------------------------------------- strconv ports

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
export function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0') {
    const c = s[1].toLowerCase();
    if (c === 'b' || c === 'o' || c === 'x') {
      i = 2;
      saw = '0';
      hex = c === 'x';
    }
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, 64) */
export function parseGoUint(s: string): bigint | null {
  if (s === '' || s[0] === '+' || s[0] === '-') return null;
  const v = parseBase0(s);
  if (v === null || v >= 1n << 64n) return null;
  return v;
}

/** strconv.ParseInt(s, 0, 64) */
export function parseGoInt(s: string): bigint | null {
  let neg = false;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  const v = parseBase0(body);
  if (v === null) return null;
  const r = neg ? -v : v;
  if (r < -(1n << 63n) || r >= 1n << 63n) return null;
  return r;
}

function parseBase0(s: string): bigint | null {
  if (s === '') return null;
  let base = 10;
  let digits = s;
  if (s[0] === '0') {
    if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) {
      base = 16;
      digits = s.slice(2);
    } else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) {
      base = 2;
      digits = s.slice(2);
    } else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) {
      base = 8;
      digits = s.slice(2);
    } else {
      base = 8;
      digits = s.slice(1);
    }
  }
  if (s.includes('_') && !underscoreOK(s)) return null;
  digits = digits.replace(/_/g, '');
  if (digits === '') return base === 8 ? 0n : null;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return null;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  return BigInt(prefix + digits);
}

/** strconv.ParseFloat(s, 64) for Go number literal syntax (decimal and hex floats, underscores). */
export function parseGoFloat(s: string): number | null {
  if (s.includes('_')) {
    if (!underscoreOK(s)) return null;
    s = s.replace(/_/g, '');
  }
  let neg = false;
  let body = s;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  let v: number;
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
  if (hex) {
    const ip = hex[1];
    const fp = hex[2] ?? '';
    if (ip === '' && fp === '') return null;
    const mant = BigInt('0x' + (ip + fp || '0'));
    const exp = Number(hex[3]) - 4 * fp.length;
    v = Number(mant) * 2 ** exp;
  } else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) {
    v = Number(body);
  } else if (/^(inf|infinity)$/i.test(body)) {
    v = Infinity;
  } else if (/^nan$/i.test(body)) {
    v = NaN;
  } else {
    return null;
  }
  return neg ? -v : v;
}

function parseComplex(text: string): GoComplex | null {
  // real part followed by signed imaginary part ending in 'i'
  for (let i = text.length - 2; i > 0; i--) {
    const c = text[i];
    if ((c === '+' || c === '-') && !/[eEpP]/.test(text[i - 1])) {
      const re = parseGoFloat(text.slice(0, i));
      const im = parseGoFloat(text.slice(i, -1));
      if (re === null || im === null || !text.endsWith('i')) return null;
      return new GoComplex(re, im);
    }
  }
  return null;
}

/** strconv.UnquoteChar: decode one (possibly escaped) character. */
export function unquoteChar(s: string, quote: string): { value: number; multibyte: boolean; tail: string; byte?: boolean } | null {
  if (s.length === 0) return null;
  const c = s[0];
  if (c === quote && (quote === "'" || quote === '"')) return null;
  if (c !== '\\') {
    const cp = s.codePointAt(0) ?? 0;
    const ch = String.fromCodePoint(cp);
    return { value: cp, multibyte: cp >= 0x80, tail: s.slice(ch.length) };
  }
  if (s.length <= 1) return null;
  const e = s[1];
  let rest = s.slice(2);
  switch (e) {
    case 'a': return { value: 7, multibyte: false, tail: rest };
    case 'b': return { value: 8, multibyte: false, tail: rest };
    case 'f': return { value: 12, multibyte: false, tail: rest };
    case 'n': return { value: 10, multibyte: false, tail: rest };
    case 'r': return { value: 13, multibyte: false, tail: rest };
    case 't': return { value: 9, multibyte: false, tail: rest };
    case 'v': return { value: 11, multibyte: false, tail: rest };
    case 'x': case 'u': case 'U': {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (rest.length < n) return null;
      const h = rest.slice(0, n);
      if (!/^[0-9a-fA-F]+$/.test(h)) return null;
      const v = parseInt(h, 16);
      rest = rest.slice(n);
      if (e === 'x') return { value: v, multibyte: false, tail: rest, byte: true };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return null;
      return { value: v, multibyte: true, tail: rest };
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      const o = e + rest.slice(0, 2);
      if (!/^[0-7]{3}$/.test(o)) return null;
      const v = parseInt(o, 8);
      if (v > 255) return null;
      return { value: v, multibyte: false, tail: rest.slice(2), byte: true };
    }
    case '\\': return { value: 0x5c, multibyte: false, tail: rest };
    case "'": case '"':
      if (e !== quote) return null;
      return { value: e.charCodeAt(0), multibyte: false, tail: rest };
  }
  return null;
}

/** strconv.Unquote for "..." and `...` literals. Returns null on invalid syntax. */
export function unquoteGo(s: string): string | null {
  if (s.length < 2) return null;
  const q = s[0];
  if (q !== s[s.length - 1]) return null;
  let body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) return null;
    return body.replace(/\r/g, '');
  }
  if (q !== '"') return null;
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  if (body.includes('\n')) return null;
  const bytes: number[] = [];
  while (body.length > 0) {
    const r = unquoteChar(body, '"');
    if (!r) return null;
    if (r.byte || r.value < 0x80) bytes.push(r.value);
    else for (const b of Buffer.from(String.fromCodePoint(r.value), 'utf8')) bytes.push(b);
    body = r.tail;
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Parse template text into trees (Go's parse.Parse). Throws TemplateError on syntax errors. */
export function parseTemplate(name: string, text: string, opts: ParseOptions): Map<string, ParsedTree> {
  return new Parser(name, text, opts).parse();
}
