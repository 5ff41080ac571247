/**
 * Reads the output of `git diff --raw -p -z -U0 --src-prefix=a/ --dst-prefix=b/` into changed files and the
 * line ranges added on the head side. Pure. Rule: any file name git allows comes out exactly as it is: the file
 * list is read NUL-separated, a hunk belongs to the file its `+++` line names (C-quoted names unquoted byte for
 * byte, the tab git adds after names with spaces dropped), and hunk lines are consumed by the counts in their
 * `@@` header, so no file content is ever taken for a header. Output that does not have this shape is an error.
 */

export interface ChangedFile {
  /** Repository-relative path at head (for deletions: the old path). */
  path: string;
  /** For renames and copies: the path at base. */
  previousPath?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange';
  /** Changed line ranges at head (inclusive, 1-based): where review comments can go. */
  addedLines: [number, number][];
}

export class DiffOutputError extends Error {
  constructor(message: string) {
    super(`unexpected git diff output: ${message}`);
    this.name = 'DiffOutputError';
  }
}

const STATUS: Record<string, ChangedFile['status']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'copied', T: 'typechange' };

/** Git's C-style escapes (quote.c): the character after the backslash and the byte it stands for. */
const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/**
 * Unquotes the C-quoted name that starts at `text[start]` (a `"`), as git's unquote_c_style does: the escapes
 * above and `\ooo` octal bytes, the bytes read as UTF-8. Returns the name and the index after the closing quote.
 */
export function unquoteC(text: string, start = 0): { value: string; end: number } {
  if (text[start] !== '"') throw new DiffOutputError(`a quoted name must start with '"': ${JSON.stringify(text)}`);
  const bytes: number[] = [];
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 };
    if (c !== '\\') {
      const point = text.codePointAt(i) as number;
      const char = String.fromCodePoint(point);
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length;
      continue;
    }
    const next = text[i + 1];
    if (next !== undefined && next in ESCAPES) {
      bytes.push(ESCAPES[next]);
      i += 2;
    } else if (/^[0-3][0-7]{2}$/.test(text.slice(i + 1, i + 4))) {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw new DiffOutputError(`bad escape in quoted name ${JSON.stringify(text)}`);
    }
  }
  throw new DiffOutputError(`unterminated quoted name ${JSON.stringify(text)}`);
}

/**
 * The path a `---`/`+++` line names, without its `a/`/`b/` prefix, or undefined for /dev/null. Git quotes a name
 * with control characters, `"` or `\` (and, with core.quotePath, bytes above 0x7f), and puts a tab after a name
 * that contains a space; an unquoted name never contains a tab.
 */
export function patchHeaderPath(field: string, prefix: string): string | undefined {
  if (field === '/dev/null') return undefined;
  let name: string;
  if (field.startsWith('"')) {
    const { value, end } = unquoteC(field);
    if (end !== field.length && field.slice(end) !== '\t') throw new DiffOutputError(`text after a quoted name: ${JSON.stringify(field)}`);
    name = value;
  } else {
    name = field.endsWith('\t') ? field.slice(0, -1) : field;
  }
  if (!name.startsWith(prefix)) throw new DiffOutputError(`a name without the "${prefix}" prefix: ${JSON.stringify(field)}`);
  return name.slice(prefix.length);
}

/** Reads the NUL-separated `--raw` records at the start of `output`; returns them and where the patch starts. */
function readRawRecords(output: string): { files: Map<string, ChangedFile>; patchStart: number } {
  const files = new Map<string, ChangedFile>();
  let pos = 0;
  const field = (): string => {
    const end = output.indexOf('\0', pos);
    if (end < 0) throw new DiffOutputError('a --raw record is not NUL-terminated');
    const value = output.slice(pos, end);
    pos = end + 1;
    return value;
  };
  while (output[pos] === ':') {
    const meta = field().split(' ');
    if (meta.length !== 5) throw new DiffOutputError(`a --raw record with ${meta.length} fields`);
    const status = STATUS[meta[4][0]] ?? 'modified';
    const previousPath = status === 'renamed' || status === 'copied' ? field() : undefined;
    const p = field();
    files.set(p, { path: p, ...(previousPath !== undefined ? { previousPath } : {}), status, addedLines: [] });
  }
  if (pos < output.length && output[pos++] !== '\0') throw new DiffOutputError('the --raw records are not followed by a NUL');
  return { files, patchStart: pos };
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Changed files and their added line ranges, from `git diff --raw -p -z` output (see the module comment). */
export function parseDiffOutput(output: string): ChangedFile[] {
  const { files, patchStart } = readRawRecords(output);
  const lines = output.slice(patchStart).split('\n');
  let current: ChangedFile | undefined;
  let seenNewName = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('diff --git ')) {
      current = undefined;
      seenNewName = false;
    } else if (line.startsWith('+++ ')) {
      if (seenNewName) throw new DiffOutputError('two "+++" lines in one file');
      seenNewName = true;
      const p = patchHeaderPath(line.slice(4), 'b/');
      current = p === undefined ? undefined : files.get(p);
      if (p !== undefined && !current) throw new DiffOutputError(`a patch for ${JSON.stringify(p)}, which the file list does not have`);
    } else if (line.startsWith('@@')) {
      const m = HUNK.exec(line);
      if (!m) throw new DiffOutputError(`a bad hunk header ${JSON.stringify(line)}`);
      let oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      let newLeft = m[3] === undefined ? 1 : Number(m[3]);
      let lineNo = Number(m[2]);
      while (oldLeft > 0 || newLeft > 0) {
        const body = lines[++i];
        if (body === undefined) throw new DiffOutputError('a hunk ends early');
        const kind = body[0];
        if (kind === '\\') continue;
        if (kind === '-' && oldLeft > 0) {
          oldLeft--;
        } else if (kind === '+' && newLeft > 0) {
          if (!current) throw new DiffOutputError('added lines before a "+++" line');
          addLine(current.addedLines, lineNo++);
          newLeft--;
        } else if ((kind === ' ' || kind === undefined) && oldLeft > 0 && newLeft > 0) {
          // A context line (empty with diff.suppressBlankEmpty).
          oldLeft--;
          newLeft--;
          lineNo++;
        } else {
          throw new DiffOutputError(`a hunk line that does not fit its header: ${JSON.stringify(body.slice(0, 80))}`);
        }
      }
    }
  }
  return [...files.values()];
}

function addLine(ranges: [number, number][], line: number): void {
  const last = ranges[ranges.length - 1];
  if (last && last[1] === line - 1) last[1] = line;
  else ranges.push([line, line]);
}
