/**
 * Helm's own template functions (helm/helm pkg/engine/funcs.go and the late-bound functions of engine.go), for
 * the Go text/template engine in src/render/gotemplate. The chart renderer merges `createSprigFuncs()` (minus
 * env/expandenv) with `createHelmFuncs()`, these taking precedence, as Helm does.
 *
 * | name | Helm behaviour reproduced |
 * |---|---|
 * | toYaml / mustToYaml | sigs.k8s.io/yaml.Marshal (JSON round trip, yaml.v2 output), trailing newline trimmed; toYaml swallows errors ("") |
 * | toYamlPretty | goyaml.v3 encoder, indent 2, no JSON round trip; "" on error |
 * | fromYaml / fromYamlArray | sigs.k8s.io/yaml.Unmarshal (numbers float64); on error a map {"Error": msg} / a list [msg] |
 * | toJson / mustToJson | encoding/json Marshal (sorted keys, HTML escaping); toJson swallows errors ("") |
 * | fromJson / fromJsonArray | encoding/json Unmarshal; errors as above. mustFromJson is Sprig's (any JSON, error) |
 * | toToml / mustToToml / fromToml | BurntSushi/toml; toToml returns the error text on failure |
 * | include | executes a named template (per-name nesting limit 1000, Helm's error text) |
 * | tpl | parses the string in a clone of the set named "gotpl", strips `<no value>`, wraps errors as Helm |
 * | required / fail | errors wrapped in HELM_ERR_START…HELM_ERR_END (see `cleanupExecError` in ../errors.ts); no-ops in lint mode |
 * | lookup | `map[string]interface {}{}` (helm template has no cluster) |
 * | getHostByName | "" (Helm without --enable-dns) |
 * | toDuration, mustToDuration, duration* | Helm 4's duration helpers (values are `GoDuration`) |
 */
import { CallContext, FuncMap, GoInt, GoValue, TemplateError, defineFunc, goInt, sprint, typeOf, quoteString } from '../../gotemplate/index.js';
import {
  GoDuration, durationHours, durationMinutes, durationRound, durationSeconds, durationTruncate, toDurationNanos
} from './duration.js';
import { JsonMarshalError, JsonUnmarshalError, goJsonMarshal, goJsonUnmarshal } from './json.js';
import { TomlError, tomlDecode, tomlEncode } from './toml.js';
import {
  YamlMarshalError, YamlUnmarshalError, goYamlMarshal, helmToYaml, helmToYamlPretty, sigsYamlUnmarshal, trimOneNewline
} from './yaml.js';

export { goYamlMarshal, sigsYamlMarshal, goYamlV3Marshal, sigsYamlUnmarshal, helmToYaml, helmToYamlPretty, yamlV2FromJNode, YamlMarshalError, YamlUnmarshalError, stringStyle, yamlFloat } from './yaml.js';
export { goJsonMarshal, goJsonUnmarshal, goToJNode, jnodeToText, jsonQuote, JsonMarshalError, JsonUnmarshalError } from './json.js';
export type { JNode } from './json.js';
export { tomlEncode, tomlDecode, TomlError } from './toml.js';
export { GoDuration, parseGoDuration, durationString, toDurationNanos } from './duration.js';
export { GoYamlEmitter } from './yamlemit.js';
export type { YEvent, ScalarStyle, Flavour } from './yamlemit.js';
export { yamlKeyLess, resolvePlain } from './yamlresolve.js';

/** Helm's warning delimiters for `required`/`fail` messages (engine.go warnWrap). */
export const WARN_START = 'HELM_ERR_START';
export const WARN_END = 'HELM_ERR_END';
export function warnWrap(msg: string): string {
  return WARN_START + msg + WARN_END;
}

/** Helm's include nesting limit (engine.go recursionMaxNums). */
export const RECURSION_MAX_NUMS = 1000;

/** The name Helm gives the root template of a render (template.New("gotpl")); tpl texts are parsed under it. */
export const HELM_ROOT_TEMPLATE = 'gotpl';

export interface HelmFuncsOptions {
  /** Helm lint mode: `required` and `fail` return "" instead of failing. */
  lintMode?: boolean;
  /** missingkey=error (Engine.Strict). Only affects nothing here; kept for symmetry with the engine. */
  strict?: boolean;
  /** Name used for templates parsed by `tpl` (default "gotpl", as Helm). */
  tplTemplateName?: string;
  /** Name of the root template for `include` error messages (default "gotpl"). */
  rootTemplateName?: string;
  /** Replacement for the cluster-less `lookup` (e.g. fixtures); must return a map. */
  lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => Map<string, GoValue>;
}

const ANY = 'interface {}';
const MSI = 'map[string]interface {}';

function durationFuncs(): FuncMap {
  const orZero = (v: GoValue): bigint => {
    try {
      return toDurationNanos(v);
    } catch {
      return 0n;
    }
  };
  const sig = (result: string, n = 1) => ({ params: Array<string>(n).fill(ANY), result });
  const roundish = (op: (d: bigint, m: bigint) => bigint) => (v: GoValue, m: GoValue): GoValue => {
    const d = orZero(v);
    let mm: bigint;
    try {
      mm = toDurationNanos(m);
    } catch {
      return new GoDuration(d);
    }
    return new GoDuration(op(d, mm));
  };
  return {
    toDuration: defineFunc(sig('time.Duration'), (v: GoValue) => new GoDuration(orZero(v))),
    mustToDuration: defineFunc(sig('time.Duration'), (v: GoValue) => {
      try {
        return new GoDuration(toDurationNanos(v));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new Error(msg.startsWith('unsupported duration type') ? `unsupported duration type ${typeOf(v)}` : msg);
      }
    }),
    durationSeconds: defineFunc(sig('float64'), (v: GoValue) => durationSeconds(orZero(v))),
    durationMilliseconds: defineFunc(sig('int64'), (v: GoValue) => new GoInt('int64', orZero(v) / 1_000_000n)),
    durationMicroseconds: defineFunc(sig('int64'), (v: GoValue) => new GoInt('int64', orZero(v) / 1000n)),
    durationNanoseconds: defineFunc(sig('int64'), (v: GoValue) => new GoInt('int64', orZero(v))),
    durationMinutes: defineFunc(sig('float64'), (v: GoValue) => durationMinutes(orZero(v))),
    durationHours: defineFunc(sig('float64'), (v: GoValue) => durationHours(orZero(v))),
    durationDays: defineFunc(sig('float64'), (v: GoValue) => durationHours(orZero(v)) / 24),
    durationWeeks: defineFunc(sig('float64'), (v: GoValue) => durationHours(orZero(v)) / (24 * 7)),
    durationRoundTo: defineFunc(sig('time.Duration', 2), roundish(durationRound)),
    durationTruncateTo: defineFunc(sig('time.Duration', 2), roundish(durationTruncate))
  };
}

/** Go's fmt of an error value passed to panic / returned: the message. */
function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : sprint([e as GoValue]);
}

/**
 * Helm's function map additions (funcs.go funcMap extras + the engine's late-bound include/tpl/required/fail/
 * lookup/getHostByName). Create one per render: `include` keeps per-render nesting counters.
 */
export function createHelmFuncs(options: HelmFuncsOptions = {}): FuncMap {
  const includedNames = new Map<string, number>();
  const tplName = options.tplTemplateName ?? HELM_ROOT_TEMPLATE;
  const rootName = options.rootTemplateName ?? HELM_ROOT_TEMPLATE;

  const include = defineFunc({ params: ['string', ANY], result: 'string' }, function (this: CallContext, name: GoValue, data: GoValue) {
    const n = name as string;
    const v = includedNames.get(n);
    if (v !== undefined) {
      if (v > RECURSION_MAX_NUMS) {
        throw new Error(`rendering template has a nested reference name: ${n}: unable to execute template`);
      }
      includedNames.set(n, v + 1);
    } else {
      includedNames.set(n, 1);
    }
    try {
      return this.executeTemplate(n, data === undefined ? null : data);
    } catch (e) {
      if (e instanceof RangeError) throw e;
      if (e instanceof Error && !(e instanceof TemplateError) && e.message.startsWith('template: no template ')) {
        throw new Error(e.message.replace(/associated with template ".*"$/, `associated with template ${quoteString(rootName)}`));
      }
      throw e;
    } finally {
      includedNames.set(n, (includedNames.get(n) ?? 1) - 1);
    }
  });

  const tpl = defineFunc({ params: ['string', ANY], result: 'string' }, function (this: CallContext, text: GoValue, vals: GoValue) {
    const t = text as string;
    let out: string;
    try {
      out = this.executeText(tplName, t, vals === undefined ? null : vals);
    } catch (e) {
      if (e instanceof RangeError || (e instanceof TemplateError && e.kind === 'limit')) throw e;
      if (e instanceof TemplateError && e.kind === 'parse') {
        throw new Error(`cannot parse template ${quoteString(t)}: ${e.message}`);
      }
      throw new Error(`error during tpl function execution for ${quoteString(t)}: ${errMessage(e)}`);
    }
    return out.split('<no value>').join('');
  });

  const required = defineFunc({ params: ['string', ANY], result: ANY }, (warn: GoValue, val: GoValue) => {
    if (val === null || val === undefined || val === '') {
      if (options.lintMode) return '';
      throw new Error(warnWrap(warn as string));
    }
    return val;
  });

  const fail = defineFunc({ params: ['string'], result: 'string' }, (msg: GoValue) => {
    if (options.lintMode) return '';
    throw new Error(warnWrap(msg as string));
  });

  const lookup = defineFunc({ params: ['string', 'string', 'string', 'string'], result: MSI },
    (apiVersion: GoValue, kind: GoValue, namespace: GoValue, name: GoValue) =>
      options.lookup
        ? options.lookup(apiVersion as string, kind as string, namespace as string, name as string)
        : new Map<string, GoValue>());

  const funcs: FuncMap = {
    toToml: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => {
      try {
        return tomlEncode(v);
      } catch (e) {
        if (e instanceof TomlError) return e.message;
        throw e;
      }
    }),
    mustToToml: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => tomlEncode(v)),
    fromToml: defineFunc({ params: ['string'], result: MSI }, (s: GoValue) => {
      try {
        return tomlDecode(s as string);
      } catch (e) {
        if (e instanceof TomlError) return new Map<string, GoValue>([['Error', e.message]]);
        throw e;
      }
    }),
    toYaml: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => helmToYaml(v)),
    mustToYaml: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => {
      try {
        return trimOneNewline(goYamlMarshal(v));
      } catch (e) {
        if (e instanceof RangeError) throw new Error('error marshaling into JSON: json: unsupported value: encountered a cycle');
        throw e;
      }
    }),
    toYamlPretty: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => helmToYamlPretty(v)),
    fromYaml: defineFunc({ params: ['string'], result: MSI }, (s: GoValue) => {
      try {
        const m = sigsYamlUnmarshal(s as string, 'map');
        return m === undefined ? new Map<string, GoValue>() : m;
      } catch (e) {
        if (e instanceof YamlUnmarshalError) return new Map<string, GoValue>([['Error', e.message]]);
        throw e;
      }
    }),
    fromYamlArray: defineFunc({ params: ['string'], result: '[]interface {}' }, (s: GoValue) => {
      try {
        const a = sigsYamlUnmarshal(s as string, 'slice');
        return a === undefined ? [] : a;
      } catch (e) {
        if (e instanceof YamlUnmarshalError) return [e.message];
        throw e;
      }
    }),
    toJson: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => {
      try {
        return goJsonMarshal(v);
      } catch (e) {
        if (e instanceof JsonMarshalError || e instanceof RangeError) return '';
        throw e;
      }
    }),
    mustToJson: defineFunc({ params: [ANY], result: 'string' }, (v: GoValue) => goJsonMarshal(v)),
    fromJson: defineFunc({ params: ['string'], result: MSI }, (s: GoValue) => {
      try {
        const m = goJsonUnmarshal(s as string, 'map');
        return m === undefined ? new Map<string, GoValue>() : m;
      } catch (e) {
        if (e instanceof JsonUnmarshalError) return new Map<string, GoValue>([['Error', e.message]]);
        throw e;
      }
    }),
    mustFromJson: defineFunc({ params: ['string'], result: ANY }, (s: GoValue) => goJsonUnmarshal(s as string, 'any') ?? null),
    fromJsonArray: defineFunc({ params: ['string'], result: '[]interface {}' }, (s: GoValue) => {
      try {
        const a = goJsonUnmarshal(s as string, 'slice');
        return a === undefined ? [] : a;
      } catch (e) {
        if (e instanceof JsonUnmarshalError) return [e.message];
        throw e;
      }
    }),
    include,
    tpl,
    required,
    fail,
    lookup,
    getHostByName: defineFunc({ params: ['string'], result: 'string' }, () => ''),
    ...durationFuncs()
  };
  return funcs;
}

/** Convenience for tests and callers: a Go int. */
export const helmInt = goInt;
export { YamlMarshalError as HelmYamlMarshalError, YamlUnmarshalError as HelmYamlUnmarshalError };
