/**
 * The glob Argo CD matches a directory source's include and exclude with: github.com/gobwas/glob compiled without
 * separators. The cases are gobwas/glob's own (glob_test.go, those without separators) and Argo CD's util/glob
 * `Test_Match`, plus names with the characters real file names have.
 */
import { describe, expect, test } from '@jest/globals';
import { compileGobwasGlob } from '../../src/targets/gobwas-glob.js';

const match = (pattern: string, text: string) => compileGobwasGlob(pattern)?.(text) ?? false;

const CASES: [boolean, string, string][] = [
  [true, '* ?at * eyes', 'my cat has very bright eyes'],
  [true, '', ''],
  [false, '', 'b'],
  [true, '*ä', 'åä'],
  [true, 'abc', 'abc'],
  [true, 'a*c', 'abc'],
  [true, 'a*c', 'a12345c'],
  [true, 'a?c', 'a1c'],
  [true, '?at', 'cat'],
  [true, '?at', 'fat'],
  [true, '*', 'abc'],
  [true, '\\*', '*'],
  [false, '?at', 'at'],
  [true, '*test', 'this is a test'],
  [true, 'this*', 'this is a test'],
  [true, '*is *', 'this is a test'],
  [true, '*is*a*', 'this is a test'],
  [true, '**test**', 'this is a test'],
  [true, '**is**a***test*', 'this is a test'],
  [false, '*is', 'this is a test'],
  [false, '*no*', 'this is a test'],
  [true, '[!a]*', 'this is a test3'],
  [true, '*abc', 'abcabc'],
  [true, '**abc', 'abcabc'],
  [true, '???', 'abc'],
  [true, '?*?', 'abc'],
  [true, '?*?', 'ac'],
  [false, 'sta', 'stagnation'],
  [true, 'sta*', 'stagnation'],
  [false, 'sta?', 'stagnation'],
  [false, 'sta?n', 'stagnation'],
  [true, '{abc,def}ghi', 'defghi'],
  [true, '{abc,abcd}a', 'abcda'],
  [true, '{a,ab}{bc,f}', 'abc'],
  [true, '{*,**}{a,b}', 'ab'],
  [false, '{*,**}{a,b}', 'ac'],
  [true, '/{rate,[a-z][a-z][a-z]}*', '/rate'],
  [true, '/{rate,[0-9][0-9][0-9]}*', '/rate'],
  [true, '/{rate,[a-z][a-z][a-z]}*', '/usd'],
  [true, '*//{,*.}example.com', 'https://www.example.com'],
  [true, '*//{,*.}example.com', 'http://example.com'],
  [false, '*//{,*.}example.com', 'http://example.com.net'],
  // Argo CD util/glob Test_Match.
  [true, 'hello', 'hello'],
  [false, 'hell', 'hello'],
  [true, 'hell*', 'hello'],
  [true, 'h*', 'hello'],
  [false, 'e*', 'hello'],
  [false, 'e[[a*', 'e[[a*'],
  // Paths relative to the source folder: `*` crosses `/`; names with `-`, `.`, `+`, `(`.
  [true, '*.yaml', 'sub/deep/app.yaml'],
  [true, 'config-*.yaml', 'config-prod.yaml'],
  [false, 'config-*.yaml', 'configprod.yaml'],
  [true, '{base/*,prod-*.yaml}', 'base/x/y.yml'],
  [true, 'a+b(c).yaml', 'a+b(c).yaml'],
  [true, '[a-c]-x', 'b-x'],
  [false, '[!a-c]-x', 'b-x'],
  [true, '[-_]x', '-x']
];

describe('gobwas glob, no separators', () => {
  test.each(CASES)('%s: %j matches %j', (expected, pattern, text) => {
    expect(match(pattern, text)).toBe(expected);
  });

  test('a pattern that does not compile is undefined (upstream: logged, matches nothing)', () => {
    for (const bad of ['e[[a*', '{a,b', 'a\\', '[]', '[!]']) expect(compileGobwasGlob(bad)).toBeUndefined();
    expect(compileGobwasGlob('{a,b}')).toBeDefined();
  });
});
