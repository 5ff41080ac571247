/**
 * YAML as Helm produces and reads it:
 *  - `sigsYamlMarshal` = sigs.k8s.io/yaml.Marshal: json.Marshal, then yaml.v2 Unmarshal of that JSON (numbers
 *    re-typed as int/uint/float by yaml.v2's resolver), then yaml.v2 Marshal (natural key order, v2 quoting and
 *    folding). Helm's `toYaml` is this with the final newline trimmed and errors swallowed.
 *  - `goYamlV3Marshal` = goyaml.v3 Encoder with SetIndent(2) on the Go value itself (Helm's `toYamlPretty`).
 *  - `sigsYamlUnmarshal` = sigs.k8s.io/yaml.Unmarshal into map[string]interface{} / []interface{} (YAML -> JSON
 *    -> encoding/json; every number becomes float64), with its error wording.
 */
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar, type Node as YamlNode } from 'yaml';
import {
  GoComplex, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, fromJS, fromMapKey, keyType, mapType, typeOf,
  formatFloat
} from '../../gotemplate/index.js';
import { JNode, JsonMarshalError, JsonUnmarshalError, goToJNode, jnodeToGo, jsonFloat } from './json.js';
import { goYamlErrorText } from '../yamlgo.js';
import { Flavour, GoYamlEmitter, ScalarStyle, YEvent } from './yamlemit.js';
import {
  GO_KIND, Resolved, SortKey, isBase60Float, isOldBool, resolvePlain, sortYamlKeys
} from './yamlresolve.js';

/** go-yaml's stringv style choice for an untagged string. */
export function stringStyle(s: string, flavour: Flavour): ScalarStyle {
  const r = resolvePlain(s);
  const canUsePlain = r.tag === 'str' && !isBase60Float(s) && !(flavour === 'v3' && isOldBool(s));
  if (s.includes('\n')) return 'literal';
  return canUsePlain ? 'plain' : 'double';
}

/** yaml floatv: strconv 'g' shortest, with .inf/-.inf/.nan. */
export function yamlFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  return formatFloat(f, 'g', -1, 64);
}

/** An error while producing YAML (Go would return an error or panic inside the encoder). */
export class YamlMarshalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlMarshalError';
  }
}

// ---------------------------------------------------------------------------------------- v2 via JSON

function jnodeEvents(n: JNode, out: YEvent[]): void {
  switch (n.t) {
    case 'null':
      out.push({ t: 'scalar', value: 'null', style: 'plain' });
      return;
    case 'bool':
      out.push({ t: 'scalar', value: n.v ? 'true' : 'false', style: 'plain' });
      return;
    case 'num': {
      const r = resolvePlain(n.text);
      out.push({ t: 'scalar', value: resolvedNumberText(r, n.text), style: 'plain' });
      return;
    }
    case 'str':
      out.push({ t: 'scalar', value: n.v, style: stringStyle(n.v, 'v2') });
      return;
    case 'arr':
      out.push({ t: 'seq-start' });
      for (const it of n.items) jnodeEvents(it, out);
      out.push({ t: 'seq-end' });
      return;
    case 'obj': {
      out.push({ t: 'map-start' });
      const sorted = sortYamlKeys(n.entries, (e): SortKey => ({ kind: 'string', s: e[0] }));
      for (const [k, v] of sorted) {
        out.push({ t: 'scalar', value: k, style: stringStyle(k, 'v2') });
        jnodeEvents(v, out);
      }
      out.push({ t: 'map-end' });
      return;
    }
  }
}

function resolvedNumberText(r: Resolved, text: string): string {
  if (r.tag === 'int') return r.value.toString();
  if (r.tag === 'float') return yamlFloat(r.value);
  return text;
}

/** yaml.v2 Marshal of the value json.Marshal produced (the JNode). Ends with a newline. */
export function yamlV2FromJNode(n: JNode): string {
  const events: YEvent[] = [];
  jnodeEvents(n, events);
  return new GoYamlEmitter('v2').emitDocument(events);
}

/**
 * sigs.k8s.io/yaml.Marshal(v): the YAML text (ends with a newline). Accepts Go values or plain JS data
 * (objects/arrays/numbers as parsed JSON: numbers are float64). Throws YamlMarshalError worded as Go's
 * (`error marshaling into JSON: json: unsupported type: func()`).
 */
export function goYamlMarshal(value: GoValue | unknown): string {
  const gv = isGoValue(value) ? value : fromJS(value, 'float64');
  let node: JNode;
  try {
    node = goToJNode(gv);
  } catch (e) {
    if (e instanceof JsonMarshalError) throw new YamlMarshalError(`error marshaling into JSON: ${e.message}`);
    throw e;
  }
  return yamlV2FromJNode(node);
}

export const sigsYamlMarshal = goYamlMarshal;

function isGoValue(v: unknown): v is GoValue {
  if (v === null || v === undefined) return true;
  switch (typeof v) {
    case 'boolean': case 'string': case 'number': case 'function': return true;
    case 'object':
      return Array.isArray(v) || v instanceof Map || v instanceof GoInt || v instanceof GoStruct ||
        v instanceof GoPointer || v instanceof GoNil || v instanceof GoComplex || v instanceof GoIter;
  }
  return false;
}

/** Helm's toYaml: sigs.k8s.io/yaml.Marshal with the trailing newline trimmed; "" on error. */
export function helmToYaml(v: GoValue): string {
  try {
    return trimOneNewline(goYamlMarshal(v));
  } catch (e) {
    if (e instanceof YamlMarshalError) return '';
    if (isStackOverflow(e)) return '';
    throw e;
  }
}

export function trimOneNewline(s: string): string {
  return s.endsWith('\n') ? s.slice(0, -1) : s;
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

// ---------------------------------------------------------------------------------------- v3 direct

/** goyaml.v3 Encoder (SetIndent(2)).Encode(v) — Helm's toYamlPretty before trimming. Throws YamlMarshalError. */
export function goYamlV3Marshal(v: GoValue): string {
  const events: YEvent[] = [];
  const seen = new Set<object>();
  const enc = (x: GoValue): void => {
    if (x === null || x === undefined) {
      events.push({ t: 'scalar', value: 'null', style: 'plain' });
      return;
    }
    switch (typeof x) {
      case 'boolean':
        events.push({ t: 'scalar', value: x ? 'true' : 'false', style: 'plain' });
        return;
      case 'string':
        events.push({ t: 'scalar', value: x, style: stringStyle(x, 'v3') });
        return;
      case 'number':
        events.push({ t: 'scalar', value: yamlFloat(x), style: 'plain' });
        return;
      case 'function':
        throw new YamlMarshalError(`cannot marshal type: ${typeOf(x)}`);
    }
    if (x instanceof GoInt) {
      events.push({ t: 'scalar', value: x.value.toString(), style: 'plain' });
      return;
    }
    if (x instanceof GoNil) {
      if (x.type.startsWith('map[')) {
        events.push({ t: 'map-start' }, { t: 'map-end' });
      } else if (x.type.startsWith('[]')) {
        events.push({ t: 'seq-start' }, { t: 'seq-end' });
      } else {
        events.push({ t: 'scalar', value: 'null', style: 'plain' });
      }
      return;
    }
    if (x instanceof GoComplex || x instanceof GoIter) throw new YamlMarshalError(`cannot marshal type: ${typeOf(x)}`);
    if (x instanceof GoPointer) return guard(x, () => enc(x.target));
    if (Array.isArray(x)) {
      return guard(x, () => {
        events.push({ t: 'seq-start' });
        for (const it of x) enc(it);
        events.push({ t: 'seq-end' });
      });
    }
    if (x instanceof Map) {
      return guard(x, () => {
        const t = mapType(x);
        const entries = [...x].map(([k, val]) => [fromMapKey(t, k), val] as [GoValue, GoValue]);
        const sorted = sortYamlKeys(entries, (e) => sortKeyOf(e[0], keyType(t)));
        events.push({ t: 'map-start' });
        for (const [k, val] of sorted) {
          enc(k);
          enc(val);
        }
        events.push({ t: 'map-end' });
      });
    }
    if (x instanceof GoStruct) {
      const nanos = (x as unknown as { nanos?: unknown }).nanos;
      if (x.type === 'time.Duration' && typeof nanos === 'bigint') {
        const s = String(x.methods?.String?.call(undefined as never) ?? nanos.toString());
        events.push({ t: 'scalar', value: s, style: stringStyle(s, 'v3') });
        return;
      }
      return guard(x, () => {
        events.push({ t: 'map-start' });
        for (const [name, val] of x.fields) {
          if (!/^\p{Lu}/u.test(name)) continue;
          enc(name.toLowerCase());
          enc(val);
        }
        events.push({ t: 'map-end' });
      });
    }
    throw new YamlMarshalError(`cannot marshal type: ${typeOf(x)}`);
  };
  const guard = (o: object, f: () => void): void => {
    if (seen.has(o)) throw new YamlMarshalError('cycle');
    seen.add(o);
    try {
      f();
    } finally {
      seen.delete(o);
    }
  };
  enc(v);
  return new GoYamlEmitter('v3').emitDocument(events);
}

function sortKeyOf(k: GoValue, kt: string): SortKey {
  if (typeof k === 'string') return { kind: 'string', s: k };
  if (typeof k === 'number') return { kind: 'number', f: k, goKind: GO_KIND.float64, n: k };
  if (typeof k === 'boolean') return { kind: 'number', f: k ? 1 : 0, goKind: GO_KIND.bool, n: k ? 1 : 0 };
  if (k instanceof GoInt) {
    const gk = (GO_KIND as Record<string, number>)[k.kind] ?? GO_KIND.int;
    return { kind: 'number', f: Number(k.value), goKind: gk, n: k.value };
  }
  void kt;
  return { kind: 'other', goKind: GO_KIND.struct };
}

/** Helm's toYamlPretty: "" on error, trailing newline trimmed. */
export function helmToYamlPretty(v: GoValue): string {
  try {
    return trimOneNewline(goYamlV3Marshal(v));
  } catch (e) {
    if (e instanceof YamlMarshalError || isStackOverflow(e)) return '';
    throw e;
  }
}

// ---------------------------------------------------------------------------------------- decoding

/** An error from sigs.k8s.io/yaml.Unmarshal, worded as Go's. */
export class YamlUnmarshalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'YamlUnmarshalError';
  }
}

type JsonAble = null | boolean | string | number | bigint | JsonAble[] | Map<string, JsonAble>;

/**
 * yaml.v2 Unmarshal into interface{} followed by sigs.k8s.io's convertToJSONableObject: the value that would be
 * json.Marshal'ed. Numbers: ints as bigint, floats as number. Throws YamlUnmarshalError.
 */
export function yamlV2DecodeJSONable(text: string): JsonAble {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    strict: false,
    prettyErrors: false
  } as never);
  const list = Array.isArray(docs) ? docs : [docs];
  const doc = list[0] as Document.Parsed | undefined;
  if (!doc) return null;
  if (doc.errors.length > 0) {
    throw new YamlUnmarshalError(`error converting YAML to JSON: yaml: ${goYamlErrorText(doc.errors[0], text).text}`);
  }
  const conv = (node: unknown, depth: number): JsonAble => {
    if (depth > 10000) throw new YamlUnmarshalError('error converting YAML to JSON: yaml: exceeded max depth');
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) {
        throw new YamlUnmarshalError(`error converting YAML to JSON: yaml: unknown anchor '${String(node.source)}' referenced`);
      }
      return conv(target, depth + 1);
    }
    if (isScalar(node)) return scalarValue(node);
    if (isSeq(node)) return node.items.map((it) => conv(it, depth + 1));
    if (isMap(node)) {
      const m = new Map<string, JsonAble>();
      const merges: JsonAble[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const kn = pair.key as unknown;
        if (isScalar(kn) && kn.value === '<<' && kn.type === Scalar.PLAIN && !kn.tag) {
          merges.push(conv(pair.value, depth + 1));
          continue;
        }
        const k = conv(kn, depth + 1);
        m.set(jsonKey(k), conv(pair.value, depth + 1));
      }
      if (merges.length > 0) {
        // yaml.v2: merged keys apply first, explicit keys override them; a sequence of maps merges in order
        // with earlier maps taking precedence.
        const merged = new Map<string, JsonAble>();
        for (const mv of merges) {
          const list = Array.isArray(mv) ? [...mv].reverse() : [mv];
          for (const one of list) {
            if (!(one instanceof Map)) {
              throw new YamlUnmarshalError('error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value');
            }
            for (const [k, v] of one) merged.set(k, v);
          }
        }
        for (const [k, v] of m) merged.set(k, v);
        return merged;
      }
      return m;
    }
    return null;
  };
  return conv(doc.contents as YamlNode | null, 0);
}

function scalarValue(node: Scalar): JsonAble {
  const raw = typeof node.value === 'string' ? node.value : String(node.value);
  const tag = node.tag;
  const plain = node.type === Scalar.PLAIN || node.type === undefined;
  if (tag && tag !== '!') {
    const short = tag.replace(/^tag:yaml.org,2002:/, '!!');
    switch (short) {
      case '!!str': return raw;
      case '!!binary': return Buffer.from(raw.replace(/\s+/g, ''), 'base64').toString('latin1');
      case '!!null': return null;
      case '!!bool': case '!!int': case '!!float': {
        const r = resolvePlain(raw);
        return resolvedToJSONable(r, raw);
      }
      default:
        return raw;
    }
  }
  if (!plain) return raw;
  return resolvedToJSONable(resolvePlain(raw), raw);
}

function resolvedToJSONable(r: Resolved, raw: string): JsonAble {
  switch (r.tag) {
    case 'str': case 'timestamp': case 'merge': return r.tag === 'str' ? r.value : raw;
    case 'bool': return r.value;
    case 'null': return null;
    case 'int': return r.value;
    case 'float': return r.value;
  }
}

/** sigs.k8s.io convertToJSONableObject key stringification. */
function jsonKey(k: JsonAble): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'bigint') return k.toString();
  if (typeof k === 'number') {
    const s = formatFloat(k, 'g', -1, 32);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
  }
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) {
    throw new YamlUnmarshalError('error converting YAML to JSON: unsupported map key of type: <nil>, key: <nil>');
  }
  throw new YamlUnmarshalError('error converting YAML to JSON: yaml: invalid map key');
}


/** JSONable -> the JNode json.Marshal would produce for it (NaN/Inf rejected as Go does). */
function jsonableToJNode(v: JsonAble): JNode {
  if (v === null) return { t: 'null' };
  switch (typeof v) {
    case 'boolean': return { t: 'bool', v };
    case 'string': return { t: 'str', v };
    case 'bigint': return { t: 'num', text: v.toString() };
    case 'number':
      try {
        return { t: 'num', text: jsonFloat(v) };
      } catch (e) {
        if (e instanceof JsonMarshalError) throw new YamlUnmarshalError(`error converting YAML to JSON: ${e.message}`);
        throw e;
      }
  }
  if (Array.isArray(v)) return { t: 'arr', items: v.map(jsonableToJNode) };
  return { t: 'obj', entries: [...v].map(([k, x]) => [k, jsonableToJNode(x)] as [string, JNode]) };
}

/**
 * sigs.k8s.io/yaml.Unmarshal(text, &target): target 'map' (map[string]interface{}), 'slice' ([]interface{}) or
 * 'any'. Returns the Go value (numbers float64); undefined when the document is null (target unchanged).
 * Throws YamlUnmarshalError with Go's message.
 */
export function sigsYamlUnmarshal(text: string, target: 'map' | 'slice' | 'any'): GoValue | undefined {
  const jsonable = yamlV2DecodeJSONable(text);
  const node = jsonableToJNode(jsonable);
  if (node.t === 'null') return target === 'any' ? null : undefined;
  if (target !== 'any') {
    const want = target === 'map' ? 'obj' : 'arr';
    if (node.t !== want) {
      const kind = node.t === 'obj' ? 'object' : node.t === 'arr' ? 'array' : node.t === 'num' ? 'number' : node.t === 'str' ? 'string' : 'bool';
      const goType = target === 'map' ? 'map[string]interface {}' : '[]interface {}';
      throw new YamlUnmarshalError(
        `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${goType}`
      );
    }
  }
  try {
    return jnodeToGo(node);
  } catch (e) {
    if (e instanceof JsonUnmarshalError) throw new YamlUnmarshalError(`error unmarshaling JSON: while decoding JSON: ${e.message}`);
    throw e;
  }
}
