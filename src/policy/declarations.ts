/**
 * Every declaration with what became of it: the Flux Kustomizations, HelmReleases and (Flux Operator) ResourceSets and
 * the Argo CD Applications and ApplicationSets written in the repository, and those only rendering made (an app-of-apps chart's), each with the
 * targets it rendered as and its state — checked, not checked, or, in a pull request, not affected by the change
 * (not rendered because nothing it reads changed). A rendered target belongs to the written declaration whose text it
 * comes from: the last one starting at or above its line in its file (an ApplicationSet's Applications are located
 * on its template).
 */
import type { SourceLocation } from '../objects/types.js';

export type DeclarationStatus = 'checked' | 'not-checked' | 'not-affected' | 'not-rendered';

export interface DeclarationState {
  kind: string;
  name: string;
  namespace?: string;
  location: SourceLocation;
  /** The targets it rendered as (one per source or overlay). */
  targets: string[];
  status: DeclarationStatus;
}

/** A declaration as written in a file. */
export interface WrittenDeclaration {
  kind: string;
  name: string;
  namespace?: string;
  location: SourceLocation;
  /** It lacks what a whole declaration has (a HelmRelease with no chart): a kustomize patch, listed only if rendered. */
  partial?: boolean;
}

/** A reported target that a declaration made. */
export interface RenderedDeclaration {
  id: string;
  declaredAt: SourceLocation;
  checked: boolean;
}

const KIND_OF_PREFIX: Record<string, string> = { 'flux-ks': 'Kustomization', flux: 'HelmRelease', 'flux-rset': 'ResourceSet', argocd: 'Application', 'argocd-set': 'ApplicationSet' };

/**
 * The states, written declarations first in file order. `pullRequest`: a written declaration no reported target
 * came from was not affected by the change; in a full scan, nothing rendered deploys it.
 */
export function declarationStates(written: readonly WrittenDeclaration[], rendered: readonly RenderedDeclaration[], pullRequest: boolean): DeclarationState[] {
  const byFile = new Map<string, WrittenDeclaration[]>();
  for (const w of written) add(byFile, w.location.file, w);
  for (const list of byFile.values()) list.sort((a, b) => a.location.line - b.location.line);
  const owned = new Map<WrittenDeclaration, RenderedDeclaration[]>();
  const made = new Map<string, RenderedDeclaration[]>();
  for (const r of rendered) {
    const owner = (byFile.get(r.declaredAt.file) ?? []).filter((w) => w.location.line <= r.declaredAt.line).at(-1);
    if (owner) add(owned, owner, r);
    // Else one declaration per name: its sources (`[i]`) and overlays (`@<target>`) together.
    else add(made, r.id.replace(/@.*$/, '').replace(/\[\d+\]$/, ''), r);
  }
  const status = (targets: readonly RenderedDeclaration[] | undefined): DeclarationStatus =>
    !targets || targets.length === 0 ? (pullRequest ? 'not-affected' : 'not-rendered') : targets.every((t) => t.checked) ? 'checked' : 'not-checked';
  const out: DeclarationState[] = [...written]
    .filter((w) => !w.partial || owned.has(w))
    .sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.line - b.location.line))
    .map((w) => {
      const { partial: _partial, ...declared } = w;
      const targets = owned.get(w);
      return { ...declared, targets: (targets ?? []).map((t) => t.id), status: status(targets) };
    });
  for (const targets of made.values()) {
    const [prefix, rest] = targets[0].id.split(':', 2) as [string, string];
    const [namespace, name] = rest.replace(/[[@].*$/, '').split('/', 2) as [string, string];
    out.push({ kind: KIND_OF_PREFIX[prefix] ?? prefix, name, namespace, location: targets[0].declaredAt, targets: targets.map((t) => t.id), status: status(targets) });
  }
  return out;
}

/** Appends to the list under a key. */
function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** How many declarations ended in each state. */
export function countDeclarations(states: readonly DeclarationState[]): Record<DeclarationStatus, number> {
  const out: Record<DeclarationStatus, number> = { checked: 0, 'not-checked': 0, 'not-affected': 0, 'not-rendered': 0 };
  for (const s of states) out[s.status]++;
  return out;
}
