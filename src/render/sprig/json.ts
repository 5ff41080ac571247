/** Go encoding/json as Sprig's toJson family uses it, and json.Unmarshal into interface{} for fromJson. */
import {
  compareStringsBytewise,
  CallContext, GoComplex, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, findMethod, fromJS, kindOf, mapType,
  typeOf
} from '../gotemplate/index.js';
import { bytesOf, callMethod } from './convert.js';

const HEX = '0123456789abcdef';

/** encoding/json string encoding. */
export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else out += '\\u00' + HEX[c >> 4] + HEX[c & 15];
    } else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += '\\u00' + HEX[c >> 4] + HEX[c & 15];
    else if (c === 0x2028 || c === 0x2029) out += '\\u202' + HEX[c & 15];
    else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** encoding/json float64 formatting. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${Number.isNaN(f) ? 'NaN' : f > 0 ? '+Inf' : '-Inf'}`);
  if (Object.is(f, -0)) return '-0';
  // JS uses exponent form exactly when Go's encoder does (|f| < 1e-6 or >= 1e21), with the same digits.
  return String(f);
}

export interface JsonOptions {
  escapeHTML: boolean;
  indent?: string;
  ctx?: CallContext;
}

/** json.Marshal / MarshalIndent(v, "", indent). Throws Go-worded errors. */
export function jsonMarshal(v: GoValue, opts: JsonOptions): string {
  const enc = (x: GoValue, depth: number): string => {
    const nl = (d: number): string => (opts.indent !== undefined ? '\n' + opts.indent.repeat(d) : '');
    const sep = opts.indent !== undefined ? ': ' : ':';
    if (x === null || x === undefined) return 'null';
    const mj = findMethod(x, 'MarshalJSON');
    if (mj) return String(callMethod(opts.ctx, mj, 'MarshalJSON'));
    switch (typeof x) {
      case 'boolean': return x ? 'true' : 'false';
      case 'string': return jsonString(x, opts.escapeHTML);
      case 'number': return jsonFloat(x);
      case 'function': throw new Error(`json: unsupported type: ${typeOf(x)}`);
    }
    if (x instanceof GoInt) return x.value.toString();
    if (x instanceof GoComplex || x instanceof GoIter) throw new Error(`json: unsupported type: ${typeOf(x)}`);
    if (x instanceof GoNil) return 'null';
    if (x instanceof GoPointer) return enc(x.target, depth);
    if (Array.isArray(x)) {
      const b = bytesOf(x);
      if (b) return '"' + Buffer.from(b).toString('base64') + '"';
      if (x.length === 0) return '[]';
      return '[' + x.map((e) => nl(depth + 1) + enc(e, depth + 1)).join(',') + nl(depth) + ']';
    }
    if (x instanceof Map) {
      const t = mapType(x);
      const kt = t.slice(4, t.indexOf(']'));
      if (!(kt === 'string' || kt === 'interface {}' || /^u?int\d*$/.test(kt))) throw new Error(`json: unsupported type: ${t}`);
      const keys = [...x.keys()].map((k) => [String(k), k] as const).sort((a, b) => compareStringsBytewise(a[0], b[0]));
      if (keys.length === 0) return '{}';
      return '{' + keys.map(([ks, k]) => nl(depth + 1) + jsonString(ks, opts.escapeHTML) + sep + enc(x.get(k), depth + 1)).join(',') + nl(depth) + '}';
    }
    if (x instanceof GoStruct) {
      const fields = [...x.fields].filter(([k]) => /^\p{Lu}/u.test(k));
      if (fields.length === 0) return '{}';
      return '{' + fields.map(([k, f]) => nl(depth + 1) + jsonString(k, opts.escapeHTML) + sep + enc(f, depth + 1)).join(',') + nl(depth) + '}';
    }
    throw new Error(`json: unsupported type: ${typeOf(x)}`);
  };
  return enc(v, 0);
}

/** json.Unmarshal into interface{}: objects -> map[string]interface {}, numbers -> float64. */
export function jsonUnmarshal(s: string): GoValue {
  try {
    return fromJS(JSON.parse(s), 'float64');
  } catch (e) {
    throw new Error(goJsonError(s, e));
  }
}

function goJsonError(s: string, e: unknown): string {
  const t = s.trim();
  if (t === '') return 'unexpected end of JSON input';
  const m = /position (\d+)/.exec(String((e as Error).message));
  if (m) {
    const pos = Number(m[1]);
    if (pos >= s.length) return 'unexpected end of JSON input';
    const ch = s[pos];
    const q = ch === "'" ? "'\\''" : `'${ch}'`;
    return `invalid character ${q} looking for beginning of value`;
  }
  if (/Unexpected end/i.test(String((e as Error).message))) return 'unexpected end of JSON input';
  return `invalid character '${t[0]}' looking for beginning of value`;
}

export { kindOf };
