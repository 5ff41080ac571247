/** Go's path package (Base, Dir, Clean, Ext, IsAbs); path/filepath on Linux behaves the same. */
import { GoValue, defineFunc } from '../gotemplate/index.js';

type Fn = ReturnType<typeof defineFunc>;

/** path.Clean */
export function clean(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const n = p.length;
  let out = rooted ? '/' : '';
  let r = rooted ? 1 : 0;
  let dotdot = rooted ? 1 : 0;
  while (r < n) {
    if (p[r] === '/') r++;
    else if (p[r] === '.' && (r + 1 === n || p[r + 1] === '/')) r++;
    else if (p[r] === '.' && p[r + 1] === '.' && (r + 2 === n || p[r + 2] === '/')) {
      r += 2;
      if (out.length > dotdot) {
        let w = out.length - 1;
        while (w > dotdot && out[w] !== '/') w--;
        out = out.slice(0, w);
      } else if (!rooted) {
        if (out.length > 0) out += '/';
        out += '..';
        dotdot = out.length;
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) out += '/';
      for (; r < n && p[r] !== '/'; r++) out += p[r];
    }
  }
  return out === '' ? '.' : out;
}

export function base(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p[p.length - 1] === '/') p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

export function dir(p: string): string {
  const i = p.lastIndexOf('/');
  return clean(p.slice(0, i + 1));
}

export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

export function pathFuncs(): Record<string, Fn> {
  const s = (fn: (x: string) => GoValue, result = 'string'): Fn => defineFunc({ params: ['string'], result }, (x: GoValue) => fn(x as string));
  const isAbs = (x: string): boolean => x.startsWith('/');
  return {
    base: s(base), dir: s(dir), clean: s(clean), ext: s(ext), isAbs: s(isAbs, 'bool'),
    osBase: s(base), osDir: s(dir), osClean: s(clean), osExt: s(ext), osIsAbs: s(isAbs, 'bool')
  };
}
