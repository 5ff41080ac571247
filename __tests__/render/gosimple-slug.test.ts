/**
 * gosimple/slug's `Make`, as Argo CD's ApplicationSet `slugify` and the Flux Operator's ResourceSet `slugify` call it:
 * the characters it keeps, folds and trims, `&`/`@` spelled out, Latin letters transliterated, and the two ways it
 * cuts to a maximum length (at a word boundary, or blindly before replacing).
 */
import { describe, expect, test } from '@jest/globals';
import { expandApplicationSet } from '../../src/render/argocd-applicationset.js';
import { slugMake } from '../../src/render/gosimple-slug.js';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { RepoFiles } from '../../src/repo/files.js';
import os from 'node:os';

describe('gosimple/slug Make', () => {
  test.each([
    ['Hello World', 'hello-world'],
    ['  spaced    out  ?', 'spaced-out'],
    ['keep_under_scores', 'keep_under_scores'],
    ['_trim_ends_', 'trim_ends'],
    ['--a---b--', 'a-b'],
    ['>=1.0.0-rc.0', '1-0-0-rc-0'],
    ['R&D @ home', 'randd-at-home'],
    ['Łódź Straße', 'lodz-strasse'],
    ['Crème brûlée', 'creme-brulee'],
    ['Ærø', 'aero'],
    ['🙂', '']
  ])('%s -> %s', (text, slug) => {
    expect(slugMake(text, 0, true)).toBe(slug);
  });

  test.each([
    ['one-two-three', 7, true, 'one-two'],
    ['one-two-three', 8, true, 'one-two'],
    ['one-two-three', 6, true, 'one'],
    ['onetwothree', 5, true, 'onetw'],
    ['one-two-three', 13, true, 'one-two-three'],
    ['one two three', 6, false, 'one-tw'],
    ['  one two', 4, false, 'one']
  ])('%s cut to %d (smart %s) -> %s', (text, max, smart, slug) => {
    expect(slugMake(text, max, smart)).toBe(slug);
  });
});

describe('Argo CD slugify in goTemplate ApplicationSets', () => {
  test('one, two or three arguments: the name alone (50, smart), a length, a length and smartness', () => {
    const set = objectsFromYaml(
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: ApplicationSet',
        'metadata: { name: s, namespace: argocd }',
        'spec:',
        '  goTemplate: true',
        '  generators:',
        '    - list: { elements: [ { name: "My_Team.Web Shop" } ] }',
        '  template:',
        '    metadata:',
        '      name: \'{{ slugify .name }}\'',
        '      labels: { short: \'{{ slugify 8 .name }}\', blunt: \'{{ slugify 6 false .name }}\' }',
        '    spec: { project: default }',
        ''
      ].join('\n'),
      'sets.yaml',
      'manifests:.'
    ).objects[0];
    const result = expandApplicationSet(set, new RepoFiles(os.tmpdir()), () => false);
    if (!('applications' in result)) throw new Error(result.problem.reason);
    const app = result.applications[0];
    // SanitizeName first (`_` and ` ` become `-`, `.` stays), then slug (`.` becomes `-`).
    expect(app.name).toBe('my-team-web-shop');
    expect((app.body.metadata as { labels: object }).labels).toEqual({ short: 'my-team', blunt: 'my-tea' });
  });
});
