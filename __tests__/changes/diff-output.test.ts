import { describe, expect, test } from '@jest/globals';
import { DiffOutputError, parseDiffOutput, patchHeaderPath, unquoteC } from '../../src/changes/diff-output.js';

/** One NUL-terminated `--raw` record. */
const raw = (modes: string, status: string, ...paths: string[]): string => `:${modes} 1111111 2222222 ${status}\0${paths.map((p) => `${p}\0`).join('')}`;
/** The patch part: lines joined by newlines, as git prints them. */
const patch = (...lines: string[]): string => lines.map((l) => `${l}\n`).join('');

describe('unquoteC', () => {
  test('every escape git writes, octal bytes read as UTF-8', () => {
    expect(unquoteC('"\\a\\b\\t\\n\\v\\f\\r\\"\\\\\\101\\303\\251"')).toEqual({ value: '\x07\b\t\n\v\f\r"\\Aé', end: 32 });
    expect(unquoteC('"\\303\\274n\\303\\257c\\303\\266d\\303\\251.yaml"').value).toBe('ünïcödé.yaml');
    expect(unquoteC('"\\360\\237\\230\\200"').value).toBe('😀');
  });

  test('raw non-ASCII (core.quotePath=false) and escapes mixed', () => {
    expect(unquoteC('"ü\\tñ😀\\"x"').value).toBe('ü\tñ😀"x');
  });

  test('stops at the closing quote and says where', () => {
    expect(unquoteC('x"a\\"b"\tafter', 1)).toEqual({ value: 'a"b', end: 7 });
  });

  test('anything else is an error', () => {
    expect(() => unquoteC('"\\q"')).toThrow(DiffOutputError);
    expect(() => unquoteC('"\\400"')).toThrow(/bad escape/);
    expect(() => unquoteC('"\\30"')).toThrow(/bad escape/);
    expect(() => unquoteC('"open')).toThrow(/unterminated/);
    expect(() => unquoteC('plain')).toThrow(/must start with/);
  });
});

describe('patchHeaderPath', () => {
  test('plain, with the tab git adds after a name with a space, quoted, /dev/null', () => {
    expect(patchHeaderPath('b/a.yaml', 'b/')).toBe('a.yaml');
    expect(patchHeaderPath('b/with space.yaml\t', 'b/')).toBe('with space.yaml');
    expect(patchHeaderPath('b/trailing .yaml\t', 'b/')).toBe('trailing .yaml');
    expect(patchHeaderPath('"b/new\\nline \\303\\274.yaml"\t', 'b/')).toBe('new\nline ü.yaml');
    expect(patchHeaderPath('"b/tab\\tname.yaml"', 'b/')).toBe('tab\tname.yaml');
    expect(patchHeaderPath('b/-leading-dash.yaml', 'b/')).toBe('-leading-dash.yaml');
    expect(patchHeaderPath('/dev/null', 'b/')).toBeUndefined();
    expect(patchHeaderPath('b/dev/null', 'b/')).toBe('dev/null');
  });

  test('text after a quoted name, or a missing prefix, is an error', () => {
    expect(() => patchHeaderPath('"b/x" y', 'b/')).toThrow(/text after a quoted name/);
    expect(() => patchHeaderPath('w/x.yaml', 'b/')).toThrow(/prefix/);
    expect(() => patchHeaderPath('"x.yaml"', 'b/')).toThrow(/prefix/);
  });
});

describe('parseDiffOutput', () => {
  test('no changes: nothing', () => {
    expect(parseDiffOutput('')).toEqual([]);
  });

  test('every kind of change and name, with content that looks like headers', () => {
    const output =
      raw('100644 100644', 'M', 'ünïcödé.yaml') +
      raw('100644 100644', 'R087', 'old ü.yaml', 'new ü.yaml') +
      raw('100644 100644', 'C075', 'src.yaml', 'copy "q".yaml') +
      raw('100644 000000', 'D', 'gone.yaml') +
      raw('100644 100755', 'M', 'mode.sh') +
      raw('100644 100644', 'M', 'bin.dat') +
      raw('000000 100644', 'A', 'new\nline.yaml') +
      raw('000000 100644', 'A', 'with space.yaml') +
      raw('000000 100644', 'A', '-dash.yaml') +
      raw('100644 120000', 'T', 'link') +
      '\0' +
      patch(
        'diff --git "a/\\303\\274n\\303\\257c\\303\\266d\\303\\251.yaml" "b/\\303\\274n\\303\\257c\\303\\266d\\303\\251.yaml"',
        'index 1111111..2222222 100644',
        '--- "a/\\303\\274n\\303\\257c\\303\\266d\\303\\251.yaml"',
        '+++ "b/\\303\\274n\\303\\257c\\303\\266d\\303\\251.yaml"',
        '@@ -2,0 +3,2 @@ name: +9,9 @@',
        '+x',
        '++++ b/gone.yaml',
        '@@ -5 +6 @@',
        '-old',
        '+new',
        '\\ No newline at end of file',
        'diff --git "a/old \\303\\274.yaml" "b/new \\303\\274.yaml"',
        'similarity index 87%',
        'rename from "old \\303\\274.yaml"',
        'rename to "new \\303\\274.yaml"',
        'index 1111111..2222222 100644',
        '--- "a/old \\303\\274.yaml"\t',
        '+++ "b/new \\303\\274.yaml"\t',
        '@@ -4 +4 @@',
        '-a',
        '+b',
        'diff --git a/src.yaml "b/copy \\"q\\".yaml"',
        'similarity index 75%',
        'copy from src.yaml',
        'copy to "copy \\"q\\".yaml"',
        '--- a/src.yaml',
        '+++ "b/copy \\"q\\".yaml"',
        '@@ -1,0 +2 @@',
        '+c',
        'diff --git a/gone.yaml b/gone.yaml',
        'deleted file mode 100644',
        'index 1111111..0000000',
        '--- a/gone.yaml',
        '+++ /dev/null',
        '@@ -1,2 +0,0 @@',
        '-+++ b/mode.sh',
        '-@@ -1 +1 @@',
        'diff --git a/mode.sh b/mode.sh',
        'old mode 100644',
        'new mode 100755',
        'diff --git a/bin.dat b/bin.dat',
        'index 1111111..2222222 100644',
        'Binary files a/bin.dat and b/bin.dat differ',
        'diff --git "a/new\\nline.yaml" "b/new\\nline.yaml"',
        'new file mode 100644',
        'index 0000000..2222222',
        '--- /dev/null',
        '+++ "b/new\\nline.yaml"',
        '@@ -0,0 +1,3 @@',
        '+1',
        '+',
        '+3',
        'diff --git a/with space.yaml b/with space.yaml',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/with space.yaml\t',
        '@@ -0,0 +1,2 @@',
        '+diff --git a/-dash.yaml b/-dash.yaml',
        '++++ b/-dash.yaml',
        'diff --git a/-dash.yaml b/-dash.yaml',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/-dash.yaml',
        '@@ -0,0 +1 @@',
        '+--- a',
        'diff --git a/link b/link',
        'deleted file mode 100644',
        '--- a/link',
        '+++ /dev/null',
        '@@ -1 +0,0 @@',
        '-file',
        'diff --git a/link b/link',
        'new file mode 120000',
        '--- /dev/null',
        '+++ b/link',
        '@@ -0,0 +1 @@',
        '+target',
        '\\ No newline at end of file'
      );
    expect(parseDiffOutput(output)).toEqual([
      { path: 'ünïcödé.yaml', status: 'modified', addedLines: [[3, 4], [6, 6]] },
      { path: 'new ü.yaml', previousPath: 'old ü.yaml', status: 'renamed', addedLines: [[4, 4]] },
      { path: 'copy "q".yaml', previousPath: 'src.yaml', status: 'copied', addedLines: [[2, 2]] },
      { path: 'gone.yaml', status: 'deleted', addedLines: [] },
      { path: 'mode.sh', status: 'modified', addedLines: [] },
      { path: 'bin.dat', status: 'modified', addedLines: [] },
      { path: 'new\nline.yaml', status: 'added', addedLines: [[1, 3]] },
      { path: 'with space.yaml', status: 'added', addedLines: [[1, 2]] },
      { path: '-dash.yaml', status: 'added', addedLines: [[1, 1]] },
      { path: 'link', status: 'typechange', addedLines: [[1, 1]] }
    ]);
  });

  test('context lines (other -U settings) count on both sides and are not added', () => {
    const output = raw('100644 100644', 'M', 'a.yaml') + '\0' + patch('diff --git a/a.yaml b/a.yaml', '--- a/a.yaml', '+++ b/a.yaml', '@@ -1,4 +1,5 @@', ' one', '-two', '+TWO', '+2b', ' three', '', '@@ -9 +10 @@', '-x', '+y');
    expect(parseDiffOutput(output)).toEqual([{ path: 'a.yaml', status: 'modified', addedLines: [[2, 3], [10, 10]] }]);
  });

  test('output of another shape is an error, not a guess', () => {
    const header = raw('100644 100644', 'M', 'a.yaml') + '\0' + patch('diff --git a/a.yaml b/a.yaml', '--- a/a.yaml', '+++ b/a.yaml');
    expect(() => parseDiffOutput(header + patch('@@ -1 +1 @@', '-a', '-b'))).toThrow(/does not fit its header/);
    expect(() => parseDiffOutput(header + patch('@@ -1 +1,2 @@', '-a', '+b'))).toThrow(/does not fit its header: ""/);
    expect(() => parseDiffOutput(`${header}@@ -1 +1,2 @@\n-a\n+b`)).toThrow(/hunk ends early/);
    expect(() => parseDiffOutput(header + patch('@@ -1 +x @@', '-a'))).toThrow(/bad hunk header/);
    expect(() => parseDiffOutput(header + patch('+++ b/a.yaml'))).toThrow(/two "\+\+\+" lines/);
    expect(() => parseDiffOutput(header.replace('+++ b/a.yaml', '+++ b/other.yaml'))).toThrow(/"other.yaml", which the file list does not have/);
    expect(() => parseDiffOutput(raw('100644 100644', 'M', 'a.yaml') + patch('diff --git a/a.yaml b/a.yaml'))).toThrow(/not followed by a NUL/);
    expect(() => parseDiffOutput(':100644 100644 1 2 M\0a.yaml')).toThrow(/not NUL-terminated/);
    expect(() => parseDiffOutput(':100644 M\0a.yaml\0')).toThrow(/2 fields/);
    expect(() => parseDiffOutput(raw('100644 100644', 'M', 'a.yaml') + '\0' + patch('diff --git a/a.yaml b/a.yaml', '@@ -0,0 +1 @@', '+a'))).toThrow(/added lines before a "\+\+\+" line/);
  });
});
