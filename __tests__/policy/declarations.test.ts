/**
 * Which declaration a rendered target belongs to, and the state each declaration ends in.
 */
import { describe, expect, test } from '@jest/globals';
import { countDeclarations, declarationStates } from '../../src/policy/declarations.js';

const at = (file: string, line: number) => ({ file, line });

describe('declarationStates', () => {
  const written = [
    { kind: 'ApplicationSet', name: 'canaries', namespace: 'argocd', location: at('argocd/sets.yaml', 1) },
    { kind: 'Application', name: 'solo', namespace: 'argocd', location: at('argocd/sets.yaml', 30) },
    { kind: 'HelmRelease', name: 'idle', namespace: 'apps', location: at('apps/idle.yaml', 1) }
  ];

  test("a target located inside a declaration's text (a generated Application on its set's template line) belongs to it", () => {
    const states = declarationStates(
      written,
      [
        { id: 'argocd:argocd/api-canary', declaredAt: at('argocd/sets.yaml', 18), checked: true },
        { id: 'argocd:argocd/web-canary', declaredAt: at('argocd/sets.yaml', 18), checked: false },
        { id: 'argocd:argocd/solo', declaredAt: at('argocd/sets.yaml', 30), checked: true },
        // Made by rendering (an app-of-apps chart's range over one template): each listed by its name, sources together.
        { id: 'argocd:argocd/child[0]', declaredAt: at('apps/templates/child.yaml', 4), checked: true },
        { id: 'argocd:argocd/child[1]', declaredAt: at('apps/templates/child.yaml', 4), checked: true },
        { id: 'argocd:argocd/other', declaredAt: at('apps/templates/child.yaml', 4), checked: false }
      ],
      true
    );
    expect(states.map((s) => [s.kind, s.name, s.status, s.targets])).toEqual([
      ['HelmRelease', 'idle', 'not-affected', []],
      ['ApplicationSet', 'canaries', 'not-checked', ['argocd:argocd/api-canary', 'argocd:argocd/web-canary']],
      ['Application', 'solo', 'checked', ['argocd:argocd/solo']],
      ['Application', 'child', 'checked', ['argocd:argocd/child[0]', 'argocd:argocd/child[1]']],
      ['Application', 'other', 'not-checked', ['argocd:argocd/other']]
    ]);
    expect(countDeclarations(states)).toEqual({ checked: 2, 'not-checked': 2, 'not-affected': 1, 'not-rendered': 0 });
  });

  test('in a full scan, a written declaration nothing rendered is in no built file', () => {
    expect(declarationStates(written, [], false).map((s) => s.status)).toEqual(['not-rendered', 'not-rendered', 'not-rendered']);
  });

  test('a partial declaration (a kustomize patch of a HelmRelease) is listed only when a target came from it', () => {
    const patch = { kind: 'HelmRelease', name: 'podinfo', namespace: 'podinfo', location: at('apps/staging/values.yaml', 1), partial: true };
    const rendered = { kind: 'HelmRelease', name: 'web', namespace: 'apps', location: at('apps/web-patch.yaml', 1), partial: true };
    const states = declarationStates([patch, rendered], [{ id: 'flux:apps/web', declaredAt: at('apps/web-patch.yaml', 1), checked: true }], false);
    expect(states).toEqual([{ kind: 'HelmRelease', name: 'web', namespace: 'apps', location: at('apps/web-patch.yaml', 1), targets: ['flux:apps/web'], status: 'checked' }]);
  });
});
