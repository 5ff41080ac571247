/**
 * Go's encoding/json for the template value model: `json.Marshal` (sorted map keys, HTML escaping, Go float
 * formatting, []byte as base64, cycle and unsupported-type errors worded as Go words them) and
 * `json.Unmarshal` into interface{} (numbers become float64; syntax and type errors worded as Go's).
 */
import {
  compareStringsBytewise,
  GoComplex, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, findMethod, isIntKind, keyType, mapType, sliceType,
  typeOf, fromMapKey
} from '../../gotemplate/index.js';

/** A JSON value as json.Marshal produced it (numbers keep their Go text; object keys sorted). */
export type JNode =
  | { t: 'null' }
  | { t: 'bool'; v: boolean }
  | { t: 'num'; text: string }
  | { t: 'str'; v: string }
  | { t: 'arr'; items: JNode[] }
  | { t: 'obj'; entries: [string, JNode][] };

/** An error from json.Marshal (message as Go's, e.g. `json: unsupported type: func()`). */
export class JsonMarshalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonMarshalError';
  }
}

/** An error from json.Unmarshal (message as Go's, e.g. `unexpected end of JSON input`). */
export class JsonUnmarshalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonUnmarshalError';
  }
}

/** Go's encoding/json float format (`'f'` between 1e-6 and 1e21, else `'e'` with a trimmed exponent). */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) {
    throw new JsonMarshalError(`json: unsupported value: ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  }
  if (Object.is(f, -0)) return '-0';
  // JS Number#toString uses the shortest round-trip digits and switches to exponent form exactly where
  // Go's json encoder does (abs < 1e-6 or abs >= 1e21), with the same exponent spelling after json's cleanup.
  return String(f);
}

const START_DETECTING_CYCLES_AFTER = 1000;

/** Containers whose revisiting Go's encoder reports as a cycle (maps, slices, pointers). */
type Tracked = object;

/** json.Marshal(v) as a tree. Throws JsonMarshalError. */
export function goToJNode(v: GoValue): JNode {
  const stack: Tracked[] = [];
  const onStack = new Set<Tracked>();
  const stackTypes: string[] = [];

  const enter = (o: Tracked, type: string): void => {
    if (onStack.has(o)) {
      // Go only starts recording containers once 1000 are open; it reports the first container it sees twice
      // after that, which is the one of the cycle sitting at depth 1001.
      const j = stack.indexOf(o);
      const p = stack.length - j;
      const idx = START_DETECTING_CYCLES_AFTER + 1 >= j ? j + ((START_DETECTING_CYCLES_AFTER + 1 - j) % p) : j;
      throw new JsonMarshalError(`json: unsupported value: encountered a cycle via ${stackTypes[idx]}`);
    }
    stack.push(o);
    stackTypes.push(type);
    onStack.add(o);
  };
  const leave = (o: Tracked): void => {
    stack.pop();
    stackTypes.pop();
    onStack.delete(o);
  };

  const enc = (x: GoValue): JNode => {
    if (x === null || x === undefined) return { t: 'null' };
    switch (typeof x) {
      case 'boolean': return { t: 'bool', v: x };
      case 'string': return { t: 'str', v: x };
      case 'number': return { t: 'num', text: jsonFloat(x) };
      case 'function': throw new JsonMarshalError(`json: unsupported type: ${typeOf(x)}`);
    }
    if (x instanceof GoInt) return { t: 'num', text: x.value.toString() };
    if (x instanceof GoComplex || x instanceof GoIter) throw new JsonMarshalError(`json: unsupported type: ${typeOf(x)}`);
    if (x instanceof GoNil) {
      if (x.type.startsWith('func') || x.type.startsWith('chan')) throw new JsonMarshalError(`json: unsupported type: ${x.type}`);
      return { t: 'null' };
    }
    if (x instanceof GoPointer) {
      enter(x, x.type);
      try {
        return enc(x.target);
      } finally {
        leave(x);
      }
    }
    const marshal = findMethod(x, 'MarshalJSON');
    if (marshal) {
      const text = marshal.call(noCallContext('MarshalJSON'), x);
      if (typeof text !== 'string') throw new JsonMarshalError('json: error calling MarshalJSON');
      return parseJNode(text);
    }
    if (Array.isArray(x)) {
      const t = sliceType(x);
      if (t === '[]uint8' || t === '[]byte') {
        const bytes = Buffer.from(x.map((b) => (b instanceof GoInt ? Number(b.value) : Number(b)) & 0xff));
        return { t: 'str', v: bytes.toString('base64') };
      }
      enter(x, t);
      try {
        return { t: 'arr', items: x.map(enc) };
      } finally {
        leave(x);
      }
    }
    if (x instanceof Map) {
      const t = mapType(x);
      const kt = keyType(t);
      if (kt !== 'string' && !isIntKind(kt)) throw new JsonMarshalError(`json: unsupported type: ${t}`);
      enter(x, t);
      try {
        const entries: [string, JNode][] = [];
        for (const [k, val] of x) {
          const gk = fromMapKey(t, k);
          const ks = gk instanceof GoInt ? gk.value.toString() : String(gk);
          entries.push([ks, enc(val)]);
        }
        entries.sort((a, b) => compareStringsBytewise(a[0], b[0]));
        return { t: 'obj', entries };
      } finally {
        leave(x);
      }
    }
    if (x instanceof GoStruct) {
      const special = structSpecial(x);
      if (special) return special;
      const go = (): JNode => {
        const entries: [string, JNode][] = [];
        for (const [name, val] of x.fields) {
          if (!/^\p{Lu}/u.test(name)) continue;
          entries.push([name, enc(val)]);
        }
        return { t: 'obj', entries };
      };
      if (x.isPointer) {
        enter(x, x.type);
        try {
          return go();
        } finally {
          leave(x);
        }
      }
      return go();
    }
    throw new JsonMarshalError(`json: unsupported type: ${typeOf(x)}`);
  };
  return enc(v);
}

/** Struct types with a known JSON form (time.Duration is an int64 of nanoseconds, a semver.Version its string). */
function structSpecial(x: GoStruct): JNode | undefined {
  const nanos = (x as unknown as { nanos?: unknown }).nanos;
  if (x.type === 'time.Duration' && typeof nanos === 'bigint') return { t: 'num', text: nanos.toString() };
  const semver = (x as unknown as { semver?: { toString(): string } }).semver;
  if (x.type === '*semver.Version' && semver) return { t: 'str', v: semver.toString() };
  return undefined;
}

function noCallContext(name: string): import('../../gotemplate/index.js').CallContext {
  return {
    name,
    template: undefined,
    templateName: '',
    executeTemplate(): string {
      throw new Error('not available');
    },
    executeText(): string {
      throw new Error('not available');
    }
  };
}


const HEX = '0123456789abcdef';

/** encoding/json string encoding (escapeHTML as json.Marshal does). */
export function jsonQuote(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (!escapeHTML || (c !== 0x3c && c !== 0x3e && c !== 0x26))) {
        out += ch;
        continue;
      }
      switch (c) {
        case 0x5c: case 0x22: out += '\\' + ch; break;
        case 0x08: out += '\\b'; break;
        case 0x0c: out += '\\f'; break;
        case 0x0a: out += '\\n'; break;
        case 0x0d: out += '\\r'; break;
        case 0x09: out += '\\t'; break;
        default: out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd'; // lone surrogate: invalid UTF-8 in Go
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += '\\u202' + HEX[c & 0xf];
      continue;
    }
    out += ch;
  }
  return out + '"';
}

/** Serialize a JNode compactly (json.Marshal output). */
export function jnodeToText(n: JNode, escapeHTML = true): string {
  switch (n.t) {
    case 'null': return 'null';
    case 'bool': return n.v ? 'true' : 'false';
    case 'num': return n.text;
    case 'str': return jsonQuote(n.v, escapeHTML);
    case 'arr': return '[' + n.items.map((i) => jnodeToText(i, escapeHTML)).join(',') + ']';
    case 'obj': return '{' + n.entries.map(([k, v]) => jsonQuote(k, escapeHTML) + ':' + jnodeToText(v, escapeHTML)).join(',') + '}';
  }
}

/** json.Marshal(v). Throws JsonMarshalError. */
export function goJsonMarshal(v: GoValue, escapeHTML = true): string {
  return jnodeToText(goToJNode(v), escapeHTML);
}

// ============================================================================================== decoding

/** Go's quoteChar for scanner errors. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = JSON.stringify(c);
  // strconv.Quote style for control characters
  const cp = c.codePointAt(0) as number;
  if (cp < 0x20 || cp === 0x7f) {
    const map: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
    return "'" + (map[cp] ?? '\\x' + HEX[cp >> 4] + HEX[cp & 0xf]) + "'";
  }
  return "'" + q.slice(1, -1) + "'";
}

/**
 * Parse JSON text with Go's scanner rules into a JNode (numbers keep their text). Throws JsonUnmarshalError
 * with Go's syntax error messages.
 */
export function parseJNode(text: string): JNode {
  let i = 0;
  const n = text.length;
  const eof = (): never => {
    throw new JsonUnmarshalError('unexpected end of JSON input');
  };
  const bad = (ctx: string): never => {
    const ch = String.fromCodePoint(text.codePointAt(i) as number);
    throw new JsonUnmarshalError(`invalid character ${quoteChar(ch)} ${ctx}`);
  };
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= n) eof();
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
    i++;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= n) eof();
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        i++;
        if (i >= n) eof();
        const e = text[i];
        switch (e) {
          case '"': case '\\': case '/': out += e; i++; break;
          case 'b': out += '\b'; i++; break;
          case 'f': out += '\f'; i++; break;
          case 'n': out += '\n'; i++; break;
          case 'r': out += '\r'; i++; break;
          case 't': out += '\t'; i++; break;
          case 'u': {
            i++;
            let code = 0;
            for (let k = 0; k < 4; k++) {
              if (i >= n) eof();
              if (!/[0-9a-fA-F]/.test(text[i])) bad('in \\u hexadecimal character escape');
              code = code * 16 + parseInt(text[i], 16);
              i++;
            }
            out += String.fromCharCode(code);
            break;
          }
          default:
            bad('in string escape code');
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) bad('in string literal');
      out += c;
      i++;
    }
  };
  const num = (): string => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('in numeric literal');
    }
    if (text[i] === '0') {
      i++;
    } else {
      while (i < n && /[0-9]/.test(text[i])) i++;
    }
    if (i < n && text[i] === '.') {
      i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('after decimal point in numeric literal');
      while (i < n && /[0-9]/.test(text[i])) i++;
    }
    if (i < n && (text[i] === 'e' || text[i] === 'E')) {
      i++;
      if (i < n && (text[i] === '+' || text[i] === '-')) i++;
      if (i >= n) eof();
      if (!/[0-9]/.test(text[i])) bad('in exponent of numeric literal');
      while (i < n && /[0-9]/.test(text[i])) i++;
    }
    return text.slice(start, i);
  };
  const value = (): JNode => {
    ws();
    if (i >= n) eof();
    const c = text[i];
    switch (c) {
      case '{': {
        i++;
        const entries: [string, JNode][] = [];
        ws();
        if (i >= n) eof();
        if (text[i] === '}') {
          i++;
          return { t: 'obj', entries };
        }
        for (;;) {
          ws();
          if (i >= n) eof();
          if (text[i] !== '"') bad('looking for beginning of object key string');
          const k = str();
          ws();
          if (i >= n) eof();
          if (text[i] !== ':') bad('after object key');
          i++;
          const v = value();
          entries.push([k, v]);
          ws();
          if (i >= n) eof();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === '}') {
            i++;
            return { t: 'obj', entries };
          }
          bad('after object key:value pair');
        }
      }
      case '[': {
        i++;
        const items: JNode[] = [];
        ws();
        if (i >= n) eof();
        if (text[i] === ']') {
          i++;
          return { t: 'arr', items };
        }
        for (;;) {
          items.push(value());
          ws();
          if (i >= n) eof();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            return { t: 'arr', items };
          }
          bad('after array element');
        }
      }
      case '"': return { t: 'str', v: str() };
      case 't': literal('true'); return { t: 'bool', v: true };
      case 'f': literal('false'); return { t: 'bool', v: false };
      case 'n': literal('null'); return { t: 'null' };
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return { t: 'num', text: num() };
        return bad('looking for beginning of value');
    }
  };
  const v = value();
  ws();
  if (i < n) bad('after top-level value');
  return v;
}

function jsonKind(n: JNode): string {
  switch (n.t) {
    case 'null': return 'null';
    case 'bool': return 'bool';
    case 'num': return 'number';
    case 'str': return 'string';
    case 'arr': return 'array';
    case 'obj': return 'object';
  }
}

/** JNode -> Go value as json.Unmarshal into interface{} makes it (numbers float64). */
export function jnodeToGo(n: JNode): GoValue {
  switch (n.t) {
    case 'null': return null;
    case 'bool': return n.v;
    case 'str': return n.v;
    case 'num': {
      const f = Number(n.text);
      if (!Number.isFinite(f)) throw new JsonUnmarshalError(`json: cannot unmarshal number ${n.text} into Go value of type float64`);
      return f;
    }
    case 'arr': return n.items.map(jnodeToGo);
    case 'obj': {
      const m = new Map<string, GoValue>();
      for (const [k, v] of n.entries) m.set(k, jnodeToGo(v));
      return m;
    }
  }
}

/**
 * json.Unmarshal(text, &target) where target is `map[string]interface {}` ('map'), `[]interface {}` ('slice')
 * or `interface {}` ('any'). Returns the decoded value; throws JsonUnmarshalError with Go's message.
 * For 'map'/'slice', a JSON null leaves the (empty) target unchanged and is returned as undefined.
 */
export function goJsonUnmarshal(text: string, target: 'map' | 'slice' | 'any'): GoValue | undefined {
  const node = parseJNode(text);
  if (target === 'any') return jnodeToGo(node);
  if (node.t === 'null') return undefined;
  const want = target === 'map' ? 'obj' : 'arr';
  if (node.t !== want) {
    const goType = target === 'map' ? 'map[string]interface {}' : '[]interface {}';
    throw new JsonUnmarshalError(`json: cannot unmarshal ${jsonKind(node)} into Go value of type ${goType}`);
  }
  return jnodeToGo(node);
}

export { typeOf as goTypeOf };
