/**
 * GitHub's published OpenAPI description (@octokit/openapi, api.github.com.json) as a request/response checker.
 * Loaded lazily once per module registry (i.e. once per Jest test file) and shared by every server started in it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  op: JsonObject;
}

export interface ParamProblem {
  in: 'path' | 'query';
  name: string;
  message: string;
}

interface CompiledRoute {
  template: string;
  regex: RegExp;
  names: string[];
  literalLength: number;
  methods: Map<string, JsonObject>;
}

const SPEC_ID = 'github-openapi';

/**
 * Places where api.github.com sends null although the description says otherwise. GitHub nulls `line` and
 * `position` of outdated review comments (and of file-level comments) while the schema types them as integer;
 * the loopback server behaves like GitHub, so the schema is relaxed there.
 */
const KNOWN_NULLABLE: Record<string, string[]> = {
  'pull-request-review-comment': ['position', 'original_position', 'line', 'original_line'],
  'review-comment': ['position', 'original_position', 'line', 'original_line']
};
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Converts OpenAPI 3.0 `nullable: true` into JSON-schema type unions, in place. */
function convertNullable(node: Json, isPropertyMap = false): void {
  if (Array.isArray(node)) {
    for (const n of node) convertNullable(n);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (!isPropertyMap && (k === 'example' || k === 'examples')) continue; // sample data, not schemas
    convertNullable(v, !isPropertyMap && k === 'properties');
  }
  if (isPropertyMap) return;
  if (node.nullable === true) {
    delete node.nullable;
    if (typeof node.type === 'string') {
      node.type = [node.type, 'null'];
      if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    } else {
      const copy: JsonObject = { ...node };
      for (const k of Object.keys(node)) delete node[k];
      node.anyOf = [copy, { type: 'null' }];
    }
  }
}

/** Deep copy with local `#/...` refs pointed at the spec document registered in ajv. */
function retarget(node: Json, isPropertyMap = false): Json {
  if (Array.isArray(node)) return node.map((n) => retarget(n));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (!isPropertyMap && k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = `${SPEC_ID}${v}`;
    else if (!isPropertyMap && (k === 'example' || k === 'examples')) continue;
    else out[k] = retarget(v, !isPropertyMap && k === 'properties');
  }
  return out;
}

export class OpenApiSpec {
  private readonly doc: JsonObject;
  private readonly routes: CompiledRoute[] = [];
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(doc: JsonObject) {
    this.doc = doc;
    const components = doc.components as JsonObject;
    const schemas = components.schemas as JsonObject;
    for (const [name, props] of Object.entries(KNOWN_NULLABLE)) {
      const properties = ((schemas[name] as JsonObject | undefined)?.properties ?? {}) as JsonObject;
      for (const p of props) if (properties[p] && typeof properties[p] === 'object') (properties[p] as JsonObject).nullable = true;
    }
    convertNullable(components);
    convertNullable(doc.paths);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SPEC_ID, components } as object);
    for (const [template, item] of Object.entries(doc.paths as JsonObject)) {
      const names: string[] = [];
      let literalLength = 0;
      const pattern = template.split(/(\{[^}]+\})/).map((part) => {
        const m = /^\{([^}]+)\}$/.exec(part);
        if (m) { names.push(m[1]); return '([^/]+)'; }
        literalLength += part.length;
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }).join('');
      const methods = new Map<string, JsonObject>();
      for (const [m, op] of Object.entries(item as JsonObject)) {
        if (HTTP_METHODS.includes(m)) methods.set(m.toUpperCase(), op as JsonObject);
      }
      this.routes.push({ template, regex: new RegExp(`^${pattern}$`), names, literalLength, methods });
    }
    // Most specific first: `/pulls/comments/{comment_id}` before `/pulls/{pull_number}/...`.
    this.routes.sort((a, b) => b.literalLength - a.literalLength || a.names.length - b.names.length);
  }

  /** Resolves a `$ref` of the document (`#/components/...`). */
  deref<T extends Json>(node: T): T {
    let cur: Json = node;
    for (let i = 0; i < 10 && cur && typeof cur === 'object' && !Array.isArray(cur) && typeof cur.$ref === 'string'; i++) {
      const parts: string[] = (cur.$ref as string).replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      let target: Json = this.doc;
      for (const p of parts) target = (target as JsonObject)[p];
      cur = target;
    }
    return cur as T;
  }

  /**
   * Finds the operation for a method and concrete path. `pathMatched` is true when the path matches a
   * template but the method is not defined for it.
   */
  match(method: string, pathname: string): { operation?: Operation; params: Record<string, string>; pathMatched: boolean } {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(pathname);
      if (!m) continue;
      pathMatched = true;
      const op = route.methods.get(method.toUpperCase());
      if (!op) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { operation: { method: method.toUpperCase(), template: route.template, operationId: String(op.operationId), op }, params, pathMatched };
    }
    return { params: {}, pathMatched };
  }

  private parameters(operation: Operation): JsonObject[] {
    const item = (this.doc.paths as JsonObject)[operation.template] as JsonObject;
    const list = [...((item.parameters as Json[] | undefined) ?? []), ...((operation.op.parameters as Json[] | undefined) ?? [])];
    return list.map((p) => this.deref(p) as JsonObject);
  }

  private validator(key: string, schema: () => Json): ValidateFunction {
    let v = this.cache.get(key);
    if (!v) {
      v = this.ajv.compile(retarget(schema()) as object);
      this.cache.set(key, v);
    }
    return v;
  }

  /** Checks path and query parameters; returns the typed query values and any problems. */
  checkParams(operation: Operation, pathParams: Record<string, string>, query: URLSearchParams): { problems: ParamProblem[]; values: Record<string, unknown> } {
    const problems: ParamProblem[] = [];
    const values: Record<string, unknown> = {};
    for (const p of this.parameters(operation)) {
      const where = p.in as string;
      if (where !== 'path' && where !== 'query') continue;
      const name = String(p.name);
      const raw = where === 'path' ? pathParams[name] : query.get(name) ?? undefined;
      if (raw === undefined) {
        if (p.required === true) problems.push({ in: where, name, message: `missing required ${where} parameter "${name}"` });
        continue;
      }
      const schema = (p.schema ?? {}) as JsonObject;
      const value = coerce(raw, this.deref(schema));
      const v = this.validator(`${operation.template} ${operation.method} param ${where}:${name}`, () => schema);
      if (!v(value)) problems.push({ in: where, name, message: `${where} parameter "${name}"=${JSON.stringify(raw)} ${formatErrors(v.errors)}` });
      else values[name] = value;
    }
    return { problems, values };
  }

  /** The JSON request-body schema of an operation, if it has one. */
  requestBody(operation: Operation): { required: boolean; hasJson: boolean } {
    const rb = operation.op.requestBody ? this.deref(operation.op.requestBody) as JsonObject : undefined;
    if (!rb) return { required: false, hasJson: false };
    const content = (rb.content ?? {}) as JsonObject;
    return { required: rb.required === true, hasJson: 'application/json' in content };
  }

  /** Validates a JSON body against the operation's request schema; returns error text or undefined. */
  checkBody(operation: Operation, body: unknown): string | undefined {
    const rb = this.deref(operation.op.requestBody as Json) as JsonObject;
    const schema = ((rb.content as JsonObject)['application/json'] as JsonObject).schema as Json;
    const v = this.validator(`${operation.template} ${operation.method} body`, () => schema);
    return v(body) ? undefined : formatErrors(v.errors);
  }

  /** Validates a response body against the schema documented for the status; undefined = fine or not documented. */
  checkResponse(operation: Operation, status: number, body: unknown): string | undefined {
    const responses = (operation.op.responses ?? {}) as JsonObject;
    const documented = responses[String(status)];
    if (!documented) return undefined;
    const resp = this.deref(documented) as JsonObject;
    const content = resp.content as JsonObject | undefined;
    const json = content?.['application/json'] as JsonObject | undefined;
    if (!json?.schema) return undefined;
    const v = this.validator(`${operation.template} ${operation.method} response ${status}`, () => json.schema);
    return v(body) ? undefined : formatErrors(v.errors);
  }

  /** The documented statuses of an operation. */
  statuses(operation: Operation): string[] {
    return Object.keys((operation.op.responses ?? {}) as JsonObject);
  }

  /** A `docs.github.com` link for errors, like GitHub's `documentation_url`. */
  docsUrl(operation: Operation | undefined): string {
    const ext = operation?.op.externalDocs as JsonObject | undefined;
    return typeof ext?.url === 'string' ? ext.url : 'https://docs.github.com/rest';
  }
}

function coerce(raw: string, schema: JsonObject): unknown {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'array') return raw.split(',');
  return raw;
}

export function formatErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'is invalid';
  // anyOf/oneOf produce many nested errors; keep them short but complete enough to debug.
  return errors.slice(0, 8).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}${e.keyword === 'enum' ? ` ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}` : ''}`.trim()).join('; ')
    + (errors.length > 8 ? `; … ${errors.length - 8} more` : '');
}

let shared: OpenApiSpec | undefined;

/** The spec, parsed on first use (≈1–2 s) and shared by every server in this module registry. */
export function loadGitHubSpec(): OpenApiSpec {
  if (!shared) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    shared = new OpenApiSpec(JSON.parse(readFileSync(file, 'utf8')) as JsonObject);
  }
  return shared;
}
