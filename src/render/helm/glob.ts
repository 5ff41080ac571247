/**
 * Pattern matching as Helm does it: Go's `path.Match` / `filepath.Match` (used by .helmignore and
 * `--show-only`) and gobwas/glob with '/' as separator (used by `.Files.Glob`).
 */

export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
    this.name = 'BadPatternError';
  }
}

/** Go's path.Match(pattern, name): '*' and '?' never match '/'. Throws BadPatternError on a malformed pattern. */
export function goPathMatch(pattern: string, name: string): boolean {
  return new RegExp('^' + goPatternToRegex(pattern) + '$', 'su').test(name);
}

function goPatternToRegex(pattern: string): string {
  const p = [...pattern];
  let out = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '*') {
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= p.length) throw new BadPatternError();
      out += escapeRe(p[i + 1]);
      i += 2;
    } else if (c === '[') {
      i++;
      let neg = false;
      if (p[i] === '^') {
        neg = true;
        i++;
      }
      let cls = '';
      let first = true;
      for (;;) {
        if (i >= p.length) throw new BadPatternError();
        if (p[i] === ']' && !first) {
          i++;
          break;
        }
        first = false;
        let lo = p[i];
        if (lo === '\\') {
          i++;
          if (i >= p.length) throw new BadPatternError();
          lo = p[i];
        } else if (lo === '-' || lo === ']') {
          throw new BadPatternError();
        }
        i++;
        if (p[i] === '-' && p[i + 1] !== ']') {
          i++;
          let hi = p[i];
          if (hi === undefined) throw new BadPatternError();
          if (hi === '\\') {
            i++;
            hi = p[i];
            if (hi === undefined) throw new BadPatternError();
          }
          i++;
          cls += escapeClass(lo) + '-' + escapeClass(hi);
        } else {
          cls += escapeClass(lo);
        }
      }
      out += neg ? `(?!/)[^${cls}]` : `[${cls}]`;
    } else {
      out += escapeRe(c);
      i++;
    }
  }
  return out;
}

/** Escapes a character outside a class: only syntax characters (`\-` would be a SyntaxError under the `u` flag). */
function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function escapeClass(c: string): string {
  return c.replace(/[\]\\^-]/g, '\\$&');
}

/** gobwas/glob compiled with separator '/': `*` (not '/'), `**` (anything), `?`, `[...]`, `[!...]`, `{a,b}`. */
export function compileGlob(pattern: string): RegExp {
  return new RegExp('^' + globToRegex([...pattern], { i: 0 }, false) + '$', 'su');
}

function globToRegex(p: string[], pos: { i: number }, inAlt: boolean): string {
  let out = '';
  while (pos.i < p.length) {
    const c = p[pos.i];
    if (inAlt && (c === ',' || c === '}')) return out;
    if (c === '*') {
      if (p[pos.i + 1] === '*') {
        out += '.*';
        pos.i += 2;
      } else {
        out += '[^/]*';
        pos.i++;
      }
    } else if (c === '?') {
      out += '[^/]';
      pos.i++;
    } else if (c === '\\') {
      if (pos.i + 1 >= p.length) throw new BadPatternError();
      out += escapeRe(p[pos.i + 1]);
      pos.i += 2;
    } else if (c === '[') {
      pos.i++;
      let neg = false;
      if (p[pos.i] === '!' || p[pos.i] === '^') {
        neg = true;
        pos.i++;
      }
      let cls = '';
      while (pos.i < p.length && p[pos.i] !== ']') {
        const lo = p[pos.i];
        if (p[pos.i + 1] === '-' && pos.i + 2 < p.length && p[pos.i + 2] !== ']') {
          cls += escapeClass(lo) + '-' + escapeClass(p[pos.i + 2]);
          pos.i += 3;
        } else {
          cls += escapeClass(lo);
          pos.i++;
        }
      }
      if (pos.i >= p.length) throw new BadPatternError();
      pos.i++;
      out += neg ? `[^${cls}/]` : `[${cls}]`;
    } else if (c === '{') {
      pos.i++;
      const alts: string[] = [];
      for (;;) {
        alts.push(globToRegex(p, pos, true));
        if (pos.i >= p.length) throw new BadPatternError();
        if (p[pos.i] === '}') {
          pos.i++;
          break;
        }
        pos.i++; // ','
      }
      out += '(?:' + alts.join('|') + ')';
    } else {
      out += escapeRe(c);
      pos.i++;
    }
  }
  if (inAlt) throw new BadPatternError();
  return out;
}
