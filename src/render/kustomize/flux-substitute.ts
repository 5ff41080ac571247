/**
 * Flux's post-build variable substitution (fluxcd/pkg kustomize_varsub.go `SubstituteVariables`), object by object
 * on kustomize's output: an object labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` is left
 * as it is; every other object's YAML text goes through Flux's envsubst and is read again. Undefined variables
 * become '' (kustomize-controller without `--strict-substitutions`); variables the gate cannot know (from an
 * encrypted Secret, or when a `substituteFrom` object is not in the repository) keep their `${...}` text.
 *
 * Each substituted field remembers the variables it was made from, so a finding on it can name the line that sets
 * them: that line when the field is exactly one variable, else the template line with the variable's line beside.
 */
import { isRecord, type JsonPath, type Located, type SourceLocation, type SourceMap } from '../../objects/types.js';
import type { FluxSubstitution } from '../../targets/types.js';
import { envsubst, envsubstReferences } from '../envsubst/index.js';

const OPT_OUT = 'kustomize.toolkit.fluxcd.io/substitute';

/** One kustomize output document after substitution, and the variables behind each substituted field. */
export interface SubstitutedDocument {
  text: string;
  /** Field path (JSON) -> where its variables are set, and whether the field is exactly one variable. */
  uses: Map<string, { at: SourceLocation[]; whole: boolean }>;
}

/** kustomize's output split into its documents (kustomize writes `---` between objects, never inside one). */
export function splitDocuments(stdout: string): string[] {
  return stdout.split(/^---[ \t]*\r?\n/m).filter((d) => d.trim() !== '');
}

/**
 * Substitutes one document whose parsed value is `value`. Throws the envsubst error (Flux fails the whole build with
 * `envsubst error: ...`).
 */
export function substituteDocument(text: string, value: unknown, substitution: FluxSubstitution): SubstitutedDocument {
  const uses = new Map<string, { at: SourceLocation[]; whole: boolean }>();
  if (isOptedOut(value)) return { text, uses };
  const known = new Set(Object.keys(substitution.vars));
  const keep = new Set(substitution.unreadable);
  const output = envsubst(text, (name) => {
    const v = substitution.vars[name];
    if (v) return { value: v.value, found: true };
    // Unknown to the gate: left as written rather than guessed.
    if (keep.has(name) || substitution.incomplete) return { value: `\${${name}}`, found: true };
    return { value: '', found: true };
  });
  collectUses(value, [], (p, s) => {
    const refs = envsubstReferences(s).filter((r) => known.has(r.name));
    if (refs.length === 0) return;
    const whole = refs.length === 1 && refs[0].start === 0 && refs[0].end === s.length;
    uses.set(JSON.stringify(p), { at: refs.map((r) => substitution.vars[r.name].at), whole });
  });
  return { text: output, uses };
}

function isOptedOut(value: unknown): boolean {
  const metadata = isRecord(value) && isRecord(value.metadata) ? value.metadata : {};
  return [metadata.labels, metadata.annotations].some((m) => isRecord(m) && m[OPT_OUT] === 'disabled');
}

function collectUses(value: unknown, p: (string | number)[], visit: (p: JsonPath, s: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('${')) visit(p, value);
  } else if (Array.isArray(value)) value.forEach((v, i) => collectUses(v, [...p, i], visit));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) collectUses(v, [...p, k], visit);
}

/** The object's source map with each substituted field pointing at (or beside) the line that sets its variable. */
export function withVariables(map: SourceMap, uses: SubstitutedDocument['uses']): SourceMap {
  if (uses.size === 0) return map;
  return {
    locate(p: JsonPath): Located {
      const located = map.locate(p);
      const use = uses.get(JSON.stringify(p));
      if (!use) return located;
      const variables = use.at.map((at) => ({ ...at, label: 'variable set here' }));
      if (use.whole) return { location: { ...use.at[0] }, related: [{ ...located.location, label: 'template' }, ...variables.slice(1), ...located.related], foundPath: p };
      return { ...located, related: [...located.related, ...variables] };
    }
  };
}
