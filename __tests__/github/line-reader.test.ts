/** The lines review suggestions are built from: read through the repository's confined reader, never from outside it. */
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { lineReader } from '../../src/github/publish.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

describe('lineReader', () => {
  const outside = tempDir('gg-outside-');
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP-SECRET\nline two\n');
  const root = tempDir('gg-lines-');
  writeTree(root, { 'apps/a.yaml': 'one\r\ntwo\nthree\n', 'big.yaml': 'x'.repeat(200) + '\n', 'bad.yaml': Buffer.from([0x61, 0xff, 0x0a]) });
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'apps/link.yaml'));
  symlinkSync('a.yaml', path.join(root, 'apps/inside.yaml'));
  const read = lineReader(root, 100);

  test('reads lines of files in the repository, also through a symlink that stays inside', () => {
    expect([1, 2, 3].map((n) => read('apps/a.yaml', n))).toEqual(['one', 'two', 'three']);
    expect(read('apps/inside.yaml', 2)).toBe('two');
    expect(read('apps/a.yaml', 9)).toBeUndefined();
  });

  test('never reads outside the repository, over the size limit or invalid UTF-8', () => {
    expect(read('apps/link.yaml', 1)).toBeUndefined();
    expect(read(`../${path.basename(outside)}/secret.txt`, 1)).toBeUndefined();
    expect(read(path.join(outside, 'secret.txt'), 1)).toBeUndefined();
    expect(read('big.yaml', 1)).toBeUndefined();
    expect(read('bad.yaml', 1)).toBeUndefined();
    expect(read('missing.yaml', 1)).toBeUndefined();
  });
});
