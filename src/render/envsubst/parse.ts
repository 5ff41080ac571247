/**
 * The parser of Flux's envsubst, a port of fluxcd/pkg envsubst/parse/parse.go and node.go (Apache-2.0, The Flux
 * authors; forked from drone/envsubst, MIT, drone.io). The tree has upstream's shape: a lone text or function
 * node, or a ListNode of two nodes whose right side holds the rest of the input (built here without recursion).
 *
 * Only `${…}` opens a function: `$var` is text, `$$` is `$`. After the name, the next rune picks the function:
 * `:` default or substring, `=` default, `,`/`^` case, `/` replace, `#`/`%` remove; anything else must be `}`, so
 * `${v-d}`, `${v+d}` and `${v?d}` fail with `missing closing brace` although upstream's README lists `${v-d}`.
 * `${v:-d}`, `${v:=d}`, `${v:?d}` and `${v:+d}` all parse as defaults. Default arguments may hold text and
 * nested `${…}` in any order; the other functions take one node per argument.
 */
import { ERR_BAD_SUBSTITUTION, ERR_MISSING_CLOSING_BRACE, ERR_PARSE_DEFAULT_FUNCTION, ERR_PARSE_FUNC_SUBSTITUTION, ERR_PARSE_VARIABLE_NAME, parseError } from './errors.js';
import {
  type AcceptFunc, ESCAPE_ALL, ESCAPE_DOLLAR, RBRACE, SCAN_ESCAPE, SCAN_IDENT, SCAN_LBRACK, SCAN_RBRACK, Scanner,
  acceptCasingFunc, acceptColon, acceptDefaultFunc, acceptHashFunc, acceptIdent, acceptNotClosing, acceptNotSlash,
  acceptOneColon, acceptOneEqual, acceptOneHash, acceptPercentFunc, acceptReplaceFunc, acceptRune, acceptSlash,
  rejectColonClose
} from './scan.js';

/** A string of text, as bytes: the input's, with escapes removed. */
export interface TextNode {
  kind: 'text';
  value: Uint8Array;
}

/** `${param}` (name ''), or a string function `name` (`:-`, `//`, `#`, …) applied to param with args. */
export interface FuncNode {
  kind: 'func';
  param: string;
  name: string;
  args: Node[];
  /** Byte offsets in the input of the `$` of `${` and just past the closing `}` (not part of upstream's node). */
  start: number;
  end: number;
}

export interface ListNode {
  kind: 'list';
  nodes: Node[];
}

export type Node = TextNode | FuncNode | ListNode;

const code = (c: string): number => c.charCodeAt(0);
const utf8 = new TextDecoder();

/** Parses the UTF-8 bytes of a string into its tree; throws EnvsubstError with upstream's error text. */
export function parse(input: Uint8Array): Node {
  return new Parser(input).parseAny();
}

class Parser {
  private readonly s: Scanner;

  constructor(input: Uint8Array) {
    this.s = new Scanner(input);
  }

  /** Text and functions up to the end of input; upstream's right-recursive parseAny, as a loop. */
  parseAny(): Node {
    const nodes: Node[] = [];
    for (;;) {
      this.s.accept = acceptRune;
      this.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
      this.s.escapeChars = ESCAPE_DOLLAR;
      const token = this.s.scan();
      if (token === 'eof') break;
      if (token === 'ident') nodes.push(textNode(this.s.string()));
      else if (token === 'lbrack') nodes.push(this.parseFunc());
      else throw parseError(ERR_BAD_SUBSTITUTION);
    }
    if (nodes.length === 0) return textNode(new Uint8Array(0));
    let node = nodes[nodes.length - 1];
    for (let i = nodes.length - 2; i >= 0; i--) node = { kind: 'list', nodes: [nodes[i], node] };
    return node;
  }

  /** After `${`: the function up to and including its `}`, with its span in the input. */
  private parseFunc(): FuncNode {
    const start = this.s.offsetOf(this.s.start);
    const node = this.parseFuncBody();
    node.start = start;
    node.end = this.s.offsetOf(this.s.pos - 1) + 1;
    return node;
  }

  private parseFuncBody(): FuncNode {
    // Turn on all escape characters.
    this.s.escapeChars = ESCAPE_ALL;
    if (this.s.peek() === code('#')) return this.parseLenFunc();

    this.s.accept = acceptIdent;
    this.s.mode = SCAN_IDENT;
    if (this.s.scan() !== 'ident') throw parseError(ERR_PARSE_VARIABLE_NAME);
    const name = utf8.decode(this.s.string());

    switch (String.fromCodePoint(this.s.peek())) {
      case ':':
        return this.parseDefaultOrSubstr(name);
      case '=':
        return this.parseDefaultFunc(name);
      case ',':
      case '^':
        return this.parseCasingFunc(name);
      case '/':
        return this.parseReplaceFunc(name);
      case '#':
        return this.parseRemoveFunc(name, acceptHashFunc);
      case '%':
        return this.parseRemoveFunc(name, acceptPercentFunc);
    }

    this.s.accept = acceptIdent;
    this.s.mode = SCAN_RBRACK;
    if (this.s.scan() === 'rbrack') return funcNode(name);
    throw parseError(ERR_MISSING_CLOSING_BRACE);
  }

  /** One function argument: a nested `${…}` or a run of accepted runes. */
  private parseParam(accept: AcceptFunc, mode: number): Node {
    this.s.accept = accept;
    this.s.mode = mode | SCAN_LBRACK;
    switch (this.s.scan()) {
      case 'lbrack':
        return this.parseFunc();
      case 'ident':
      case 'rbrack':
        return textNode(this.s.string());
      default:
        throw parseError(ERR_PARSE_FUNC_SUBSTITUTION);
    }
  }

  /**
   * `${v:` starts a default when `=`, `-`, `?` or `+` follows the colon, else a substring. The peek leaves the
   * scanner's width at the following rune's, so when that rune is wider than one byte the second unread goes
   * back past the colon, and the substring parse then fails with `bad substitution`, as upstream. At the end of
   * input the width is 0 and the position stays after the colon (again `bad substitution`).
   */
  private parseDefaultOrSubstr(name: string): FuncNode {
    this.s.read();
    const r = this.s.peek();
    this.s.unread();
    if (r === code('=') || r === code('-') || r === code('?') || r === code('+')) return this.parseDefaultFunc(name);
    return this.parseSubstrFunc(name);
  }

  /** `${param:offset}`, `${param:offset:length}`. */
  private parseSubstrFunc(param: string): FuncNode {
    const node = funcNode(param);
    node.name = this.scanName(acceptOneColon, ERR_BAD_SUBSTITUTION);
    node.args.push(this.parseParam(rejectColonClose, SCAN_IDENT));

    // Expect a delimiter or the close.
    this.s.accept = acceptColon;
    this.s.mode = SCAN_IDENT | SCAN_RBRACK;
    const token = this.s.scan();
    if (token === 'rbrack') return node;
    if (token !== 'ident') throw parseError(ERR_BAD_SUBSTITUTION);

    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    return this.consumeRbrack(node);
  }

  /** `${param#word}`, `${param##word}`, `${param%word}`, `${param%%word}`. */
  private parseRemoveFunc(param: string, accept: AcceptFunc): FuncNode {
    const node = funcNode(param);
    node.name = this.scanName(accept, ERR_BAD_SUBSTITUTION);
    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    return this.consumeRbrack(node);
  }

  /** `${param/pattern/string}`, `${param//pattern/string}`, `${param/#pattern/string}`, `${param/%pattern/string}`. */
  private parseReplaceFunc(param: string): FuncNode {
    const node = funcNode(param);
    node.name = this.scanName(acceptReplaceFunc, ERR_BAD_SUBSTITUTION);
    node.args.push(this.parseParam(acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE));

    // Expect the delimiter.
    this.s.accept = acceptSlash;
    this.s.mode = SCAN_IDENT;
    if (this.s.scan() !== 'ident') throw parseError(ERR_BAD_SUBSTITUTION);

    // A blank replacement string.
    if (this.s.peek() === RBRACE) return this.consumeRbrack(node);

    node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE));
    return this.consumeRbrack(node);
  }

  /** `${param=word}`, `${param:=word}`, `${param:-word}`, `${param:?word}`, `${param:+word}`. */
  private parseDefaultFunc(param: string): FuncNode {
    const node = funcNode(param);
    const accept = this.s.peek() === code('=') ? acceptOneEqual : acceptDefaultFunc;
    node.name = this.scanName(accept, ERR_PARSE_DEFAULT_FUNCTION);
    // Every text run and nested function up to the close.
    while (this.s.peek() !== RBRACE) node.args.push(this.parseParam(acceptNotClosing, SCAN_IDENT));
    return this.consumeRbrack(node);
  }

  /** `${param,}`, `${param,,}`, `${param^}`, `${param^^}`. */
  private parseCasingFunc(param: string): FuncNode {
    const node = funcNode(param);
    node.name = this.scanName(acceptCasingFunc, ERR_BAD_SUBSTITUTION);
    return this.consumeRbrack(node);
  }

  /** `${#param}`. */
  private parseLenFunc(): FuncNode {
    const node = funcNode('');
    node.name = this.scanName(acceptOneHash, ERR_BAD_SUBSTITUTION);
    this.s.accept = acceptIdent;
    this.s.mode = SCAN_IDENT;
    if (this.s.scan() !== 'ident') throw parseError(ERR_BAD_SUBSTITUTION);
    node.param = utf8.decode(this.s.string());
    return this.consumeRbrack(node);
  }

  /** The function's operator, scanned as one ident token with `accept`. */
  private scanName(accept: AcceptFunc, error: string): string {
    this.s.accept = accept;
    this.s.mode = SCAN_IDENT;
    if (this.s.scan() !== 'ident') throw parseError(error);
    return utf8.decode(this.s.string());
  }

  /** Consumes the closing `}`, else `bad substitution`. */
  private consumeRbrack(node: FuncNode): FuncNode {
    this.s.mode = SCAN_RBRACK;
    if (this.s.scan() !== 'rbrack') throw parseError(ERR_BAD_SUBSTITUTION);
    return node;
  }
}

function textNode(value: Uint8Array): TextNode {
  return { kind: 'text', value };
}

function funcNode(param: string): FuncNode {
  return { kind: 'func', param, name: '', args: [], start: 0, end: 0 };
}
