/**
 * Writes schemas/kubernetes/openapi.json, the schemas `kubernetes-schema` validates built-in objects against, from
 * Kubernetes' own OpenAPI v2 descriptions (`api/openapi-spec/swagger.json` of each kubernetes/kubernetes release
 * branch), one file per minor version:
 *
 *   npm run schemas -- DIR     # DIR holds 1.28.json, 1.29.json, ... (each release branch's swagger.json)
 *
 * What is kept is what decides whether the API server accepts an object: types, formats, properties (every other
 * field is unknown: strict field validation refuses it), `required`, items, map values, and
 * `x-kubernetes-preserve-unknown-fields`. Descriptions and patch metadata are dropped. Definitions that are the same
 * in several versions are stored once. See schemas/kubernetes/SOURCE.md for where the input files come from.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type Swagger = Record<string, unknown>;

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

const REF_PREFIX = '#/definitions/';

/** The part of one swagger schema that validation reads, with `$ref`s reduced to the definition name. */
function compact(schema: Swagger): Swagger {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return { any: true };
  const out: Swagger = {};
  if (typeof schema.$ref === 'string') {
    out.ref = schema.$ref.startsWith(REF_PREFIX) ? schema.$ref.slice(REF_PREFIX.length) : schema.$ref;
    return out;
  }
  if (typeof schema.type === 'string') out.type = schema.type;
  if (typeof schema.format === 'string') out.format = schema.format;
  if (Array.isArray(schema.required) && schema.required.length > 0) out.required = [...(schema.required as string[])];
  const properties = schema.properties as Record<string, Swagger> | undefined;
  if (properties) {
    out.properties = Object.fromEntries(Object.keys(properties).map((k) => [k, compact(properties[k])]));
  }
  if (schema.items && typeof schema.items === 'object') out.items = compact(schema.items as Swagger);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.additionalProperties = compact(schema.additionalProperties as Swagger);
  }
  return out;
}

function apiVersionOf(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: gen-kubernetes-schemas.ts DIR (DIR holds 1.<minor>.json swagger files)');
const files = readdirSync(dir)
  .filter((f) => /^1\.\d+\.json$/.test(f))
  .sort((a, b) => Number(a.slice(2, -5)) - Number(b.slice(2, -5)));

const schemas: Swagger[] = [];
const schemaIndex = new Map<string, number>();
const versions: Record<string, { definitions: Record<string, number>; kinds: Record<string, string> }> = {};
for (const file of files) {
  const minor = file.slice(0, -5);
  const swagger = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { definitions: Record<string, Swagger> };
  const definitions: Record<string, number> = {};
  const kinds: Record<string, string> = {};
  for (const name of Object.keys(swagger.definitions).sort()) {
    const def = swagger.definitions[name];
    const text = JSON.stringify(compact(def));
    let index = schemaIndex.get(text);
    if (index === undefined) {
      index = schemas.length;
      schemas.push(JSON.parse(text) as Swagger);
      schemaIndex.set(text, index);
    }
    definitions[name] = index;
    // An object kind: exactly one group/version/kind, named like its definition, with ObjectMeta. DeleteOptions and
    // WatchEvent name every group, discovery documents (APIGroup, APIVersions) have no metadata, lists have
    // ListMeta: none is an object a repository holds.
    const gvks = def['x-kubernetes-group-version-kind'] as Gvk[] | undefined;
    const metadata = (def.properties as Record<string, Swagger> | undefined)?.metadata?.$ref;
    if (gvks?.length === 1 && name.endsWith(`.${gvks[0].kind}`) && metadata === `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`) {
      kinds[`${apiVersionOf(gvks[0])}/${gvks[0].kind}`] = name;
    }
  }
  versions[minor] = { definitions, kinds };
}
const out = {
  source: 'Kubernetes api/openapi-spec/swagger.json of each release branch; see SOURCE.md',
  versions,
  schemas
};
writeFileSync('schemas/kubernetes/openapi.json', JSON.stringify(out) + '\n');
console.log(`schemas/kubernetes/openapi.json: ${files.length} versions (${files.map((f) => f.slice(0, -5)).join(', ')}), ${schemas.length} distinct definitions`);
