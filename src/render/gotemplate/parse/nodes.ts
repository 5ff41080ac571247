/**
 * Parse tree nodes (port of text/template/parse/node.go). `String()` reproduces Go's
 * printing, which error messages ("at <...>") and tree dumps rely on.
 */
import { GoComplex } from '../values.js';

export type Node =
  | TextNode | ActionNode | CommentNode | ListNode | IfNode | RangeNode | WithNode | TemplateNode
  | BreakNode | ContinueNode | PipeNode | CommandNode | FieldNode | ChainNode | VariableNode
  | IdentifierNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | ElseNode | EndNode;

/** Information shared by all nodes of one parse: the source text (for line/column computation). */
export interface TreeInfo {
  /** Name of the template whose Parse call contained this text (Go's ParseName). */
  parseName: string;
  text: string;
  /** Lazily built newline index. */
  lineStarts?: number[];
}

export function lineOf(tree: TreeInfo, pos: number): number {
  if (!tree.lineStarts) {
    const ls = [0];
    for (let i = 0; i < tree.text.length; i++) if (tree.text.charCodeAt(i) === 10) ls.push(i + 1);
    tree.lineStarts = ls;
  }
  const ls = tree.lineStarts;
  let lo = 0;
  let hi = ls.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ls[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

abstract class BaseNode {
  constructor(readonly tree: TreeInfo, readonly pos: number) {}
  abstract String(): string;
  toString(): string {
    return this.String();
  }
}

export class TextNode extends BaseNode {
  readonly type = 'text' as const;
  constructor(tree: TreeInfo, pos: number, public text: string) {
    super(tree, pos);
  }
  String(): string {
    return this.text;
  }
}

export class CommentNode extends BaseNode {
  readonly type = 'comment' as const;
  constructor(tree: TreeInfo, pos: number, readonly text: string) {
    super(tree, pos);
  }
  String(): string {
    return '{{' + this.text + '}}';
  }
}

export class ListNode extends BaseNode {
  readonly type = 'list' as const;
  nodes: Node[] = [];
  String(): string {
    return this.nodes.map((n) => n.String()).join('');
  }
}

export class PipeNode extends BaseNode {
  readonly type = 'pipe' as const;
  isAssign = false;
  decl: VariableNode[] = [];
  cmds: CommandNode[] = [];
  constructor(tree: TreeInfo, pos: number, readonly line: number) {
    super(tree, pos);
  }
  String(): string {
    let s = '';
    if (this.decl.length > 0) {
      s = this.decl.map((d) => d.String()).join(', ');
      s += this.isAssign ? ' = ' : ' := ';
    }
    s += this.cmds.map((c) => c.String()).join(' | ');
    return s;
  }
}

export class ActionNode extends BaseNode {
  readonly type = 'action' as const;
  constructor(tree: TreeInfo, pos: number, readonly line: number, readonly pipe: PipeNode) {
    super(tree, pos);
  }
  String(): string {
    return '{{' + this.pipe.String() + '}}';
  }
}

export class CommandNode extends BaseNode {
  readonly type = 'command' as const;
  args: Node[] = [];
  String(): string {
    return this.args
      .map((a) => (a.type === 'pipe' ? '(' + a.String() + ')' : a.String()))
      .join(' ');
  }
}

export class IdentifierNode extends BaseNode {
  readonly type = 'identifier' as const;
  constructor(tree: TreeInfo, pos: number, readonly ident: string) {
    super(tree, pos);
  }
  String(): string {
    return this.ident;
  }
}

export class VariableNode extends BaseNode {
  readonly type = 'variable' as const;
  readonly ident: string[];
  constructor(tree: TreeInfo, pos: number, ident: string) {
    super(tree, pos);
    this.ident = ident.split('.');
  }
  String(): string {
    return this.ident.join('.');
  }
}

export class DotNode extends BaseNode {
  readonly type = 'dot' as const;
  String(): string {
    return '.';
  }
}

export class NilNode extends BaseNode {
  readonly type = 'nil' as const;
  String(): string {
    return 'nil';
  }
}

export class FieldNode extends BaseNode {
  readonly type = 'field' as const;
  readonly ident: string[];
  constructor(tree: TreeInfo, pos: number, ident: string) {
    super(tree, pos);
    this.ident = ident.slice(1).split('.'); // remove leading dot
  }
  String(): string {
    return this.ident.map((id) => '.' + id).join('');
  }
}

export class ChainNode extends BaseNode {
  readonly type = 'chain' as const;
  field: string[] = [];
  constructor(tree: TreeInfo, pos: number, readonly node: Node) {
    super(tree, pos);
  }
  add(field: string): void {
    if (field.length === 0 || field[0] !== '.') throw new Error('no dot in field');
    field = field.slice(1);
    if (field === '') throw new Error('empty field');
    this.field.push(field);
  }
  String(): string {
    let s = this.node.String();
    if (this.node.type === 'pipe') s = '(' + s + ')';
    for (const f of this.field) s += '.' + f;
    return s;
  }
}

export class BoolNode extends BaseNode {
  readonly type = 'bool' as const;
  constructor(tree: TreeInfo, pos: number, readonly value: boolean) {
    super(tree, pos);
  }
  String(): string {
    return this.value ? 'true' : 'false';
  }
}

export class NumberNode extends BaseNode {
  readonly type = 'number' as const;
  isInt = false;
  isUint = false;
  isFloat = false;
  isComplex = false;
  int64 = 0n;
  uint64 = 0n;
  float64 = 0;
  complex128: GoComplex = new GoComplex(0, 0);
  constructor(tree: TreeInfo, pos: number, readonly text: string) {
    super(tree, pos);
  }
  String(): string {
    return this.text;
  }
}

export class StringNode extends BaseNode {
  readonly type = 'string' as const;
  constructor(tree: TreeInfo, pos: number, readonly quoted: string, readonly text: string) {
    super(tree, pos);
  }
  String(): string {
    return this.quoted;
  }
}

export class EndNode extends BaseNode {
  readonly type = 'end' as const;
  String(): string {
    return '{{end}}';
  }
}

export class ElseNode extends BaseNode {
  readonly type = 'else' as const;
  constructor(tree: TreeInfo, pos: number, readonly line: number) {
    super(tree, pos);
  }
  String(): string {
    return '{{else}}';
  }
}

abstract class BranchNode extends BaseNode {
  constructor(
    tree: TreeInfo,
    pos: number,
    readonly line: number,
    readonly pipe: PipeNode,
    readonly list: ListNode,
    readonly elseList: ListNode | null
  ) {
    super(tree, pos);
  }
  abstract get keyword(): string;
  String(): string {
    let s = `{{${this.keyword} ${this.pipe.String()}}}${this.list.String()}`;
    if (this.elseList) s += '{{else}}' + this.elseList.String();
    return s + '{{end}}';
  }
}

export class IfNode extends BranchNode {
  readonly type = 'if' as const;
  get keyword(): string {
    return 'if';
  }
}

export class RangeNode extends BranchNode {
  readonly type = 'range' as const;
  get keyword(): string {
    return 'range';
  }
}

export class WithNode extends BranchNode {
  readonly type = 'with' as const;
  get keyword(): string {
    return 'with';
  }
}

export class BreakNode extends BaseNode {
  readonly type = 'break' as const;
  constructor(tree: TreeInfo, pos: number, readonly line: number) {
    super(tree, pos);
  }
  String(): string {
    return '{{break}}';
  }
}

export class ContinueNode extends BaseNode {
  readonly type = 'continue' as const;
  constructor(tree: TreeInfo, pos: number, readonly line: number) {
    super(tree, pos);
  }
  String(): string {
    return '{{continue}}';
  }
}

export class TemplateNode extends BaseNode {
  readonly type = 'template' as const;
  constructor(tree: TreeInfo, pos: number, readonly line: number, readonly name: string, readonly pipe: PipeNode | null) {
    super(tree, pos);
  }
  String(): string {
    const q = JSON.stringify(this.name);
    if (!this.pipe) return `{{template ${q}}}`;
    return `{{template ${q} ${this.pipe.String()}}}`;
  }
}

/** Go's parse.IsEmptyTree. */
export function isEmptyTree(n: Node | null | undefined): boolean {
  if (!n) return true;
  switch (n.type) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim() === '' && !/[^ \t\r\n\v\f\u0085\u00a0]/.test(n.text);
    case 'comment':
      return true;
    default:
      return false;
  }
}
