/**
 * TOML as Helm's toToml/fromToml produce and read it (github.com/BurntSushi/toml):
 *  - `tomlEncode`: the Encoder's output for Go values (sorted keys, plain keys before tables, 2-space
 *    indentation per table level, `[[array]]` of tables, inline tables inside arrays, floats with a `.0`).
 *  - `tomlDecode`: TOML 1.0 into map[string]interface{} (int64, float64, string, bool, datetimes,
 *    []interface{}, nested maps), with BurntSushi-style error messages (`toml: line N: ...`).
 */
import {
  GoComplex, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, fromMapKey, keyType, mapType, typeOf
} from '../../gotemplate/index.js';
import { compareStringsBytewise, formatFloat } from '../../gotemplate/index.js';

export class TomlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TomlError';
  }
}

// ============================================================================================== encoder

type TomlType = 'bool' | 'integer' | 'float' | 'string' | 'datetime' | 'array' | 'arrayHash' | 'hash' | null;

function deref(v: GoValue): GoValue {
  while (v instanceof GoPointer) v = v.target;
  return v;
}

function isNilish(v: GoValue): boolean {
  return v === null || v === undefined || v instanceof GoNil;
}

function tomlTypeOf(v: GoValue): TomlType {
  v = deref(v);
  if (isNilish(v)) return null;
  switch (typeof v) {
    case 'boolean': return 'bool';
    case 'number': return 'float';
    case 'string': return 'string';
    case 'function': throw new TomlError('toml: unsupported type: func');
  }
  if (v instanceof GoInt) return 'integer';
  if (v instanceof GoStruct) return isDuration(v) ? 'integer' : 'hash';
  if (Array.isArray(v)) return isTableArray(v) ? 'arrayHash' : 'array';
  if (v instanceof Map) return 'hash';
  if (v instanceof GoComplex) throw new TomlError(`toml: unsupported type: ${v.kind}`);
  if (v instanceof GoIter) throw new TomlError(`toml: unsupported type: ${v.mode === 'chan' ? 'chan' : 'func'}`);
  throw new TomlError(`toml: unsupported type: ${typeOf(v)}`);
}

function isDuration(v: GoStruct): boolean {
  return v.type === 'time.Duration' && typeof (v as unknown as { nanos?: unknown }).nanos === 'bigint';
}

function isTableArray(arr: GoValue[]): boolean {
  if (arr.length === 0) return false;
  let ret = true;
  for (const el of arr) {
    const tt = tomlTypeOf(el);
    if (tt === null) throw new TomlError('toml: cannot encode array with nil element');
    if (ret && tt !== 'hash') ret = false;
  }
  return ret;
}

const isTable = (t: TomlType): boolean => t === 'hash' || t === 'arrayHash';

function isBareKeyChar(c: string): boolean {
  return /^[A-Za-z0-9_-]$/.test(c);
}

const CTRL_ESC: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' };

/** BurntSushi's dblQuotedReplacer. */
function tomlEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (CTRL_ESC[c] !== undefined) out += CTRL_ESC[c];
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out;
}

function maybeQuoted(k: string): string {
  if (k === '') return '""';
  for (const ch of k) if (!isBareKeyChar(ch)) return '"' + tomlEscape(k) + '"';
  return k;
}

class TomlEncoder {
  private out = '';
  private hasWritten = false;
  private readonly indent = '  ';
  private readonly seen = new Set<object>();

  result(): string {
    return this.out;
  }

  private wf(s: string): void {
    this.out += s;
    this.hasWritten = true;
  }
  private newline(): void {
    if (this.hasWritten) this.wf('\n');
  }
  private indentStr(key: string[]): string {
    return this.indent.repeat(Math.max(key.length - 1, 0));
  }
  private keyString(key: string[]): string {
    return key.map(maybeQuoted).join('.');
  }

  encode(key: string[], rv: GoValue): void {
    rv = deref(rv);
    if (isNilish(rv)) return;
    if (typeof rv === 'boolean' || typeof rv === 'number' || typeof rv === 'string' || rv instanceof GoInt) {
      this.writeKeyValue(key, rv, false);
      return;
    }
    if (Array.isArray(rv)) {
      if (tomlTypeOf(rv) === 'arrayHash') this.eArrayOfTables(key, rv);
      else this.writeKeyValue(key, rv, false);
      return;
    }
    if (rv instanceof Map || (rv instanceof GoStruct && !isDuration(rv))) {
      this.eTable(key, rv);
      return;
    }
    if (rv instanceof GoStruct) {
      this.writeKeyValue(key, rv, false);
      return;
    }
    throw new TomlError(`toml: unsupported type for key '${this.keyString(key)}': ${kindName(rv)}`);
  }

  private eTable(key: string[], rv: Map<unknown, GoValue> | GoStruct): void {
    if (key.length === 1) this.newline();
    if (key.length > 0) {
      this.wf(`${this.indentStr(key)}[${this.keyString(key)}]`);
      this.newline();
    }
    this.eMapOrStruct(key, rv, false);
  }

  private guard(o: object, f: () => void): void {
    if (this.seen.has(o)) throw new TomlError('toml: cycle');
    this.seen.add(o);
    try {
      f();
    } finally {
      this.seen.delete(o);
    }
  }

  private entriesOf(rv: Map<unknown, GoValue> | GoStruct): [string, GoValue][] {
    if (rv instanceof GoStruct) {
      return [...rv.fields].filter(([k]) => /^\p{Lu}/u.test(k));
    }
    const t = mapType(rv);
    const kt = keyType(t);
    if (kt !== 'string' && kt !== 'interface {}') throw new TomlError('toml: cannot encode a map with non-string key type');
    const out: [string, GoValue][] = [];
    for (const [k, v] of rv) {
      const gk = fromMapKey(t, k);
      if (typeof gk !== 'string') throw new TomlError('toml: cannot encode a map with non-string key type');
      out.push([gk, v]);
    }
    return out;
  }

  private eMapOrStruct(key: string[], rv: Map<unknown, GoValue> | GoStruct, inline: boolean): void {
    this.guard(rv, () => {
      const entries = this.entriesOf(rv);
      const direct: [string, GoValue][] = [];
      const sub: [string, GoValue][] = [];
      for (const e of entries) {
        if (isTable(tomlTypeOf(e[1]))) sub.push(e);
        else direct.push(e);
      }
      const isStruct = rv instanceof GoStruct;
      const writeKeys = (list: [string, GoValue][], trailC: boolean): void => {
        if (!isStruct) list.sort((a, b) => compareStringsBytewise(a[0], b[0]));
        const live = list.filter(([, v]) => !isNilish(deref(v)));
        live.forEach(([k, v], i) => {
          if (inline) {
            this.writeKeyValue([k], deref(v), true);
            if (trailC || i !== live.length - 1) this.wf(', ');
          } else {
            this.encode([...key, k], v);
          }
        });
      };
      if (inline) this.wf('{');
      writeKeys(direct, sub.length > 0);
      writeKeys(sub, false);
      if (inline) this.wf('}');
    });
  }

  private eArrayOfTables(key: string[], rv: GoValue[]): void {
    if (key.length === 0) throw new TomlError('toml: top-level values must be Go maps or structs');
    for (const el of rv) {
      const trv = deref(el);
      if (isNilish(trv)) continue;
      this.newline();
      this.wf(`${this.indentStr(key)}[[${this.keyString(key)}]]`);
      this.newline();
      this.eMapOrStruct(key, trv as Map<unknown, GoValue> | GoStruct, false);
    }
  }

  private writeKeyValue(key: string[], val: GoValue, inline: boolean): void {
    if (key.length === 0) {
      this.eElement(val);
      return;
    }
    this.wf(`${this.indentStr(key)}${maybeQuoted(key[key.length - 1])} = `);
    this.eElement(val);
    if (!inline) this.newline();
  }

  private eElement(rv: GoValue): void {
    rv = deref(rv);
    if (typeof rv === 'string') {
      this.wf('"' + tomlEscape(rv) + '"');
      return;
    }
    if (typeof rv === 'boolean') {
      this.wf(rv ? 'true' : 'false');
      return;
    }
    if (rv instanceof GoInt) {
      this.wf(rv.value.toString());
      return;
    }
    if (typeof rv === 'number') {
      if (Number.isNaN(rv)) this.wf('nan');
      else if (!Number.isFinite(rv)) this.wf(rv < 0 ? '-inf' : 'inf');
      else {
        const s = formatFloat(rv, 'f', -1, 64);
        this.wf(s.includes('.') ? s : s + '.0');
      }
      return;
    }
    if (Array.isArray(rv)) {
      this.guard(rv, () => {
        this.wf('[');
        rv.forEach((el, i) => {
          this.eElement(el);
          if (i !== rv.length - 1) this.wf(', ');
        });
        this.wf(']');
      });
      return;
    }
    if (rv instanceof GoStruct && isDuration(rv)) {
      this.wf(String((rv as unknown as { nanos: bigint }).nanos));
      return;
    }
    if (rv instanceof Map || rv instanceof GoStruct) {
      this.eMapOrStruct([], rv, true);
      return;
    }
    if (isNilish(rv)) throw new TomlError('toml: cannot encode array with nil element');
    throw new TomlError(`toml: unexpected type: ${typeOf(rv)}`);
  }
}

function kindName(v: GoValue): string {
  if (v instanceof GoComplex) return v.kind;
  if (typeof v === 'function') return 'func';
  if (v instanceof GoIter) return v.mode === 'chan' ? 'chan' : 'func';
  return typeOf(v);
}

/** toml.NewEncoder(b).Encode(v): the text, or throws TomlError with the encoder's message. */
export function tomlEncode(v: GoValue): string {
  const enc = new TomlEncoder();
  try {
    enc.encode([], v);
  } catch (e) {
    if (e instanceof RangeError) throw new TomlError('toml: value too deeply nested');
    throw e;
  }
  return enc.result();
}

// ============================================================================================== decoder

interface TablePath {
  table: Map<string, GoValue>;
}

const DEFINED = Symbol('tomlDefined');
const INLINE = Symbol('tomlInline');
const ARRAY_OF_TABLES = Symbol('tomlArrayOfTables');
type Marked = { [DEFINED]?: boolean; [INLINE]?: boolean; [ARRAY_OF_TABLES]?: boolean };

function mark(o: object, sym: symbol): void {
  Object.defineProperty(o, sym, { value: true, enumerable: false, configurable: true });
}

/** toml.Unmarshal(text, &map[string]interface{}). Throws TomlError (`toml: line N: ...`). */
/** A backslash, white space, and a line break (sticky: matched at a given index without slicing the text). */
const LINE_ENDING_BACKSLASH = /\\[ \t]*\r?\n/y;

export function tomlDecode(text: string): Map<string, GoValue> {
  return new TomlParser(text).parse();
}

class TomlParser {
  private i = 0;
  private line = 1;
  private lastKey = '';
  private readonly root = new Map<string, GoValue>();
  private current: TablePath;
  private readonly implicit = new Set<object>();

  constructor(private readonly s: string) {
    this.current = { table: this.root };
  }

  private err(msg: string, line = this.line): never {
    if (this.lastKey === '') throw new TomlError(`toml: line ${line}: ${msg}`);
    throw new TomlError(`toml: line ${line} (last key ${JSON.stringify(this.lastKey)}): ${msg}`);
  }

  private peek(o = 0): string {
    return this.s[this.i + o] ?? '';
  }
  private eof(): boolean {
    return this.i >= this.s.length;
  }
  private next(): string {
    const c = this.s[this.i++] ?? '';
    if (c === '\n') this.line++;
    return c;
  }

  private skipWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }

  private skipComment(): void {
    if (this.peek() === '#') {
      while (!this.eof() && this.peek() !== '\n') {
        const c = this.peek();
        const code = c.charCodeAt(0);
        if ((code < 0x20 && c !== '\t' && c !== '\r') || code === 0x7f) this.err(`control characters are not allowed in comments: 0x${code.toString(16).padStart(2, '0')}`);
        this.i++;
      }
    }
  }

  private expectLineEnd(): void {
    this.skipWs();
    this.skipComment();
    if (this.eof()) return;
    if (this.peek() === '\r' && this.peek(1) === '\n') {
      this.i++;
      this.next();
      return;
    }
    if (this.peek() === '\n') {
      this.next();
      return;
    }
    this.err(`expected a top-level item to end with a newline, comment, or EOF, but got ${quoteRune(this.peek())} instead`);
  }

  parse(): Map<string, GoValue> {
    for (;;) {
      this.skipWs();
      if (this.eof()) break;
      const c = this.peek();
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === '\n') {
        this.next();
        continue;
      }
      if (c === '\r' && this.peek(1) === '\n') {
        this.i++;
        this.next();
        continue;
      }
      if (c === '[') {
        this.parseTableHeader();
        this.expectLineEnd();
        continue;
      }
      this.parseKeyValue(this.current.table, true);
      this.expectLineEnd();
    }
    return this.root;
  }

  private parseKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipWs();
      const c = this.peek();
      if (c === '"') {
        parts.push(this.basicString());
      } else if (c === "'") {
        parts.push(this.literalString());
      } else {
        let k = '';
        while (isBareKeyChar(this.peek())) k += this.s[this.i++];
        if (k === '') {
          if (this.eof()) this.err('unexpected EOF; expected key separator \'=\'');
          if (this.peek() === '\n' || this.peek() === '\r') this.err(`expected key separator '=', but got '\\n' instead`);
          this.err(`bare keys cannot contain ${quoteRune(this.peek())}`);
        }
        parts.push(k);
      }
      this.skipWs();
      if (this.peek() === '.') {
        this.i++;
        continue;
      }
      return parts;
    }
  }

  private parseTableHeader(): void {
    this.i++;
    const array = this.peek() === '[';
    if (array) this.i++;
    const key = this.parseKey();
    if (array) {
      if (this.peek() !== ']' || this.peek(1) !== ']') this.err(`expected ']]' to close an array of tables`);
      this.i += 2;
    } else {
      if (this.peek() !== ']') this.err(`expected ']' to close a table name, but got ${quoteRune(this.peek())} instead`);
      this.i++;
    }
    this.lastKey = key.join('.');
    let t = this.root;
    for (let k = 0; k < key.length - 1; k++) t = this.descend(t, key[k], key.slice(0, k + 1));
    const last = key[key.length - 1];
    const existing = t.get(last);
    if (array) {
      let arr: GoValue[];
      if (existing === undefined) {
        arr = [];
        mark(arr, ARRAY_OF_TABLES);
        t.set(last, arr);
      } else if (Array.isArray(existing) && (existing as Marked)[ARRAY_OF_TABLES]) {
        arr = existing;
      } else {
        this.err(`key ${JSON.stringify(this.lastKey)} has already been defined`);
      }
      const nt = new Map<string, GoValue>();
      arr.push(nt);
      this.current = { table: nt };
      return;
    }
    if (existing === undefined) {
      const nt = new Map<string, GoValue>();
      mark(nt, DEFINED);
      t.set(last, nt);
      this.current = { table: nt };
      return;
    }
    if (existing instanceof Map && !(existing as Marked)[DEFINED] && !(existing as Marked)[INLINE] && this.implicit.has(existing)) {
      mark(existing, DEFINED);
      this.current = { table: existing as Map<string, GoValue> };
      return;
    }
    this.err(`table ${JSON.stringify(this.lastKey)} has already been defined`);
  }

  private descend(t: Map<string, GoValue>, k: string, path: string[]): Map<string, GoValue> {
    const v = t.get(k);
    if (v === undefined) {
      const nt = new Map<string, GoValue>();
      this.implicit.add(nt);
      t.set(k, nt);
      return nt;
    }
    if (v instanceof Map && !(v as Marked)[INLINE]) return v as Map<string, GoValue>;
    if (Array.isArray(v) && (v as Marked)[ARRAY_OF_TABLES] && v.length > 0) return v[v.length - 1] as Map<string, GoValue>;
    return this.err(`key ${JSON.stringify(path.join('.'))} has already been defined`);
  }

  private parseKeyValue(table: Map<string, GoValue>, top: boolean): void {
    const key = this.parseKey();
    if (this.eof()) this.err("unexpected EOF; expected key separator '='");
    if (this.peek() !== '=') {
      if (this.peek() === '\n' || this.peek() === '\r') this.err(`expected key separator '=', but got '\\n' instead`);
      this.err(`expected key separator '=', but got ${quoteRune(this.peek())} instead`);
    }
    this.i++;
    this.skipWs();
    const line = this.line;
    if (top) this.lastKey = key.join('.');
    let t = table;
    for (let k = 0; k < key.length - 1; k++) {
      const v = t.get(key[k]);
      if (v === undefined) {
        const nt = new Map<string, GoValue>();
        this.implicit.add(nt);
        t.set(key[k], nt);
        t = nt;
      } else if (v instanceof Map && !(v as Marked)[INLINE] && !(v as Marked)[DEFINED]) {
        t = v as Map<string, GoValue>;
      } else {
        this.err(`key ${JSON.stringify(key.slice(0, k + 1).join('.'))} has already been defined`, line);
      }
    }
    const last = key[key.length - 1];
    const value = this.parseValue();
    if (t.has(last)) this.err(`key ${JSON.stringify(key.join('.'))} has already been defined`, line);
    t.set(last, value);
  }

  private parseValue(): GoValue {
    this.skipWs();
    const c = this.peek();
    if (this.eof()) this.err('unexpected EOF; expected value');
    if (c === '"') {
      if (this.s.startsWith('"""', this.i)) return this.multiBasicString();
      return this.basicString();
    }
    if (c === "'") {
      if (this.s.startsWith("'''", this.i)) return this.multiLiteralString();
      return this.literalString();
    }
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    if (this.s.startsWith('true', this.i) && !/[A-Za-z0-9_-]/.test(this.peek(4))) {
      this.i += 4;
      return true;
    }
    if (this.s.startsWith('false', this.i) && !/[A-Za-z0-9_-]/.test(this.peek(5))) {
      this.i += 5;
      return false;
    }
    return this.numberOrDate();
  }

  private numberOrDate(): GoValue {
    const rest = this.s.slice(this.i);
    const dt = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|z|[+-]\d{2}:\d{2})?)?/.exec(rest);
    if (dt && (dt[2] !== undefined || !/^[0-9]/.test(rest.slice(dt[0].length)))) {
      this.i += dt[0].length;
      return dt[0];
    }
    const tm = /^\d{2}:\d{2}:\d{2}(?:\.\d+)?/.exec(rest);
    if (tm) {
      this.i += tm[0].length;
      return tm[0];
    }
    const m = /^[+-]?(?:inf|nan)|^[+-]?0x[0-9A-Fa-f_]+|^0o[0-7_]+|^0b[01_]+|^[+-]?[0-9_]+(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?/.exec(rest);
    if (!m) {
      const word = /^[^\s,\]}#]*/.exec(rest)?.[0] ?? '';
      this.err(`expected value but found ${quoteStr(word || this.peek())} instead`);
    }
    const tok = m[0];
    this.i += tok.length;
    if (/inf$/.test(tok)) return tok.startsWith('-') ? -Infinity : Infinity;
    if (/nan$/.test(tok)) return NaN;
    if (/^[+-]?0x/.test(tok) || tok.startsWith('0o') || tok.startsWith('0b')) {
      const body = tok.replace(/_/g, '').replace(/^\+/, '');
      const v = BigInt(body.startsWith('-') ? '-' + body.slice(1) : body);
      return this.int64(v, tok);
    }
    if (/[.eE]/.test(tok)) {
      if (/(^|[^0-9])_|_($|[^0-9])/.test(tok)) this.err(`invalid float: ${JSON.stringify(tok)}`);
      if (/^[+-]?0[0-9]/.test(tok)) this.err(`invalid float: ${JSON.stringify(tok)}`);
      return Number(tok.replace(/_/g, ''));
    }
    if (/^[+-]?0[0-9]/.test(tok)) this.err(`invalid integer: ${JSON.stringify(tok)}`);
    if (/(^|[^0-9])_|_($|[^0-9])/.test(tok)) this.err(`invalid integer: ${JSON.stringify(tok)}`);
    return this.int64(BigInt(tok.replace(/_/g, '')), tok);
  }

  private int64(v: bigint, tok: string): GoInt {
    if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) this.err(`integer value ${JSON.stringify(tok)} cannot be represented as an int64`);
    return new GoInt('int64', v);
  }

  private basicString(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.eof()) this.err('unexpected EOF; expected \'"\'');
      const c = this.s[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\n') this.err('strings cannot contain newlines');
      if (c === '\\') {
        out += this.escape();
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(): string {
    this.i++;
    const e = this.s[this.i++];
    switch (e) {
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      case '"': return '"';
      case '\\': return '\\';
      case 'e': return '\x1b';
      case 'u': case 'U': {
        const len = e === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.err(`invalid escape character ${JSON.stringify(hex)}; only hexadecimal digits are allowed`);
        this.i += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      default:
        return this.err(`invalid escape character ${quoteRune(e ?? '')}; only the following escape characters are allowed: \\b, \\t, \\n, \\f, \\r, \\", \\\\, \\uXXXX, and \\UXXXXXXXX`);
    }
  }

  /** Steps over a multi-line string's opening delimiter and the newline right after it (TOML trims it). */
  private openMultiline(): void {
    this.i += 3;
    if (this.peek() === '\n') this.next();
    else if (this.peek() === '\r' && this.peek(1) === '\n') {
      this.i++;
      this.next();
    }
  }

  /**
   * At the closing delimiter of a multi-line string: steps over it and returns the up to two quote characters
   * right before it that belong to the content (`"""""` ends with `""` of content). Undefined elsewhere.
   */
  private closeMultiline(quote: '"' | "'"): string | undefined {
    if (!this.s.startsWith(quote.repeat(3), this.i)) return undefined;
    this.i += 3;
    let extra = '';
    while (this.peek() === quote && extra.length < 2) {
      extra += quote;
      this.i++;
    }
    return extra;
  }

  private multiBasicString(): string {
    this.openMultiline();
    let out = '';
    for (;;) {
      if (this.eof()) this.err('unexpected EOF; expected \'"""\'');
      const closing = this.closeMultiline('"');
      if (closing !== undefined) return out + closing;
      const c = this.s[this.i];
      if (c === '\\') {
        // A line-ending backslash: the backslash, the line break and all white space after it are dropped.
        LINE_ENDING_BACKSLASH.lastIndex = this.i;
        const after = LINE_ENDING_BACKSLASH.exec(this.s);
        if (after) {
          this.i += after[0].length - 1;
          this.next();
          while (/[ \t\r\n]/.test(this.peek())) this.next();
          continue;
        }
        out += this.escape();
        continue;
      }
      out += this.next();
    }
  }

  private literalString(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.eof()) this.err("unexpected EOF; expected \"'\"");
      const c = this.s[this.i];
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\n') this.err('strings cannot contain newlines');
      out += c;
      this.i++;
    }
  }

  private multiLiteralString(): string {
    this.openMultiline();
    let out = '';
    for (;;) {
      if (this.eof()) this.err("unexpected EOF; expected \"'''\"");
      const closing = this.closeMultiline("'");
      if (closing !== undefined) return out + closing;
      out += this.next();
    }
  }

  private skipWsNl(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\n') this.next();
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  private array(): GoValue[] {
    this.i++;
    const out: GoValue[] = [];
    for (;;) {
      this.skipWsNl();
      if (this.eof()) this.err('unexpected EOF; expected \']\'');
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      out.push(this.parseValue());
      this.skipWsNl();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      if (this.eof()) this.err('unexpected EOF; expected \']\'');
      this.err(`expected a comma (',') or array terminator (']'), but got ${quoteRune(this.peek())}`);
    }
  }

  private inlineTable(): Map<string, GoValue> {
    this.i++;
    const t = new Map<string, GoValue>();
    mark(t, INLINE);
    this.skipWs();
    if (this.peek() === '}') {
      this.i++;
      return t;
    }
    for (;;) {
      this.skipWs();
      this.parseKeyValue(t, false);
      this.skipWs();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() === '}') {
        this.i++;
        return t;
      }
      if (this.eof()) this.err("unexpected EOF; expected '}'");
      this.err(`expected a comma or an inline table terminator '}', but got ${quoteRune(this.peek())} instead`);
    }
  }
}

function quoteRune(c: string): string {
  if (c === '') return "'\\x00'";
  if (c === '\n') return "'\\n'";
  if (c === '\t') return "'\\t'";
  if (c === '\r') return "'\\r'";
  if (c === "'") return "'\\''";
  return `'${c}'`;
}

function quoteStr(s: string): string {
  return JSON.stringify(s);
}
