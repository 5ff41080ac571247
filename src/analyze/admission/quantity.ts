/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource) as exact rationals, for the CEL
 * `quantity` library: parsing with upstream's grammar and message, comparison, sums and integer conversion.
 */

export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const QUANTITY_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** A quantity's exact value, num/den in lowest terms, den > 0. */
export interface Quantity {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function makeQuantity(num: bigint, den = 1n): Quantity {
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

/** Parses a quantity as ParseQuantity does; throws with upstream's message when it is malformed. */
export function parseQuantity(text: string): Quantity {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!m || text === '' || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(QUANTITY_ERROR);
  const [, sign, whole, fraction = '', suffix] = m;
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  if (suffix in BINARY_SUFFIXES) {
    num *= 2n ** BigInt(BINARY_SUFFIXES[suffix]);
  } else if (suffix in DECIMAL_SUFFIXES) {
    const e = DECIMAL_SUFFIXES[suffix];
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else {
    const exp = /^[eE]([+-]?[0-9]+)$/.exec(suffix);
    if (!exp && /^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)) throw new Error("unable to parse quantity's suffix");
    if (!exp) throw new Error(QUANTITY_ERROR);
    const e = Number(exp[1]);
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) throw new Error(QUANTITY_ERROR);
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  }
  return makeQuantity(sign === '-' ? -num : num, den);
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return makeQuantity(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function negate(q: Quantity): Quantity {
  return { num: -q.num, den: q.den };
}

export function isIntegerQuantity(q: Quantity): boolean {
  return q.den === 1n && q.num >= INT64_MIN && q.num <= INT64_MAX;
}

/** The value as an int64; throws as upstream does when it is fractional or out of range. */
export function quantityAsInteger(q: Quantity): bigint {
  if (!isIntegerQuantity(q)) throw new Error('cannot convert value to integer');
  return q.num;
}

export function quantityAsFloat(q: Quantity): number {
  return Number(q.num) / Number(q.den);
}

export function quantitySign(q: Quantity): bigint {
  return q.num < 0n ? -1n : q.num > 0n ? 1n : 0n;
}

/** A key equal for equal quantities, whatever their notation. */
export function quantityKey(q: Quantity): string {
  return `${q.num}/${q.den}`;
}

export function quantityFromKey(key: string): Quantity {
  const [num, den] = key.split('/');
  return { num: BigInt(num), den: BigInt(den) };
}
