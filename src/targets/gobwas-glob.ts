/**
 * The glob patterns Argo CD matches a directory source's `include` and `exclude` with (argoproj/argo-cd util/glob,
 * github.com/gobwas/glob compiled without separators): `*` and `**` match any text including `/`, `?` one
 * character, `[abc]`, `[a-z]`, `[!a-z]` one character of (or not of) a class, `{a,b}` one of the alternatives (which
 * may hold patterns), `\` escapes the next character. A pattern that does not compile matches nothing, as upstream
 * logs the error and answers false. Hand-written because picomatch's `*` never crosses `/` and has no such mode.
 */

/** A matcher for one pattern; `undefined` when the pattern does not compile. */
export function compileGobwasGlob(pattern: string): ((text: string) => boolean) | undefined {
  const source = translate(pattern, 0, false);
  if (!source || source.end !== pattern.length) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${source.re})$`, 'su');
  } catch {
    return undefined;
  }
  return (text) => re.test(text);
}

/** A literal character outside a class, and inside one (the `u` flag allows no other escapes). */
const escapeChar = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
const escapeClassChar = (c: string) => c.replace(/[\\\]^[-]/g, '\\$&');

/** Translates from `start` until the end, or (inside `{}`) until the `,` or `}` that ends the alternative. */
function translate(p: string, start: number, inAlternatives: boolean): { re: string; end: number } | undefined {
  let re = '';
  let i = start;
  while (i < p.length) {
    const c = p[i];
    if (inAlternatives && (c === ',' || c === '}')) return { re, end: i };
    if (c === '\\') {
      if (i + 1 >= p.length) return undefined;
      re += escapeChar(p[i + 1]);
      i += 2;
    } else if (c === '*') {
      while (p[i] === '*') i++;
      re += '.*';
    } else if (c === '?') {
      re += '.';
      i++;
    } else if (c === '[') {
      const close = p.indexOf(']', i + 1);
      if (close < 0) return undefined;
      let body = p.slice(i + 1, close);
      const negated = body.startsWith('!');
      if (negated) body = body.slice(1);
      if (body === '') return undefined;
      const range = /^(.)-(.)$/u.exec(body);
      re += range ? `[${negated ? '^' : ''}${escapeClassChar(range[1])}-${escapeClassChar(range[2])}]` : `[${negated ? '^' : ''}${[...body].map(escapeClassChar).join('')}]`;
      i = close + 1;
    } else if (c === '{') {
      const alternatives: string[] = [];
      let j = i + 1;
      for (;;) {
        const part = translate(p, j, true);
        if (!part || part.end >= p.length) return undefined;
        alternatives.push(part.re);
        j = part.end + 1;
        if (p[part.end] === '}') break;
      }
      re += `(?:${alternatives.join('|')})`;
      i = j;
    } else {
      re += escapeChar(c);
      i++;
    }
  }
  return inAlternatives ? undefined : { re, end: i };
}
