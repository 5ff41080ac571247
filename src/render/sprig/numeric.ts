/** Sprig numeric functions (numeric.go, functions.go): int64 arithmetic, decimal float arithmetic, sequences. */
import { GoValue, defineFunc, sprint, withGoType } from '../gotemplate/index.js';
import { int, int64, toFloat64, toInt64, toIntNum } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const ANY = 'interface {}';
const num = (v: GoValue): number => Number((v as { value: bigint }).value);
const wrap64 = (n: bigint): bigint => BigInt.asIntN(64, n);
const MAX_ELEMS = 10_000_000;

/** untilStep from numeric.go. */
export function untilStep(start: number, stop: number, step: number): number[] {
  const v: number[] = [];
  if (stop < start) {
    if (step >= 0) return v;
    for (let i = start; i > stop; i += step) {
      v.push(i);
      if (v.length > MAX_ELEMS) throw new Error('untilStep: too many elements');
    }
    return v;
  }
  if (step <= 0) return v;
  for (let i = start; i < stop; i += step) {
    v.push(i);
    if (v.length > MAX_ELEMS) throw new Error('untilStep: too many elements');
  }
  return v;
}

const intSlice = (xs: number[]): GoValue[] => withGoType(xs.map((x) => int(x)), '[]int');

function seq(params: number[]): string {
  let increment = 1;
  switch (params.length) {
    case 0:
      return '';
    case 1: {
      const start = 1;
      const end = params[0];
      if (end < start) increment = -1;
      return untilStep(start, end + increment, increment).join(' ');
    }
    case 3: {
      const [start, step, end] = params;
      if (end < start) {
        increment = -1;
        if (step > 0) return '';
      }
      return untilStep(start, end + increment, step).join(' ');
    }
    case 2: {
      const [start, end] = params;
      const step = end < start ? -1 : 1;
      return untilStep(start, end + step, step).join(' ');
    }
    default:
      return '';
  }
}

// ---------------------------------------------------------------- shopspring/decimal subset

/** An exact decimal: coef * 10^exp. */
interface Dec {
  coef: bigint;
  exp: number;
}

function decFromFloat(f: number): Dec {
  if (!Number.isFinite(f)) throw new Error(`Cannot create a Decimal from ${sprint([f])}`);
  // JS gives the shortest round-trip digits, like strconv 'g' -1.
  const s = String(f);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) return { coef: 0n, exp: 0 };
  const frac = m[3] ?? '';
  let coef = BigInt(m[2] + frac);
  if (m[1] === '-') coef = -coef;
  return { coef, exp: Number(m[4] ?? 0) - frac.length };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - e), b.coef * 10n ** BigInt(b.exp - e), e];
}

const decAdd = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { coef: x + y, exp: e };
};
const decSub = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { coef: x - y, exp: e };
};
const decMul = (a: Dec, b: Dec): Dec => ({ coef: a.coef * b.coef, exp: a.exp + b.exp });

/** DivRound(d2, 16): quotient rounded half away from zero to 16 decimal places. */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.coef === 0n) throw new Error('decimal division by zero');
  const prec = 16;
  // a/b = (a.coef/b.coef) * 10^(a.exp-b.exp); scale to 10^-prec.
  const shift = a.exp - b.exp + prec;
  let n = a.coef;
  let d = b.coef;
  if (shift >= 0) n *= 10n ** BigInt(shift);
  else d *= 10n ** BigInt(-shift);
  const neg = (n < 0n) !== (d < 0n);
  if (n < 0n) n = -n;
  if (d < 0n) d = -d;
  let q = n / d;
  const r = n % d;
  if (2n * r >= d) q += 1n;
  return { coef: neg ? -q : q, exp: -prec };
}

function decToFloat(d: Dec): number {
  return Number(`${d.coef}e${d.exp}`);
}

function execDecimalOp(a: GoValue, b: GoValue[], f: (x: Dec, y: Dec) => Dec): number {
  let prt = decFromFloat(toFloat64(a));
  for (const x of b) prt = f(prt, decFromFloat(toFloat64(x)));
  return decToFloat(prt);
}

function goRoundNum(a: GoValue, p: number, roundOn = 0.5): number {
  const val = toFloat64(a);
  const pow = Math.pow(10, p);
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

export function numericFuncs(): Record<string, Fn> {
  const f1 = (fn: (x: number) => number): Fn => defineFunc({ params: [ANY], result: 'float64' }, (a: GoValue) => fn(toFloat64(a)));
  const max = defineFunc({ params: [ANY, ANY], variadic: true, result: 'int64' }, (a: GoValue, ...r: GoValue[]) => {
    let aa = toInt64(a);
    for (const b of r) {
      const bb = toInt64(b);
      if (bb > aa) aa = bb;
    }
    return int64(aa);
  });
  return {
    atoi: defineFunc({ params: ['string'], result: 'int' }, (s: GoValue) => {
      const t = s as string;
      if (!/^[+-]?\d+$/.test(t)) return int(0);
      const n = BigInt(t);
      return int(n > (1n << 63n) - 1n || n < -(1n << 63n) ? 0n : n);
    }),
    int64: defineFunc({ params: [ANY], result: 'int64' }, (v: GoValue) => int64(toInt64(v))),
    int: defineFunc({ params: [ANY], result: 'int' }, (v: GoValue) => int(toInt64(v))),
    float64: defineFunc({ params: [ANY], result: 'float64' }, (v: GoValue) => toFloat64(v)),
    seq: defineFunc({ params: ['int'], variadic: true, result: 'string' }, (...p: GoValue[]) => seq(p.map(num))),
    toDecimal: defineFunc({ params: [ANY], result: 'int64' }, (v: GoValue) => {
      const s = sprint([v ?? null]);
      const m = /^([+-]?)([0-7]+)$/.exec(s);
      if (!m) return int64(0);
      let n = BigInt('0o' + m[2]);
      if (m[1] === '-') n = -n;
      if (n > (1n << 63n) - 1n || n < -(1n << 63n)) return int64(0);
      return int64(n);
    }),
    until: defineFunc({ params: ['int'], result: '[]int' }, (c: GoValue) => {
      const count = num(c);
      return intSlice(untilStep(0, count, count < 0 ? -1 : 1));
    }),
    untilStep: defineFunc({ params: ['int', 'int', 'int'], result: '[]int' }, (a: GoValue, b: GoValue, c: GoValue) =>
      intSlice(untilStep(num(a), num(b), num(c)))),
    add1: defineFunc({ params: [ANY], result: 'int64' }, (a: GoValue) => int64(wrap64(toInt64(a) + 1n))),
    add: defineFunc({ params: [ANY], variadic: true, result: 'int64' }, (...xs: GoValue[]) =>
      int64(xs.reduce<bigint>((s, x) => wrap64(s + toInt64(x)), 0n))),
    sub: defineFunc({ params: [ANY, ANY], result: 'int64' }, (a: GoValue, b: GoValue) => int64(wrap64(toInt64(a) - toInt64(b)))),
    div: defineFunc({ params: [ANY, ANY], result: 'int64' }, (a: GoValue, b: GoValue) => {
      const d = toInt64(b);
      if (d === 0n) throw new Error('runtime error: integer divide by zero');
      return int64(wrap64(toInt64(a) / d));
    }),
    mod: defineFunc({ params: [ANY, ANY], result: 'int64' }, (a: GoValue, b: GoValue) => {
      const d = toInt64(b);
      if (d === 0n) throw new Error('runtime error: integer divide by zero');
      return int64(toInt64(a) % d);
    }),
    mul: defineFunc({ params: [ANY, ANY], variadic: true, result: 'int64' }, (a: GoValue, ...r: GoValue[]) =>
      int64(r.reduce<bigint>((s, x) => wrap64(s * toInt64(x)), toInt64(a)))),
    add1f: defineFunc({ params: [ANY], result: 'float64' }, (a: GoValue) => execDecimalOp(a, [int(1)], decAdd)),
    addf: defineFunc({ params: [ANY], variadic: true, result: 'float64' }, (...xs: GoValue[]) => execDecimalOp(0, xs, decAdd)),
    subf: defineFunc({ params: [ANY, ANY], variadic: true, result: 'float64' }, (a: GoValue, ...r: GoValue[]) => execDecimalOp(a, r, decSub)),
    divf: defineFunc({ params: [ANY, ANY], variadic: true, result: 'float64' }, (a: GoValue, ...r: GoValue[]) => execDecimalOp(a, r, decDiv)),
    mulf: defineFunc({ params: [ANY, ANY], variadic: true, result: 'float64' }, (a: GoValue, ...r: GoValue[]) => execDecimalOp(a, r, decMul)),
    biggest: max,
    max,
    min: defineFunc({ params: [ANY, ANY], variadic: true, result: 'int64' }, (a: GoValue, ...r: GoValue[]) => {
      let aa = toInt64(a);
      for (const b of r) {
        const bb = toInt64(b);
        if (bb < aa) aa = bb;
      }
      return int64(aa);
    }),
    maxf: defineFunc({ params: [ANY, ANY], variadic: true, result: 'float64' }, (a: GoValue, ...r: GoValue[]) =>
      r.reduce<number>((s, x) => Math.max(s, toFloat64(x)), toFloat64(a))),
    minf: defineFunc({ params: [ANY, ANY], variadic: true, result: 'float64' }, (a: GoValue, ...r: GoValue[]) =>
      r.reduce<number>((s, x) => Math.min(s, toFloat64(x)), toFloat64(a))),
    ceil: f1(Math.ceil),
    floor: f1(Math.floor),
    round: defineFunc({ params: [ANY, 'int', 'float64'], variadic: true, result: 'float64' }, (a: GoValue, p: GoValue, ...o: GoValue[]) =>
      goRoundNum(a, num(p), o.length > 0 ? (o[0] as number) : 0.5))
  };
}

export { toIntNum };
