/**
 * Helm values: user value merging (pkg/cli/values options.go MergeValues, in Helm's fixed flag order),
 * the `--set` family parser (pkg/strvals), coalescing with chart defaults (pkg/chart/common/util/coalesce.go:
 * null deletes, globals flow down), dependency conditions / tags / aliases / import-values
 * (pkg/chart/v2/util/dependencies.go), and values.schema.json validation.
 *
 * Values are Go values throughout: maps are `Map<string, GoValue>`, YAML/JSON numbers float64 (JS number),
 * `--set` integers int64 (GoInt).
 */
import { RELEASED_HELM, type HelmBuild } from './build.js';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { GoInt, toJS, typeOf, type GoValue } from '../gotemplate/index.js';
import { InputError, type RepoFiles } from '../../repo/files.js';
import { parseYaml, type YamlSourceMap } from '../../objects/yaml-source.js';
import { type Chart, type Dependency, chartName } from './chart.js';
import { isCompatibleRange } from './semver.js';
import { GoYamlError, mergeMaps, readValuesText, yamlToGo } from './yamlgo.js';

export type Values = Map<string, GoValue>;

export class ValuesError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(message);
    this.name = 'ValuesError';
  }
}

export const GLOBAL_KEY = 'global';

export function isTable(v: GoValue | undefined): v is Values {
  return v instanceof Map;
}

/** Deep copy of maps and slices (copystructure.Copy). */
export function deepCopy<T extends GoValue>(v: T): T {
  if (v instanceof Map) {
    const m = new Map<string, GoValue>();
    for (const [k, x] of v as Values) m.set(k, deepCopy(x));
    return m as T;
  }
  if (Array.isArray(v)) return v.map((x) => deepCopy(x)) as T;
  return v;
}

// ---------------------------------------------------------------- Values.Table / PathValue

export class NoTableError extends Error {
  constructor(readonly key: string) {
    super(`${JSON.stringify(key)} is not a table`);
  }
}
export class NoValueError extends Error {
  constructor(readonly key: string) {
    super(`${JSON.stringify(key)} is not a value`);
  }
}

export function table(v: Values, name: string): Values {
  let t = v;
  for (const n of name.split('.')) {
    const x = t.get(n);
    if (x === undefined) throw new NoTableError(n);
    if (!isTable(x)) throw new NoTableError(n);
    t = x;
  }
  return t;
}

export function pathValue(v: Values, p: string): GoValue {
  if (p === '') throw new Error('YAML path cannot be empty');
  const parts = p.split('.');
  if (parts.length === 1) {
    const x = v.get(parts[0]);
    if (v.has(parts[0]) && !isTable(x)) return x ?? null;
    throw new NoValueError(parts[0]);
  }
  const key = parts.pop()!;
  let t: Values;
  try {
    t = table(v, parts.join('.'));
  } catch {
    throw new NoValueError(key);
  }
  const x = t.get(key);
  if (t.has(key) && !isTable(x)) return x ?? null;
  throw new NoValueError(key);
}

// ---------------------------------------------------------------- coalescing

type Printf = (msg: string) => void;
const noWarn: Printf = () => undefined;

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/** CoalesceValues: chart defaults (and subcharts') under user values; null deletes. */
export function coalesceValues(chart: Chart, vals: Values, warn: Printf = noWarn, build: HelmBuild = RELEASED_HELM): Values {
  return coalesce(warn, chart, deepCopy(vals), '', false, build);
}

/** MergeValues: like coalesceValues but nulls are kept. */
export function mergeValues(chart: Chart, vals: Values | null, warn: Printf = noWarn, build: HelmBuild = RELEASED_HELM): Values {
  return coalesce(warn, chart, vals ? deepCopy(vals) : new Map(), '', true, build);
}

function coalesce(warn: Printf, ch: Chart, dest: Values, prefix: string, merge: boolean, build: HelmBuild): Values {
  coalesceChartValues(warn, ch, dest, prefix, merge, build);
  return coalesceDeps(warn, ch, dest, prefix, merge, build);
}

function coalesceDeps(warn: Printf, ch: Chart, dest: Values, prefix: string, merge: boolean, build: HelmBuild): Values {
  for (const sub of ch.dependencies) {
    const name = chartName(sub);
    const c = dest.get(name);
    if (c === undefined) dest.set(name, new Map());
    else if (!isTable(c)) throw new ValuesError(`type mismatch on ${name}: %!t(${typeOf(c ?? null)}=${String(c)})`);
    const dv = dest.get(name) as Values;
    const subPrefix = concatPrefix(prefix, chartName(ch));
    coalesceGlobals(warn, dv, dest, subPrefix);
    dest.set(name, coalesce(warn, sub, dv, subPrefix, merge, build));
  }
  return dest;
}

function coalesceGlobals(warn: Printf, dest: Values, src: Values, prefix: string): void {
  let dg: Values;
  let sg: Values;
  const destglob = dest.get(GLOBAL_KEY);
  if (destglob === undefined) dg = new Map();
  else if (isTable(destglob)) dg = destglob;
  else {
    warn(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
    return;
  }
  const srcglob = src.get(GLOBAL_KEY);
  if (srcglob === undefined) sg = new Map();
  else if (isTable(srcglob)) sg = srcglob;
  else {
    warn(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
    return;
  }
  for (const [key, val] of sg) {
    if (isTable(val)) {
      const vv = new Map(val);
      const destv = dg.get(key);
      if (destv === undefined) dg.set(key, vv);
      else if (!isTable(destv)) warn(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
      else {
        coalesceTablesFullKey(warn, vv, destv, concatPrefix(prefix, key), true);
        dg.set(key, vv);
      }
    } else if (dg.has(key) && isTable(dg.get(key))) {
      warn(`key ${key} is table. Skipping`);
    } else {
      dg.set(key, val);
    }
  }
  dest.set(GLOBAL_KEY, dg);
}

/** Removes null values from a table, nested tables too (helm main's cleanNilValues). */
function cleanNilValues(m: Values): void {
  for (const [k, v] of [...m]) {
    if (v === null || v === undefined) m.delete(k);
    else if (isTable(v)) cleanNilValues(v);
  }
}

function childChartMergeTrue(ch: Chart, key: string, merge: boolean): boolean {
  return ch.dependencies.some((d) => chartName(d) === key) ? true : merge;
}

/** Chart defaults under `v`. With build.removesSubchartDefaultNulls, a subchart's default nulls are dropped first. */
function coalesceChartValues(warn: Printf, c: Chart, v: Values, prefix: string, merge: boolean, build: HelmBuild): void {
  const dropNulls = build.removesSubchartDefaultNulls && !merge && prefix !== '';
  const subPrefix = concatPrefix(prefix, chartName(c));
  const vc = deepCopy(c.values);
  for (const [key, val] of vc) {
    if (v.has(key)) {
      const value = v.get(key);
      if ((value === null || value === undefined) && !merge) {
        v.delete(key);
      } else if (isTable(value)) {
        if (!isTable(val)) {
          if (val !== null && val !== undefined) warn(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
        } else {
          const m = childChartMergeTrue(c, key, merge);
          if (dropNulls && !m) cleanNilValues(val);
          coalesceTablesFullKey(warn, value, val, concatPrefix(subPrefix, key), m);
        }
      }
    } else {
      if (dropNulls) {
        if (val === null || val === undefined) continue;
        if (isTable(val)) cleanNilValues(val);
      }
      v.set(key, val);
    }
  }
}

/** CoalesceTables(dst, src): dst wins; nulls in dst delete src keys. */
export function coalesceTables(dst: Values, src: Values): Values {
  return coalesceTablesFullKey(noWarn, dst, src, '', false);
}

export function mergeTables(dst: Values, src: Values): Values {
  return coalesceTablesFullKey(noWarn, dst, src, '', true);
}

function coalesceTablesFullKey(warn: Printf, dst: Values | null, src: Values | null, prefix: string, merge: boolean): Values {
  if (src === null) return dst ?? new Map();
  if (dst === null) return src;
  const srcOriginalNonNil = new Set<string>();
  for (const [k, v] of src) if (v !== null && v !== undefined) srcOriginalNonNil.add(k);
  for (const [k, v] of dst) if (v === null || v === undefined) src.set(k, null);
  for (const [key, val] of src) {
    const fullkey = concatPrefix(prefix, key);
    const ok = dst.has(key);
    const dv = dst.get(key);
    if (ok && !merge && (dv === null || dv === undefined) && srcOriginalNonNil.has(key)) {
      dst.delete(key);
    } else if (!ok) {
      dst.set(key, val);
    } else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(warn, dv, val, fullkey, merge);
      else warn(`warning: cannot overwrite table with non table for ${fullkey} (${String(val)})`);
    } else if (isTable(dv) && val !== null && val !== undefined) {
      warn(`warning: destination for ${fullkey} is a table. Ignoring non-table value (${String(val)})`);
    }
  }
  return dst;
}

function trimNilValues(vals: Values): Values {
  const out = deepCopy(vals);
  const walk = (m: Values): void => {
    for (const [k, v] of [...m]) {
      if (v === null || v === undefined) m.delete(k);
      else if (isTable(v)) walk(v);
    }
  };
  walk(out);
  return out;
}

// ---------------------------------------------------------------- dependencies

function processDependencyConditions(reqs: Dependency[], cvals: Values, cpath: string, warn: Printf): void {
  for (const r of reqs) {
    for (const c of r.condition.trim().split(',')) {
      if (c.length === 0) continue;
      let vv: GoValue;
      try {
        vv = pathValue(cvals, cpath + c);
      } catch (err) {
        if (!(err instanceof NoValueError)) warn(`the method PathValue returned error: ${(err as Error).message}`);
        continue;
      }
      if (typeof vv === 'boolean') {
        r.enabled = vv;
        break;
      }
      warn(`returned non-bool value path=${c} chart=${r.name}`);
    }
  }
}

function processDependencyTags(reqs: Dependency[], cvals: Values, warn: Printf): void {
  let vt: Values;
  try {
    vt = table(cvals, 'tags');
  } catch {
    return;
  }
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags) {
      if (!vt.has(k)) continue;
      const b = vt.get(k);
      if (typeof b === 'boolean') {
        if (b) hasTrue = true;
        else hasFalse = true;
      } else warn(`returned non-bool value tag=${k} chart=${r.name}`);
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function getAliasDependency(charts: Chart[], dep: Dependency): Chart | null {
  for (const c of charts) {
    if (chartName(c) !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out: Chart = {
      ...c,
      metadata: { ...c.metadata, dependencies: c.metadata.dependencies ? c.metadata.dependencies.map((d) => ({ ...d })) : null },
      dependencies: []
    };
    for (const d of c.dependencies) {
      const cpy: Chart = { ...d, parent: out };
      out.dependencies.push(cpy);
    }
    if (dep.alias !== '') out.metadata.name = dep.alias;
    return out;
  }
  return null;
}

function processDependencyEnabled(c: Chart, v: Values, p: string, warn: Printf, build: HelmBuild): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const chartDependencies: Chart[] = [];
  outer: for (const existing of c.dependencies) {
    for (const req of reqs) {
      if (chartName(existing) === req.name && isCompatibleRange(req.version, existing.metadata.version)) continue outer;
    }
    chartDependencies.push(existing);
  }
  for (const req of reqs) {
    const dep = getAliasDependency(c.dependencies, req);
    if (dep) chartDependencies.push(dep);
    if (req.alias !== '') req.name = req.alias;
  }
  setDependencies(c, chartDependencies);
  for (const lr of reqs) lr.enabled = true;
  const cvals = coalesceValues(c, v, warn, build);
  processDependencyTags(reqs, cvals, warn);
  processDependencyConditions(reqs, cvals, p, warn);
  const rm = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const cd = c.dependencies.filter((n) => !rm.has(n.metadata.name));
  const cdMetadata = reqs.filter((n) => !rm.has(n.name));
  for (const t of cd) processDependencyEnabled(t, cvals, `${p}${t.metadata.name}.`, warn, build);
  c.metadata.dependencies = cdMetadata;
  setDependencies(c, cd);
}

function setDependencies(c: Chart, deps: Chart[]): void {
  c.dependencies = deps;
  for (const d of deps) d.parent = c;
}

function pathToMap(p: string, data: Values): Values {
  if (p === '.') return data;
  const parts = p.split('.');
  let cur: Values = data;
  for (let i = parts.length - 1; i >= 0; i--) cur = new Map([[parts[i], cur]]);
  return cur;
}

function goSprintV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

function processImportValues(c: Chart, merge: boolean, warn: Printf, build: HelmBuild): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const cvals = merge ? mergeValues(c, null, warn, build) : coalesceValues(c, new Map(), warn, build);
  let b: Values = new Map();
  for (const r of reqs) {
    const outiv: unknown[] = [];
    for (const riv of r.importValues) {
      if (riv instanceof Map || (riv !== null && typeof riv === 'object' && !Array.isArray(riv))) {
        const m = riv instanceof Map ? riv : new Map(Object.entries(riv as object));
        const child = goSprintV(m.get('child'));
        const parent = goSprintV(m.get('parent'));
        outiv.push(new Map([['child', child], ['parent', parent]]));
        let vv: Values;
        try {
          vv = table(cvals, `${r.name}.${child}`);
        } catch (err) {
          warn(`ImportValues missing table from chart ${r.name}: ${(err as Error).message}`);
          continue;
        }
        b = merge ? mergeTables(b, pathToMap(parent, deepCopy(vv))) : coalesceTables(b, pathToMap(parent, deepCopy(vv)));
      } else if (typeof riv === 'string') {
        const child = `exports.${riv}`;
        outiv.push(new Map([['child', child], ['parent', '.']]));
        let vm: Values;
        try {
          vm = table(cvals, `${r.name}.${child}`);
        } catch (err) {
          warn(`ImportValues missing table: ${(err as Error).message}`);
          continue;
        }
        b = merge ? mergeTables(b, deepCopy(vm)) : coalesceTables(b, deepCopy(vm));
      }
    }
    r.importValues = outiv;
  }
  c.values = merge ? mergeTables(deepCopy(cvals), b) : coalesceTables(trimNilValues(cvals), b);
}

function processDependencyImportValues(c: Chart, merge: boolean, warn: Printf, build: HelmBuild): void {
  for (const d of c.dependencies) processDependencyImportValues(d, merge, warn, build);
  processImportValues(c, merge, warn, build);
}

/**
 * ProcessDependenciesWithMerge: aliases, tags, conditions (removing disabled subcharts), import-values (merged in
 * released Helm; coalesced where build.removesSubchartDefaultNulls, as helm main does).
 */
export function processDependencies(c: Chart, vals: Values, warn: Printf = noWarn, build: HelmBuild = RELEASED_HELM): void {
  processDependencyEnabled(c, vals, '', warn, build);
  processDependencyImportValues(c, !build.removesSubchartDefaultNulls, warn, build);
}

/** action.CheckDependencies: every Chart.yaml dependency must be present in charts/. */
export function checkDependencies(c: Chart): void {
  const missing: string[] = [];
  for (const r of c.metadata.dependencies ?? []) {
    if (!c.dependencies.some((d) => chartName(d) === r.name)) missing.push(r.name);
  }
  if (missing.length > 0) {
    throw new ValuesError(`an error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`);
  }
}

// ---------------------------------------------------------------- schema validation

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function draftOf(schema: unknown): 4 | 6 | 7 | 2019 | 2020 {
  const s = schema && typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof s !== 'string') return 2020;
  if (s.includes('draft-04')) return 4;
  if (s.includes('draft-06')) return 6;
  if (s.includes('draft-07')) return 7;
  if (s.includes('2019-09')) return 2019;
  return 2020;
}

/** draft-04 → draft-07 shapes (boolean exclusiveMinimum/Maximum, `id`). */
function upgradeDraft4(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(upgradeDraft4);
  if (!s || typeof s !== 'object') return s;
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s as Record<string, unknown>)) o[k] = k === 'enum' || k === 'const' || k === 'default' || k === 'examples' ? v : upgradeDraft4(v);
  if (o.exclusiveMaximum === true && typeof o.maximum === 'number') {
    o.exclusiveMaximum = o.maximum;
    delete o.maximum;
  } else if (typeof o.exclusiveMaximum === 'boolean') delete o.exclusiveMaximum;
  if (o.exclusiveMinimum === true && typeof o.minimum === 'number') {
    o.exclusiveMinimum = o.minimum;
    delete o.minimum;
  } else if (typeof o.exclusiveMinimum === 'boolean') delete o.exclusiveMinimum;
  if (typeof o.id === 'string' && o.$id === undefined) {
    o.$id = o.id;
    delete o.id;
  }
  return o;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function quoteJ(v: unknown): string {
  return JSON.stringify(v);
}

function describeError(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `got ${jsonType(e.data)}, want ${Array.isArray(p.type) ? (p.type as string[]).join(' or ') : String(p.type)}`;
    case 'required':
      return `missing property '${String(p.missingProperty)}'`;
    case 'additionalProperties':
      return `additional properties '${String(p.additionalProperty)}' not allowed`;
    case 'enum':
      return `value must be one of ${(p.allowedValues as unknown[]).map(quoteJ).join(', ')}`;
    case 'const':
      return `value must be ${quoteJ(p.allowedValue)}`;
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
    case 'minLength': case 'maxLength': case 'minItems': case 'maxItems': case 'minProperties': case 'maxProperties': {
      const got = e.keyword.endsWith('Length') ? [...String(e.data)].length : e.keyword.endsWith('Items') ? (e.data as unknown[]).length
        : e.keyword.endsWith('Properties') ? Object.keys(e.data as object).length : e.data;
      return `${e.keyword}: got ${String(got)}, want ${String(p.limit)}`;
    }
    case 'pattern':
      return `'${String(e.data)}' does not match pattern '${String(p.pattern)}'`;
    case 'format':
      return `'${String(e.data)}' is not valid ${String(p.format)}`;
    default:
      return e.message ?? e.keyword;
  }
}

/** The schema every relative reference is resolved against (Helm adds the schema as this resource). */
const SCHEMA_BASE = 'file:///values.schema.json';

function resolveUri(ref: string, base: string): string | undefined {
  try {
    const u = new URL(ref, base);
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

/**
 * Removes every `$ref` that points outside the schema document (http, https, file, urn or any other document):
 * Helm fetches those, a render has no network and reads no file outside the chart, so such a reference checks
 * nothing; each one gives a note. References to the document itself or to an `$id` inside it are kept.
 */
function dropExternalRefs(schema: unknown, file: string): string[] {
  const ids = new Set<string>([SCHEMA_BASE]);
  const refs: { holder: Record<string, unknown>; ref: string; base: string }[] = [];
  const walk = (node: unknown, base: string): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, base);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    let here = base;
    if (typeof o.$id === 'string') {
      here = resolveUri(o.$id, base) ?? base;
      ids.add(here);
    }
    if (typeof o.$ref === 'string') refs.push({ holder: o, ref: o.$ref, base: here });
    for (const [k, v] of Object.entries(o)) if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') walk(v, here);
  };
  walk(schema, SCHEMA_BASE);
  const notes: string[] = [];
  for (const { holder, ref, base } of refs) {
    const target = resolveUri(ref, base);
    if (target !== undefined && ids.has(target)) continue;
    delete holder.$ref;
    notes.push(`${file}: $ref ${JSON.stringify(ref)} points outside the chart, which Helm would fetch and a render does not (no network): the values it describes were not checked against it`);
  }
  return notes;
}

type CompiledSchema = ({ validate: ValidateFunction } | { error: string }) & { notes: string[] };

/** Compiled schemas by file and text: a chart's schema is compiled once per process, not once per release and revision. */
const compiledSchemas = new Map<string, CompiledSchema>();
const MAX_COMPILED_SCHEMAS = 64;

function compileValuesSchema(text: string, file: string): CompiledSchema {
  const key = `${file}\0${text}`;
  const cached = compiledSchemas.get(key);
  if (cached) return cached;
  let compiled: CompiledSchema;
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    return { error: `failed to parse ${file}: ${(err as Error).message}\n`, notes: [] };
  }
  const notes = dropExternalRefs(schema, file);
  const draft = draftOf(schema);
  const opts = { strict: false, allErrors: true, verbose: true, validateFormats: true, unicodeRegExp: false, validateSchema: false };
  let ajv: Ajv;
  if (draft === 2019) ajv = new Ajv2019(opts) as unknown as Ajv;
  else if (draft === 2020) ajv = new Ajv2020(opts) as unknown as Ajv;
  else {
    ajv = new Ajv(opts);
    if (schema && typeof schema === 'object') {
      schema = draft === 4 ? upgradeDraft4(schema) : { ...(schema as object) };
      delete (schema as { $schema?: unknown }).$schema;
    }
  }
  addFormats(ajv);
  try {
    compiled = { validate: ajv.compile(schema as object), notes };
  } catch (err) {
    compiled = { error: `failed to compile schema ${file}: ${(err as Error).message}\n`, notes };
  }
  if (compiledSchemas.size >= MAX_COMPILED_SCHEMAS) compiledSchemas.delete(compiledSchemas.keys().next().value as string);
  compiledSchemas.set(key, compiled);
  return compiled;
}

/**
 * ValidateAgainstSingleSchema: returns Helm's error text ("- at '/x': ...\n" lines) or null. `note` receives what
 * could not be checked (references outside the chart).
 */
export function validateAgainstSingleSchema(values: Values, schemaText: Buffer | string, file: string, note: Printf = noWarn): string | null {
  const compiled = compileValuesSchema(typeof schemaText === 'string' ? schemaText : schemaText.toString('utf8'), file);
  for (const n of compiled.notes) note(n);
  if ('error' in compiled) return compiled.error;
  const { validate } = compiled;
  if (validate(toJS(values))) return null;
  const lines = (validate.errors ?? []).map((e) => `- at '${e.instancePath}': ${describeError(e)}`);
  return [...new Set(lines)].join('\n') + '\n';
}

/** ValidateAgainstSchema over the chart tree (subcharts without values are skipped, as Helm 4 does); null when valid. */
export function validateAgainstSchema(c: Chart, values: Values, note: Printf = noWarn): string | null {
  let sb = '';
  if (c.schema) {
    const err = validateAgainstSingleSchema(values, c.schema.data, c.schema.origin, note);
    if (err) sb += `${chartName(c)}:\n${err}`;
  }
  for (const sub of c.dependencies) {
    const sv = values.get(chartName(sub));
    if (sv === undefined || sv === null) continue;
    if (!isTable(sv)) {
      sb += `${chartName(sub)}:\ninvalid type for values: expected object (map), got ${typeOf(sv)}\n`;
      continue;
    }
    const err = validateAgainstSchema(sub, sv, note);
    if (err) sb += err;
  }
  return sb === '' ? null : sb;
}

// ---------------------------------------------------------------- --set parsing (pkg/strvals)

const MAX_INDEX = 65536;
const MAX_NESTED_NAME_LEVEL = 30;

class EOF extends Error {
  constructor() {
    super('EOF');
  }
}
class NotList extends Error {
  constructor() {
    super('not a list');
  }
}

class RuneScanner {
  pos = 0;
  constructor(readonly runes: string[]) {}
  read(): string | null {
    return this.pos < this.runes.length ? this.runes[this.pos++] : null;
  }
  unread(): void {
    this.pos--;
  }
  rest(): string {
    return this.runes.slice(this.pos).join('');
  }
}

type ValueReader = (rs: string) => GoValue;

function goTypeName(v: GoValue): string {
  if (v === null || v === undefined) return '<nil>';
  if (v instanceof Map) return 'map[string]interface {}';
  if (Array.isArray(v)) return '[]interface {}';
  return typeOf(v);
}

/** strvals.typedVal */
export function typedVal(val: string, st: boolean): GoValue {
  if (st) return val;
  const lower = val.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (val === '0') return new GoInt('int64', 0n);
  if (val.length !== 0 && val[0] !== '0' && /^[+-]?[0-9]+$/.test(val)) {
    const n = BigInt(val);
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return new GoInt('int64', n);
  }
  return val;
}

class StrvalsParser {
  sc: RuneScanner;
  constructor(
    s: string,
    readonly data: Values,
    readonly reader: ValueReader,
    readonly isJson = false,
    readonly literal = false
  ) {
    this.sc = new RuneScanner([...s]);
  }

  parse(): void {
    for (;;) {
      try {
        this.key(this.data, 0);
      } catch (err) {
        if (err instanceof EOF) return;
        throw err;
      }
      if (this.literal) return;
    }
  }

  runesUntil(stop: string): { v: string; last: string | null; eof: boolean } {
    let v = '';
    for (;;) {
      const r = this.sc.read();
      if (r === null) return { v, last: null, eof: true };
      if (stop.includes(r)) return { v, last: r, eof: false };
      if (r === '\\' && !this.literal) {
        const next = this.sc.read();
        if (next === null) return { v, last: null, eof: true };
        v += next;
        continue;
      }
      v += r;
    }
  }

  key(data: Values, nestedNameLevel: number): void {
    const stop = this.literal ? '=[.' : '=[,.';
    for (;;) {
      const { v: k, last, eof } = this.runesUntil(stop);
      if (eof) {
        if (k.length === 0) throw new EOF();
        throw new ValuesError(`key "${k}" has no value`);
      }
      if (last === '[') {
        const i = this.keyIndex();
        let list: GoValue[] = [];
        if (data.has(k)) {
          const ex = data.get(k);
          if (!Array.isArray(ex)) throw new ValuesError(`unable to parse key: interface conversion: interface {} is ${goTypeName(ex ?? null)}, not []interface {}`);
          list = ex;
        }
        const [nl, err] = this.listItem(list, i, nestedNameLevel);
        setKey(data, k, nl);
        if (err) throw err;
        return;
      }
      if (last === '=') {
        if (this.literal) {
          const rest = this.sc.rest();
          this.sc.pos = this.sc.runes.length;
          setKey(data, k, rest);
          return;
        }
        if (this.isJson) {
          if (this.emptyVal()) {
            setKey(data, k, null);
            return;
          }
          setKey(data, k, this.jsonValue());
          this.emptyVal();
          return;
        }
        let vl: GoValue[];
        try {
          vl = this.valList();
        } catch (err) {
          if (err instanceof EOF) {
            setKey(data, k, '');
            throw err;
          }
          if (err instanceof NotList) {
            const { v: rs } = this.runesUntil(',');
            setKey(data, k, this.reader(rs));
            return;
          }
          throw err;
        }
        setKey(data, k, vl);
        return;
      }
      if (last === ',') {
        setKey(data, k, '');
        throw new ValuesError(`key "${k}" has no value (cannot end with ,)`);
      }
      if (last === '.') {
        nestedNameLevel++;
        if (nestedNameLevel > MAX_NESTED_NAME_LEVEL) {
          throw new ValuesError(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
        }
        let inner: Values = new Map();
        if (data.has(k)) {
          const ex = data.get(k);
          if (!isTable(ex)) throw new ValuesError(`unable to parse key: interface conversion: interface {} is ${goTypeName(ex ?? null)}, not map[string]interface {}`);
          inner = ex;
        }
        let e: unknown = null;
        try {
          this.key(inner, nestedNameLevel);
        } catch (err) {
          e = err;
        }
        if (e === null && inner.size === 0) throw new ValuesError(`key map "${k}" has no value`);
        if (inner.size !== 0) setKey(data, k, inner);
        if (e !== null) throw e;
        return;
      }
    }
  }

  jsonValue(): GoValue {
    const rest = this.sc.rest();
    const { value, length } = decodeJsonPrefix(rest);
    // advance by `length` code points
    this.sc.pos += [...rest.slice(0, length)].length;
    return value;
  }

  emptyVal(): boolean {
    for (;;) {
      const r = this.sc.read();
      if (r === null) return true;
      if (r === ',') return true;
      if (!/\s/u.test(r)) {
        this.sc.unread();
        return false;
      }
    }
  }

  keyIndex(): number {
    const { v, eof } = this.runesUntil(']');
    if (eof) throw new EOF();
    if (!/^[+-]?[0-9]+$/.test(v)) throw new ValuesError(`error parsing index: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
    return Number(v);
  }

  listItem(list: GoValue[], i: number, nestedNameLevel: number): [GoValue[], Error | null] {
    if (i < 0) return [list, new ValuesError(`negative ${i} index not allowed`)];
    const { v: k, last, eof } = this.runesUntil('[.=');
    if (k.length > 0) return [list, new ValuesError(`unexpected data at end of array index: ${JSON.stringify(k)}`)];
    if (eof) return [list, new EOF()];
    if (last === '=') {
      if (this.literal) {
        const rest = this.sc.rest();
        this.sc.pos = this.sc.runes.length;
        return setIndex(list, i, rest);
      }
      if (this.isJson) {
        if (this.emptyVal()) return setIndex(list, i, null);
        const r = setIndex(list, i, this.jsonValue());
        if (r[1]) return r;
        this.emptyVal();
        return r;
      }
      let vl: GoValue[];
      try {
        vl = this.valList();
      } catch (err) {
        if (err instanceof EOF) return setIndex(list, i, '');
        if (err instanceof NotList) {
          const { v: rs } = this.runesUntil(',');
          return setIndex(list, i, this.reader(rs));
        }
        return [list, err as Error];
      }
      return setIndex(list, i, vl);
    }
    if (last === '[') {
      const nextI = this.keyIndex();
      let crt: GoValue[] = [];
      if (list.length > i && list[i] !== null && list[i] !== undefined) {
        if (!Array.isArray(list[i])) throw new ValuesError(`unable to parse key: interface conversion: interface {} is ${goTypeName(list[i])}, not []interface {}`);
        crt = list[i] as GoValue[];
      }
      const [l2, err] = this.listItem(crt, nextI, nestedNameLevel);
      if (err) return [list, err];
      return setIndex(list, i, l2);
    }
    if (last === '.') {
      let inner: Values = new Map();
      if (list.length > i) {
        if (isTable(list[i])) inner = list[i] as Values;
        else {
          list[i] = new Map();
          inner = list[i] as Values;
        }
      }
      try {
        this.key(inner, nestedNameLevel);
      } catch (err) {
        return [list, err as Error];
      }
      return setIndex(list, i, inner);
    }
    return [list, new ValuesError(`parse error: unexpected token ${last}`)];
  }

  valList(): GoValue[] {
    const r = this.sc.read();
    if (r === null) throw new EOF();
    if (r !== '{') {
      this.sc.unread();
      throw new NotList();
    }
    const list: GoValue[] = [];
    for (;;) {
      const { v: rs, last, eof } = this.runesUntil(',}');
      if (eof) throw new ValuesError("list must terminate with '}'");
      if (last === '}') {
        const n = this.sc.read();
        if (n !== null && n !== ',') this.sc.unread();
        list.push(this.reader(rs));
        return list;
      }
      list.push(this.reader(rs));
    }
  }
}

function setKey(data: Values, key: string, val: GoValue): void {
  if (key.length === 0) return;
  data.set(key, val);
}

function setIndex(list: GoValue[], index: number, val: GoValue): [GoValue[], Error | null] {
  if (index < 0) return [list, new ValuesError(`negative ${index} index not allowed`)];
  if (index > MAX_INDEX) return [list, new ValuesError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`)];
  if (list.length <= index) {
    const nl = list.slice();
    while (nl.length <= index) nl.push(null);
    list = nl;
  }
  list[index] = val;
  return [list, null];
}

/** Decodes one JSON value at the start of `s` (json.Decoder.Decode + InputOffset). */
function decodeJsonPrefix(s: string): { value: GoValue; length: number } {
  let i = 0;
  while (i < s.length && /\s/.test(s[i])) i++;
  const start = i;
  let depth = 0;
  let inStr = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') {
        inStr = false;
        if (depth === 0) {
          i++;
          break;
        }
      }
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if (depth === 0 && (c === ',' || /\s/.test(c))) break;
  }
  const text = s.slice(start, i);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ValuesError((err as Error).message);
  }
  return { value: yamlToGo(parsed), length: i };
}

export function parseSet(s: string, dest: Values): void {
  new StrvalsParser(s, dest, (rs) => typedVal(rs, false)).parse();
}
export function parseSetString(s: string, dest: Values): void {
  new StrvalsParser(s, dest, (rs) => typedVal(rs, true)).parse();
}
export function parseSetJson(s: string, dest: Values): void {
  new StrvalsParser(s, dest, (rs) => typedVal(rs, false), true).parse();
}
export function parseSetLiteral(s: string, dest: Values): void {
  new StrvalsParser(s, dest, (rs) => rs, false, true).parse();
}
export function parseSetFile(s: string, dest: Values, read: (file: string) => string): void {
  new StrvalsParser(s, dest, (rs) => read(rs)).parse();
}

// ---------------------------------------------------------------- user values

export interface ValueOptions {
  /** -f/--values files (repository paths), in order. */
  valuesFiles?: string[];
  /** Values given as data, merged after the files in order (a Flux HelmRelease's `spec.values`). */
  valuesObjects?: unknown[];
  setJson?: string[];
  set?: string[];
  setString?: string[];
  setFile?: string[];
  setLiteral?: string[];
}

export interface ValuesSource {
  /** Repository path (or archive!/entry) of the YAML file; '' for values given as data. */
  file: string;
  /** Absent for values given as data (the caller maps those). */
  sourceMap?: YamlSourceMap;
  /** For values given as data: their place in `valuesObjects`. */
  inline?: number;
  /** Values path at which this file's content applies (e.g. ['subchart'] for a subchart's values.yaml). */
  prefix: string[];
}

function readRepoText(repo: RepoFiles, file: string): string {
  try {
    return repo.readText(file);
  } catch (err) {
    if (err instanceof InputError && err.ruleId === 'file-not-found') throw new ValuesError(`open ${file}: no such file or directory`, file);
    if (err instanceof InputError) throw new ValuesError(err.reason, file);
    throw err;
  }
}

/** MergeValues: -f files, then --set-json, --set, --set-string, --set-file, --set-literal. */
export function mergeUserValues(repo: RepoFiles, opts: ValueOptions, sources: ValuesSource[] = []): Values {
  let base: Values = new Map();
  for (const filePath of opts.valuesFiles ?? []) {
    const text = readRepoText(repo, filePath);
    let current: Values;
    try {
      current = readValuesText(text);
    } catch (err) {
      if (err instanceof GoYamlError) {
        const msg = err.message.startsWith('yaml:') ? `error converting YAML to JSON: ${err.message}` : err.message;
        throw new ValuesError(`failed to parse ${filePath}: ${msg}`, filePath, err.line);
      }
      throw err;
    }
    for (const d of parseYaml(text, filePath).documents) sources.push({ file: repo.normalize(filePath), sourceMap: d.sourceMap, prefix: [] });
    base = mergeMaps(base, current);
  }
  (opts.valuesObjects ?? []).forEach((value, inline) => {
    if (value === undefined || value === null) return;
    base = mergeMaps(base, yamlToGo(value) as Values);
    sources.push({ file: '', inline, prefix: [] });
  });
  for (const value of opts.setJson ?? []) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw new ValuesError(`failed parsing --set-json data JSON: ${value}`);
      }
      base = mergeMaps(base, yamlToGo(parsed) as Values);
    } else {
      try {
        parseSetJson(value, base);
      } catch {
        throw new ValuesError(`failed parsing --set-json data ${value}`);
      }
    }
  }
  const wrap = (flag: string, fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof ValuesError) throw new ValuesError(`failed parsing ${flag} data: ${err.message}`, err.file);
      throw err;
    }
  };
  for (const value of opts.set ?? []) wrap('--set', () => parseSet(value, base));
  for (const value of opts.setString ?? []) wrap('--set-string', () => parseSetString(value, base));
  for (const value of opts.setFile ?? []) wrap('--set-file', () => parseSetFile(value, base, (f) => readRepoText(repo, f)));
  for (const value of opts.setLiteral ?? []) wrap('--set-literal', () => parseSetLiteral(value, base));
  return base;
}
