/**
 * Kubernetes' own schemas for its built-in kinds (schemas/kubernetes/openapi.json, generated from the OpenAPI
 * description of each release by scripts/gen-kubernetes-schemas.ts), and validation of an object against the
 * schema of the configured minor version the way the API server decodes it: strict field validation (an unknown
 * field refuses the object), Go's JSON types (a string where an integer belongs refuses it; `null` is an absent
 * field), required fields, base64 `[]byte`, quantities, int-or-string and int32 ranges.
 *
 * Validation is Ajv over JSON Schema made from those definitions, one Ajv instance per minor version, each kind's
 * validator compiled on first use.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseQuantity } from '../analyze/admission/quantity.js';
import type { JsonPath } from '../objects/types.js';
import { packageFile } from '../util/package-root.js';

/** A definition as the generator stores it. */
interface StoredSchema {
  any?: true;
  ref?: string;
  type?: string;
  format?: string;
  required?: string[];
  properties?: Record<string, StoredSchema>;
  items?: StoredSchema;
  additionalProperties?: StoredSchema;
}

interface StoredVersion {
  /** Definition name → index into `schemas`. */
  definitions: Record<string, number>;
  /** `apiVersion/kind` → definition name. */
  kinds: Record<string, string>;
}

interface StoredSchemas {
  versions: Record<string, StoredVersion>;
  schemas: StoredSchema[];
}

/** One thing the API server would refuse, at a path of the object. */
export interface SchemaProblem {
  path: JsonPath;
  message: string;
}

/** What the schemas of one Kubernetes version say about an object. */
export type SchemaVerdict =
  /** Not a built-in kind (a custom resource, or a version the schemas do not cover): nothing to say. */
  | { status: 'unknown' }
  /** A built-in group/version and kind the version does not serve; `servedIn` lists the minors that do. */
  | { status: 'not-served'; minor: number; servedIn: number[] }
  /** A built-in group whose versions hold no such kind. */
  | { status: 'no-such-kind'; minor: number; group: string }
  | { status: 'checked'; minor: number; problems: SchemaProblem[] };

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const DEFINITIONS_ID = 'https://gitops-gate.dev/kubernetes';
/** At most this many problems per object: a mis-indented block can make every field below it unknown. */
const MAX_PROBLEMS = 20;
/**
 * Kinds OpenShift serves in the legacy core group (`apiVersion: v1`): not Kubernetes', but not a typo either.
 */
const OPENSHIFT_LEGACY_KINDS = new Set(['DeploymentConfig', 'Route', 'BuildConfig', 'Build', 'ImageStream', 'ImageStreamTag', 'Template', 'Project', 'ProjectRequest', 'SecurityContextConstraints', 'OAuthClient', 'User', 'Group']);

const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv;

let stored: StoredSchemas | undefined;
const validators = new Map<number, (name: string) => ValidateFunction>();
/** Each definition's JSON Schema → its name, to say which type an unknown field is unknown to. */
const definitionNames = new WeakMap<object, string>();

function storedSchemas(): StoredSchemas {
  stored ??= JSON.parse(readFileSync(packageFile('schemas', 'kubernetes', 'openapi.json'), 'utf8')) as StoredSchemas;
  return stored;
}

let coveredMinors: readonly number[] | undefined;

/** The minor versions the stored schemas cover, ascending. */
export function schemaMinors(): readonly number[] {
  coveredMinors ??= Object.keys(storedSchemas().versions)
    .map((v) => Number(v.split('.')[1]))
    .sort((a, b) => a - b);
  return coveredMinors;
}

/** The `apiVersion/kind` keys Kubernetes 1.`minor` serves, as the schemas list them. */
export function kindsOf(minor: number): string[] {
  return Object.keys(storedSchemas().versions[`1.${minor}`]?.kinds ?? {});
}

/** JSON Schema for one stored definition: Go's decoding accepts `null` for every field, and nothing undeclared. */
function toJsonSchema(s: StoredSchema, name?: string): Record<string, unknown> {
  if (s.any) return {};
  if (s.ref) return { $ref: `#/definitions/${s.ref}` };
  // A quantity is written as a string ("500m") or a plain number (2).
  if (name === QUANTITY) return { type: ['string', 'number', 'null'], format: 'quantity' };
  const out: Record<string, unknown> = {};
  if (s.format === 'int-or-string') out.type = ['integer', 'string', 'null'];
  else if (s.type) {
    out.type = [s.type, 'null'];
    if (s.format === 'int32' || s.format === 'int64' || s.format === 'byte' || s.format === 'date-time') out.format = s.format;
  }
  if (s.required) out.required = s.required;
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, toJsonSchema(v)]));
    out.additionalProperties = s.additionalProperties ? toJsonSchema(s.additionalProperties) : false;
  } else if (s.additionalProperties) out.additionalProperties = toJsonSchema(s.additionalProperties);
  if (s.items) out.items = toJsonSchema(s.items);
  return out;
}

/** Go's base64.StdEncoding as encoding/json decodes `[]byte`: padded, line breaks ignored. */
function isBase64(text: string): boolean {
  const s = text.replace(/[\r\n]/g, '');
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

function isQuantity(text: string): boolean {
  try {
    parseQuantity(text.trim());
    return true;
  } catch {
    return false;
  }
}

function validatorsFor(minor: number): (name: string) => ValidateFunction {
  let get = validators.get(minor);
  if (get) return get;
  const { versions, schemas } = storedSchemas();
  const version = versions[`1.${minor}`];
  const definitions = Object.fromEntries(
    Object.entries(version.definitions).map(([name, index]) => {
      const schema = toJsonSchema(schemas[index], name);
      definitionNames.set(schema, name);
      return [name, schema];
    })
  );
  const id = `${DEFINITIONS_ID}/1.${minor}`;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, inlineRefs: false, verbose: true, validateSchema: false });
  addFormats(ajv, ['int32', 'int64', 'date-time']);
  ajv.addFormat('byte', { type: 'string', validate: isBase64 });
  ajv.addFormat('quantity', { type: 'string', validate: isQuantity });
  ajv.addSchema({ $id: id, definitions });
  const compiled = new Map<string, ValidateFunction>();
  get = (name: string) => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.getSchema(`${id}#/definitions/${name}`);
      if (!validate) throw new Error(`no Kubernetes schema for ${name}`);
      compiled.set(name, validate);
    }
    return validate;
  };
  validators.set(minor, get);
  return get;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Validates an object against the schemas of Kubernetes 1.`minor`. Outside the versions the schemas cover, the
 * nearest one is used; only a version inside that range can tell that a kind is not served or does not exist.
 */
export function validateAgainstKubernetes(apiVersion: string, kind: string, body: unknown, minor: number): SchemaVerdict {
  const covered = schemaMinors();
  const used = Math.min(Math.max(minor, covered[0]), covered[covered.length - 1]);
  const { versions } = storedSchemas();
  const key = `${apiVersion}/${kind}`;
  // Lists are expanded into their items before anything is checked (src/objects/manifests.ts), as kubectl does.
  if (kind.endsWith('List')) return { status: 'unknown' };
  const name = versions[`1.${used}`].kinds[key];
  if (name) {
    const validate = validatorsFor(used)(name);
    if (validate(body)) return { status: 'checked', minor: used, problems: [] };
    return { status: 'checked', minor: used, problems: problemsOf(validate.errors ?? [], body) };
  }
  if (minor < covered[0]) return { status: 'unknown' };
  const servedIn = covered.filter((m) => versions[`1.${m}`].kinds[key] !== undefined);
  if (servedIn.length > 0) return { status: 'not-served', minor: used, servedIn };
  // A kind of a built-in group that no covered version has: a typo, unless the cluster is newer than the schemas.
  const group = groupOf(apiVersion);
  if (minor > covered[covered.length - 1] || (group === '' && OPENSHIFT_LEGACY_KINDS.has(kind))) return { status: 'unknown' };
  return builtinGroups().has(group) ? { status: 'no-such-kind', minor: used, group } : { status: 'unknown' };
}

let groups: Set<string> | undefined;

/** The API groups Kubernetes serves itself ('' is the core group): custom resources never use them. */
function builtinGroups(): Set<string> {
  groups ??= new Set(Object.values(storedSchemas().versions).flatMap((v) => Object.keys(v.kinds).map((key) => groupOf(key.slice(0, key.lastIndexOf('/'))))));
  return groups;
}

/** Ajv's instance path as the object's path: array indexes as numbers. */
function pathOf(pointer: string, body: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let at = body;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step = Array.isArray(at) ? Number(segment) : segment;
    path.push(step);
    at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
  }
  return path;
}

function valueAt(body: unknown, path: readonly (string | number)[]): unknown {
  let at = body;
  for (const step of path) at = at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
  return at;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  if (typeof value === 'string') return `a string (${shown})`;
  if (typeof value === 'number') return Number.isInteger(value) ? `an integer (${shown})` : `a number (${shown})`;
  return `a ${typeof value} (${shown})`;
}

const TYPE_NAMES: Record<string, string> = { integer: 'an integer', number: 'a number', string: 'a string', boolean: 'a boolean (true or false)', object: 'a map', array: 'a list' };

function fieldName(path: readonly (string | number)[]): string {
  const last = path[path.length - 1];
  return typeof last === 'number' ? `item ${last} of "${String(path[path.length - 2])}"` : `"${String(last)}"`;
}

/** One sentence per refused field, in the order of the object. */
function problemsOf(errors: readonly ErrorObject[], body: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const at = pathOf(e.instancePath, body);
    let path: (string | number)[] = at;
    let message: string;
    if (e.keyword === 'additionalProperties') {
      const field = (e.params as { additionalProperty: string }).additionalProperty;
      path = [...at, field];
      const owner = e.parentSchema && definitionNames.get(e.parentSchema);
      message = `unknown field "${field}"${owner ? ` in ${owner.replace(/^io\.k8s\.api\./, '')}` : ''}: the API server's strict field validation refuses the object, and a lenient apply drops the field without a word`;
    } else if (e.keyword === 'required') {
      const field = (e.params as { missingProperty: string }).missingProperty;
      message = `required field "${field}" is missing`;
    } else if (e.keyword === 'type') {
      const wanted = (e.params as { type: string | string[] }).type;
      const types = (Array.isArray(wanted) ? wanted : [wanted]).filter((t) => t !== 'null').map((t) => TYPE_NAMES[t] ?? t);
      const value = valueAt(body, at);
      // YAML reads 8080, 1.0, yes and on as numbers and booleans (Kubernetes' YAML is 1.1): quoting makes them strings.
      const quote = types.length === 1 && types[0] === TYPE_NAMES.string && (typeof value === 'number' || typeof value === 'boolean');
      message = `${fieldName(at)} must be ${types.join(' or ')}, not ${describeValue(value)}: ${quote ? 'quote the value, so that YAML reads it as a string' : 'the API server cannot decode it'}`;
    } else if (e.keyword === 'format') {
      const format = (e.params as { format: string }).format;
      const value = describeValue(valueAt(body, at));
      message =
        format === 'byte'
          ? `${fieldName(at)} is not base64: the API server decodes it as base64 and refuses the object (write plain text under stringData)`
          : format === 'quantity'
            ? `${fieldName(at)} is not a Kubernetes quantity (${value.replace(/^a string \((.*)\)$/, '$1')}): write it like 500m, 128Mi or 2`
            : format === 'date-time'
              ? `${fieldName(at)} is not an RFC 3339 date-time: ${value}`
              : `${fieldName(at)} does not fit in ${format}: ${value}`;
    } else continue;
    const key = `${JSON.stringify(path)}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
    if (problems.length === MAX_PROBLEMS) break;
  }
  return problems;
}
