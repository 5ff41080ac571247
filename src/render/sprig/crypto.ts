/**
 * Sprig crypto.go: hashes, derivePassword (exact: scrypt + HMAC as upstream), bcrypt/htpasswd (real bcrypt,
 * cost 10, with a salt drawn from the call site's seeded stream), encryptAES/decryptAES (real AES-256-CBC,
 * IV from the seeded stream), and key/certificate generation.
 *
 * Keys are generated deterministically from the call site's seeded stream: RSA and DSA primes are searched
 * with BigInt Miller-Rabin, ECDSA P-256 and Ed25519 private scalars/seeds are drawn directly; node:crypto
 * loads them and signs. RSA and Ed25519 signatures are deterministic; ECDSA signatures are not (OpenSSL
 * draws k), so certificates signed by ECDSA keys are cached per call-site stream within the process
 * (identical for base and head in one run, different across runs). Generated keys are cached the same way.
 * Certificates follow Go's x509 template from sprig (serial from the seeded stream, NotBefore = the fixed
 * clock, SKID on CA certificates, AKID from the signer's SKID, SANs for IPs and DNS names).
 */
import {
  KeyObject, createECDH, createHash, createHmac, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey,
  scryptSync, sign, X509Certificate
} from 'node:crypto';
import { isIP } from 'node:net';
import { CallContext, GoStruct, GoValue, defineFunc, sprint, typeOf } from '../gotemplate/index.js';
import {
  bigToBytes, bitString, bool, bytesToBig, children, derNull, derTime, dirString, explicit, integer, octets, oid,
  pemDecode, readTlv, seq, set, tlv, toPem
} from './der.js';
import { b64decodeStrict } from './encoding.js';
import { CallSites, SeededRandom } from './random.js';
import { sliceItems } from './convert.js';

type Fn = ReturnType<typeof defineFunc>;
const num = (v: GoValue): number => Number((v as { value: bigint }).value);

// ---------------------------------------------------------------- hashes

export function adler32(b: Buffer): number {
  let a = 1;
  let s = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    s = (s + a) % 65521;
  }
  return ((s << 16) | a) >>> 0;
}

// ---------------------------------------------------------------- derivePassword

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno',
    'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno',
    'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn']
};
const TEMPLATE_CHARS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()'
};

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

/** Sprig's derivePassword (Master Password algorithm), exactly as upstream. */
export function derivePassword(counter: number, passwordType: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const seed0 = Buffer.from('com.lyndir.masterpassword');
  const userB = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([seed0, u32(userB.length), userB]);
  const key = scryptSync(Buffer.from(password, 'utf8'), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const siteB = Buffer.from(site, 'utf8');
  const msg = Buffer.concat([seed0, u32(siteB.length), siteB, u32(counter)]);
  const seed = createHmac('sha256', key).update(msg).digest();
  const temp = templates[seed[0] % templates.length];
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = TEMPLATE_CHARS[temp[i]];
    out += chars[seed[i + 1] % chars.length];
  }
  return out;
}

// ---------------------------------------------------------------- bcrypt

let BF_INIT: Uint32Array | undefined;

/** Blowfish's initial P-array and S-boxes: the hexadecimal digits of pi (computed once with BigInt). */
function blowfishInit(): Uint32Array {
  if (BF_INIT) return BF_INIT;
  const words = 18 + 4 * 256;
  const nHex = words * 8;
  const guard = 64n;
  const bits = BigInt(nHex * 4) + guard;
  const one = 1n << bits;
  const atanInv = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let k = 0n; term !== 0n; k++) {
      const t = term / (2n * k + 1n);
      sum += k % 2n === 0n ? t : -t;
      term /= x2;
    }
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  const hex = ((pi - 3n * one) >> guard).toString(16).padStart(nHex, '0');
  const out = new Uint32Array(words);
  for (let i = 0; i < words; i++) out[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  if (out[0] !== 0x243f6a88 || out[17] !== 0x8979fb1b) throw new Error('blowfish: bad pi digits');
  BF_INIT = out;
  return out;
}

class Blowfish {
  p: Uint32Array;
  s: Uint32Array;
  constructor() {
    const init = blowfishInit();
    this.p = init.slice(0, 18);
    this.s = init.slice(18);
  }
  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) >>> 0) ^ s[512 + ((x >>> 8) & 0xff)]) + s[768 + (x & 0xff)]) >>> 0;
  }
  encrypt(l: number, r: number): [number, number] {
    const p = this.p;
    for (let i = 0; i < 16; i += 2) {
      l = (l ^ p[i]) >>> 0;
      r = (r ^ this.f(l)) >>> 0;
      r = (r ^ p[i + 1]) >>> 0;
      l = (l ^ this.f(r)) >>> 0;
    }
    l = (l ^ p[16]) >>> 0;
    r = (r ^ p[17]) >>> 0;
    return [r, l];
  }
  private static word(b: Buffer, j: { i: number }): number {
    let d = 0;
    for (let k = 0; k < 4; k++) {
      d = ((d << 8) | b[j.i]) >>> 0;
      j.i = (j.i + 1) % b.length;
    }
    return d;
  }
  expandKey(key: Buffer, salt?: Buffer): void {
    const j = { i: 0 };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i] ^ Blowfish.word(key, j)) >>> 0;
    const sj = { i: 0 };
    let l = 0;
    let r = 0;
    const next = (): void => {
      if (salt) {
        l = (l ^ Blowfish.word(salt, sj)) >>> 0;
        r = (r ^ Blowfish.word(salt, sj)) >>> 0;
      }
      [l, r] = this.encrypt(l, r);
    };
    for (let i = 0; i < 18; i += 2) {
      next();
      this.p[i] = l;
      this.p[i + 1] = r;
    }
    for (let i = 0; i < 1024; i += 2) {
      next();
      this.s[i] = l;
      this.s[i + 1] = r;
    }
  }
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bcryptB64(b: Buffer): string {
  return Array.from(b.toString('base64').replace(/=+$/, ''), (c) => BCRYPT_ALPHABET[STD_ALPHABET.indexOf(c)]).join('');
}

/** bcrypt.GenerateFromPassword with a given 16-byte salt ($2a$, cost 10 by default). */
export function bcryptHash(password: Buffer, salt: Buffer, cost = 10): string {
  if (password.length > 72) throw new Error('bcrypt: password length exceeds 72 bytes');
  const ckey = Buffer.concat([password, Buffer.from([0])]);
  const bf = new Blowfish();
  bf.expandKey(ckey, salt);
  const rounds = 1 << cost;
  for (let i = 0; i < rounds; i++) {
    bf.expandKey(ckey);
    bf.expandKey(salt);
  }
  const data = Buffer.from('OrpheanBeholderScryDoubt');
  for (let i = 0; i < 24; i += 8) {
    let l = data.readUInt32BE(i);
    let r = data.readUInt32BE(i + 4);
    for (let j = 0; j < 64; j++) [l, r] = bf.encrypt(l, r);
    data.writeUInt32BE(l, i);
    data.writeUInt32BE(r, i + 4);
  }
  return `$2a$${String(cost).padStart(2, '0')}$${bcryptB64(salt)}${bcryptB64(data.subarray(0, 23))}`;
}

// ---------------------------------------------------------------- AES

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string, iv: Buffer): string {
  if (plaintext === '') return '';
  const content = Buffer.from(plaintext, 'utf8');
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(padded), c.final()]).toString('base64');
}

export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = b64decodeStrict(crypt64);
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  const d = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const dec = Buffer.concat([d.update(body), d.final()]);
  if (dec.length === 0) throw new Error('runtime error: index out of range [-1]');
  const cut = dec.length - dec[dec.length - 1];
  if (cut < 0) throw new Error(`runtime error: slice bounds out of range [:${cut}]`);
  return dec.subarray(0, cut).toString('utf8');
}

// ---------------------------------------------------------------- deterministic key generation

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function modInv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => {
  while (b) [a, b] = [b, a % b];
  return a;
};

let SMALL_PRIMES: number[] | undefined;
function smallPrimes(): number[] {
  if (SMALL_PRIMES) return SMALL_PRIMES;
  const n = 1 << 16;
  const sieve = new Uint8Array(n);
  const out: number[] = [];
  for (let i = 3; i < n; i += 2) {
    if (sieve[i]) continue;
    out.push(i);
    for (let j = i * i; j < n; j += 2 * i) sieve[j] = 1;
  }
  SMALL_PRIMES = out;
  return out;
}

function randBig(rng: SeededRandom, bits: number): bigint {
  return bytesToBig(rng.bytes(Math.ceil(bits / 8))) & ((1n << BigInt(bits)) - 1n);
}

function millerRabin(n: bigint, rng: SeededRandom, rounds: number): boolean {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const bits = n.toString(2).length;
  for (let i = 0; i < rounds; i++) {
    const a = i === 0 ? 2n : 2n + (randBig(rng, bits) % (n - 3n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let ok = false;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/** A random prime of exactly `bits` bits, p ≡ 1 (mod step) when step is given (for DSA), else top two bits set. */
function genPrime(rng: SeededRandom, bits: number, accept: (p: bigint) => boolean, step = 2n, base = 1n): bigint {
  const primes = smallPrimes();
  for (;;) {
    let start: bigint;
    if (step === 2n) start = randBig(rng, bits) | (3n << BigInt(bits - 2)) | 1n;
    else {
      const x = randBig(rng, bits) | (1n << BigInt(bits - 1));
      start = x - (x % step) + base;
    }
    const window = 4096;
    const bad = new Uint8Array(window);
    for (const sp of primes) {
      const P = BigInt(sp);
      const r = Number(start % P);
      const st = Number(step % P);
      // find k with start + k*step ≡ 0 (mod sp)
      if (st === 0) {
        if (r === 0) bad.fill(1);
        continue;
      }
      const inv = Number(modInv(BigInt(st), P));
      let k = Number((BigInt(sp - r) * BigInt(inv)) % P);
      for (; k < window; k += sp) bad[k] = 1;
    }
    for (let k = 0; k < window; k++) {
      if (bad[k]) continue;
      const c = start + BigInt(k) * step;
      if (c.toString(2).length !== bits) break;
      if (!millerRabin(c, rng, 1)) continue;
      if (!millerRabin(c, rng, 20)) continue;
      if (accept(c)) return c;
    }
  }
}

const keyCache = new Map<string, KeyObject>();

/** Deterministic RSA key (PKCS#1 DER loaded into a KeyObject). */
export function rsaKey(site: SeededRandom, bits: number): KeyObject {
  const ck = `rsa:${bits}:${site.key}`;
  const cached = keyCache.get(ck);
  if (cached) return cached;
  // A stream of its own, so cached and fresh keys leave the call site's stream (serial numbers...) alike.
  const rng = new SeededRandom(ck);
  const e = 65537n;
  for (;;) {
    const ok = (p: bigint): boolean => gcd(p - 1n, e) === 1n;
    const p = genPrime(rng, bits / 2, ok);
    const q = genPrime(rng, bits - bits / 2, ok);
    if (p === q) continue;
    const n = p * q;
    if (n.toString(2).length !== bits) continue;
    const phi = (p - 1n) * (q - 1n);
    const d = modInv(e, phi);
    const der = seq(integer(0), integer(n), integer(e), integer(d), integer(p), integer(q), integer(d % (p - 1n)),
      integer(d % (q - 1n)), integer(modInv(q, p)));
    const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    keyCache.set(ck, key);
    return key;
  }
}

const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const b64url = (b: Buffer): string => b.toString('base64url');

export function ecKey(site: SeededRandom): KeyObject {
  const rng = new SeededRandom(`ecdsa:${site.key}`);
  const d = (bytesToBig(rng.bytes(40)) % (P256_N - 1n)) + 1n;
  const dBuf = Buffer.alloc(32);
  bigToBytes(d).copy(dBuf, 32 - bigToBytes(d).length);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(dBuf);
  const pub = ecdh.getPublicKey();
  return createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64url(dBuf), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33)) },
    format: 'jwk'
  });
}

export function ed25519Key(site: SeededRandom): KeyObject {
  const rng = new SeededRandom(`ed25519:${site.key}`);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), rng.bytes(32)]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** A DSA key: P (2048 bits), Q (256 bits), G, Y, X. */
export interface DsaKey {
  P: bigint; Q: bigint; G: bigint; Y: bigint; X: bigint;
}

const dsaCache = new Map<string, DsaKey>();

export function dsaKey(site: SeededRandom): DsaKey {
  const ck = `dsa:${site.key}`;
  const cached = dsaCache.get(ck);
  if (cached) return cached;
  const rng = new SeededRandom(ck);
  const Q = genPrime(rng, 256, () => true);
  const P = genPrime(rng, 2048, () => true, 2n * Q, 1n);
  let G = 1n;
  for (let h = 2n; G === 1n; h++) G = modPow(h, (P - 1n) / Q, P);
  const X = (randBig(rng, 320) % (Q - 1n)) + 1n;
  const k = { P, Q, G, Y: modPow(G, X, P), X };
  dsaCache.set(ck, k);
  return k;
}

// ---------------------------------------------------------------- private keys as Go sees them

type PrivKey = { kind: 'rsa' | 'ecdsa' | 'ed25519'; key: KeyObject } | { kind: 'dsa'; dsa: DsaKey };

const OID_DSA = '1.2.840.10040.4.1';

function dsaDer(k: DsaKey): Buffer {
  return seq(integer(0), integer(k.P), integer(k.Q), integer(k.G), integer(k.Y), integer(k.X));
}

/** pemBlockForKey + pem.EncodeToMemory. */
export function keyPem(k: PrivKey): string {
  switch (k.kind) {
    case 'rsa': return k.key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ecdsa': return k.key.export({ type: 'sec1', format: 'pem' }).toString();
    case 'ed25519': return k.key.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'dsa': return toPem('DSA PRIVATE KEY', dsaDer(k.dsa));
  }
}

function spkiDer(k: PrivKey): Buffer {
  if (k.kind === 'dsa') {
    const alg = seq(oid(OID_DSA), seq(integer(k.dsa.P), integer(k.dsa.Q), integer(k.dsa.G)));
    return seq(alg, bitString(integer(k.dsa.Y)));
  }
  return createPublicKey(k.key).export({ type: 'spki', format: 'der' });
}

function kindOfKeyObject(key: KeyObject): 'rsa' | 'ecdsa' | 'ed25519' {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return 'rsa';
  if (t === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve && !['prime256v1', 'secp384r1', 'secp521r1', 'secp224r1'].includes(key.asymmetricKeyDetails.namedCurve)) {
      throw new Error('x509: unsupported elliptic curve');
    }
    return 'ecdsa';
  }
  if (t === 'ed25519') return 'ed25519';
  throw new Error(`x509: PKCS#8 wrapping contained private key with unknown algorithm: ${t}`);
}

/** sprig parsePrivateKeyPEM */
export function parsePrivateKeyPEM(pem: string): PrivKey {
  const block = pemDecode(pem);
  if (!block) throw new Error('no PEM data in input');
  if (block.type === 'PRIVATE KEY') {
    try {
      const key = createPrivateKey({ key: block.bytes, format: 'der', type: 'pkcs8' });
      return { kind: kindOfKeyObject(key), key };
    } catch (e) {
      throw new Error(`decoding PEM as PKCS#8: ${(e as Error).message}`);
    }
  }
  if (!block.type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${block.type}`);
  switch (block.type.slice(0, -12)) {
    case 'RSA':
      try {
        return { kind: 'rsa', key: createPrivateKey({ key: block.bytes, format: 'der', type: 'pkcs1' }) };
      } catch (e) {
        throw new Error(`parsing RSA private key from PEM: ${(e as Error).message}`);
      }
    case 'EC':
      try {
        return { kind: 'ecdsa', key: createPrivateKey({ key: block.bytes, format: 'der', type: 'sec1' }) };
      } catch (e) {
        throw new Error(`parsing EC private key from PEM: ${(e as Error).message}`);
      }
    case 'DSA':
      try {
        const ints = children(readTlv(block.bytes).value).map((t) => bytesToBig(Buffer.from(t.value)));
        if (ints.length < 6) throw new Error('asn1: syntax error: sequence truncated');
        return { kind: 'dsa', dsa: { P: ints[1], Q: ints[2], G: ints[3], Y: ints[4], X: ints[5] } };
      } catch (e) {
        throw new Error(`parsing DSA private key from PEM: ${(e as Error).message}`);
      }
    default:
      throw new Error(`invalid private key type ${block.type}`);
  }
}

// ---------------------------------------------------------------- certificates

export interface CertSpec {
  cn: string;
  ips: string[];
  dns: string[];
  daysValid: number;
  isCA: boolean;
}

interface Signer {
  subjectDer: Buffer;
  skid?: Buffer;
  key: PrivKey;
}

function nameDer(cn: string): Buffer {
  return cn === '' ? seq() : seq(set(seq(oid('2.5.4.3'), dirString(cn))));
}

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyUsageBits(bits: number[]): Buffer {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  const len = Math.max(...bits) + 1;
  return bitString(Buffer.from([v]), 8 - len);
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const expandPart = (parts: string[]): number[] => parts.flatMap((p) => {
    if (p.includes('.')) return [...Buffer.from(p.split('.').map(Number))].reduce<number[]>((acc, x, i) => (i % 2 ? (acc[acc.length - 1] = (acc[acc.length - 1] << 8) | x, acc) : [...acc, x]), []);
    return [parseInt(p, 16)];
  });
  const hw = expandPart(h);
  const tw = expandPart(t);
  const words = tail !== undefined ? [...hw, ...new Array(8 - hw.length - tw.length).fill(0), ...tw] : hw;
  const b = Buffer.alloc(16);
  words.forEach((w, i) => b.writeUInt16BE(w, i * 2));
  return b;
}

function sigAlg(k: PrivKey): { der: Buffer; hash: string | null } {
  switch (k.kind) {
    case 'rsa': return { der: seq(oid('1.2.840.113549.1.1.11'), derNull()), hash: 'sha256' };
    case 'ecdsa': return { der: seq(oid('1.2.840.10045.4.3.2')), hash: 'sha256' };
    case 'ed25519': return { der: seq(oid('1.3.101.112')), hash: null };
    case 'dsa': throw new Error('x509: certificate private key does not implement crypto.Signer');
  }
}

const certCache = new Map<string, string>();

/** x509.CreateCertificate for sprig's template; returns the PEM certificate. */
export function createCertificate(rng: SeededRandom, now: Date, spec: CertSpec, subjectKey: PrivKey, signer: Signer | null): string {
  const spki = spkiDer(subjectKey);
  const signing = signer ? signer.key : subjectKey;
  const alg = sigAlg(signing);
  const cacheKey = signing.kind === 'ecdsa' ? `${rng.key}\0${spki.toString('hex')}\0${JSON.stringify(spec)}` : '';
  if (cacheKey && certCache.has(cacheKey)) return certCache.get(cacheKey) as string;
  const serial = bytesToBig(rng.bytes(16));
  const subject = nameDer(spec.cn);
  const issuer = signer ? signer.subjectDer : subject;
  const notAfter = new Date(now.getTime() + spec.daysValid * 24 * 3600 * 1000);
  const exts: Buffer[] = [];
  exts.push(ext('2.5.29.15', true, keyUsageBits(spec.isCA ? [0, 2, 5] : [0, 2])));
  exts.push(ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
  exts.push(ext('2.5.29.19', true, spec.isCA ? seq(bool(true)) : seq()));
  let skid: Buffer | undefined;
  if (spec.isCA) {
    const bits = children(readTlv(spki).value)[1].value.subarray(1);
    skid = createHash('sha1').update(bits).digest();
    exts.push(ext('2.5.29.14', false, octets(skid)));
  }
  if (signer && signer.skid && !issuer.equals(subject)) exts.push(ext('2.5.29.35', false, seq(tlv(0x80, signer.skid))));
  if (spec.dns.length > 0 || spec.ips.length > 0) {
    const names = [...spec.dns.map((d) => tlv(0x82, Buffer.from(d, 'utf8'))), ...spec.ips.map((ip) => tlv(0x87, ipBytes(ip)))];
    exts.push(ext('2.5.29.17', false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(2)), integer(serial), alg.der, issuer, seq(derTime(now), derTime(notAfter)), subject, spki,
    explicit(3, seq(...exts))
  );
  const keyObj = (signing as { key: KeyObject }).key;
  const sig = sign(alg.hash, tbs, keyObj);
  const pem = toPem('CERTIFICATE', seq(tbs, alg.der, bitString(sig)));
  if (cacheKey) certCache.set(cacheKey, pem);
  return pem;
}

/** The signer of a sprig `certificate` (its subject, SKID and key). */
function signerFrom(ca: GoValue): Signer {
  const s = ca instanceof GoStruct ? ca : undefined;
  const certPem = String(s?.fields.get('Cert') ?? '');
  const keyPemStr = String(s?.fields.get('Key') ?? '');
  const block = pemDecode(certPem);
  if (!block) throw new Error('unable to decode certificate');
  let x: X509Certificate;
  try {
    x = new X509Certificate(block.bytes);
  } catch (e) {
    throw new Error(`error parsing certificate: decodedSignerCert.Bytes: x509: malformed certificate (${(e as Error).message})`);
  }
  let key: PrivKey;
  try {
    key = parsePrivateKeyPEM(keyPemStr);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  // subject DER and SKID from the raw certificate
  const tbsFields = children(readTlv(children(readTlv(x.raw).value)[0].raw).value);
  const hasVersion = tbsFields[0].tag === 0xa0;
  const subjectDer = Buffer.from(tbsFields[hasVersion ? 5 : 4].raw);
  let skid: Buffer | undefined;
  const extsField = tbsFields.find((f) => f.tag === 0xa3);
  if (extsField) {
    for (const e of children(readTlv(extsField.value).value)) {
      const parts = children(e.value);
      if (parts[0].value.equals(oid('2.5.29.14').subarray(2))) {
        skid = Buffer.from(readTlv(parts[parts.length - 1].value).value);
      }
    }
  }
  return { subjectDer, skid, key };
}

function certValue(cert: string, key: string): GoStruct {
  return new GoStruct('sprig.certificate', { Cert: cert, Key: key });
}

function stringsOf(v: GoValue, what: 'ip' | 'dns'): string[] {
  const items = sliceItems(v) ?? [];
  return items.map((x) => {
    if (typeof x !== 'string') {
      throw new Error(what === 'ip'
        ? `error parsing ip: ${sprint([x ?? null])} is not a string`
        : `error processing alternate dns name: ${sprint([x ?? null])} is not a string`);
    }
    if (what === 'ip' && isIP(x) === 0) throw new Error(`error parsing ip: ${x}`);
    return x;
  });
}

// ---------------------------------------------------------------- function map

export function cryptoFuncs(sites: CallSites, now: () => Date): Record<string, Fn> {
  const hash = (alg: string) => defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) =>
    createHash(alg).update(Buffer.from(s as string, 'utf8')).digest('hex'));
  const bcrypt = (ctx: CallContext, name: string, input: string): string => {
    try {
      return bcryptHash(Buffer.from(input, 'utf8'), sites.rng(ctx, name).bytes(16));
    } catch (e) {
      return `failed to encrypt string with bcrypt: ${(e as Error).message}`;
    }
  };
  const genKey = (rng: SeededRandom, typ: string): PrivKey => {
    switch (typ) {
      case '':
      case 'rsa': return { kind: 'rsa', key: rsaKey(rng, 4096) };
      case 'dsa': return { kind: 'dsa', dsa: dsaKey(rng) };
      case 'ecdsa': return { kind: 'ecdsa', key: ecKey(rng) };
      case 'ed25519': return { kind: 'ed25519', key: ed25519Key(rng) };
    }
    throw new Error('Unknown type ' + typ);
  };
  const CERT = 'sprig.certificate';
  const LIST = '[]interface {}';
  const make = (rng: SeededRandom, spec: CertSpec, key: PrivKey, signer: Signer | null): GoStruct => {
    let cert: string;
    try {
      cert = createCertificate(rng, now(), spec, key, signer);
    } catch (e) {
      throw new Error(`error creating certificate: ${(e as Error).message}`);
    }
    return certValue(cert, keyPem(key));
  };
  const withKey = (pem: GoValue): PrivKey => {
    try {
      return parsePrivateKeyPEM(pem as string);
    } catch (e) {
      throw new Error(`parsing private key: ${(e as Error).message}`);
    }
  };
  const spec = (cn: GoValue, ips: GoValue, dns: GoValue, days: GoValue, isCA = false): CertSpec =>
    ({ cn: cn as string, ips: stringsOf(ips, 'ip'), dns: stringsOf(dns, 'dns'), daysValid: num(days), isCA });
  return {
    sha1sum: hash('sha1'),
    sha256sum: hash('sha256'),
    sha512sum: hash('sha512'),
    adler32sum: defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => String(adler32(Buffer.from(s as string, 'utf8')))),
    derivePassword: defineFunc({ params: ['uint32', 'string', 'string', 'string', 'string'], result: 'string' },
      (c: GoValue, t: GoValue, p: GoValue, u: GoValue, s: GoValue) => derivePassword(num(c), t as string, p as string, u as string, s as string)),
    bcrypt: defineFunc({ params: ['string'], result: 'string' }, function (this: CallContext, s: GoValue) {
      return bcrypt(this, 'bcrypt', s as string);
    }),
    htpasswd: defineFunc({ params: ['string', 'string'], result: 'string' }, function (this: CallContext, u: GoValue, p: GoValue) {
      if ((u as string).includes(':')) return `invalid username: ${u as string}`;
      return `${u as string}:${bcrypt(this, 'htpasswd', p as string)}`;
    }),
    encryptAES: defineFunc({ params: ['string', 'string'], result: 'string' }, function (this: CallContext, pw: GoValue, text: GoValue) {
      return encryptAES(pw as string, text as string, sites.rng(this, 'encryptAES').bytes(16));
    }),
    decryptAES: defineFunc({ params: ['string', 'string'], result: 'string' }, (pw: GoValue, c: GoValue) => decryptAES(pw as string, c as string)),
    genPrivateKey: defineFunc({ params: ['string'], result: 'string' }, function (this: CallContext, t: GoValue) {
      const typ = t as string;
      if (!['', 'rsa', 'dsa', 'ecdsa', 'ed25519'].includes(typ)) return 'Unknown type ' + typ;
      return keyPem(genKey(sites.rng(this, 'genPrivateKey'), typ));
    }),
    buildCustomCert: defineFunc({ params: ['string', 'string'], result: CERT }, (c64: GoValue, k64: GoValue) => {
      let cert: Buffer;
      let key: Buffer;
      try {
        cert = b64decodeStrict(c64 as string);
      } catch {
        throw new Error('unable to decode base64 certificate');
      }
      try {
        key = b64decodeStrict(k64 as string);
      } catch {
        throw new Error('unable to decode base64 private key');
      }
      const block = pemDecode(cert.toString('utf8'));
      if (!block) throw new Error('unable to decode certificate');
      try {
        new X509Certificate(block.bytes);
      } catch (e) {
        throw new Error(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
      }
      try {
        parsePrivateKeyPEM(key.toString('utf8'));
      } catch (e) {
        throw new Error(`error parsing private key: ${(e as Error).message}`);
      }
      return certValue(cert.toString('utf8'), key.toString('utf8'));
    }),
    genCA: defineFunc({ params: ['string', 'int'], result: CERT }, function (this: CallContext, cn: GoValue, days: GoValue) {
      const rng = sites.rng(this, 'genCA');
      return make(rng, spec(cn, null, null, days, true), { kind: 'rsa', key: rsaKey(rng, 2048) }, null);
    }),
    genCAWithKey: defineFunc({ params: ['string', 'int', 'string'], result: CERT }, function (this: CallContext, cn: GoValue, days: GoValue, pem: GoValue) {
      const key = withKey(pem);
      return make(sites.rng(this, 'genCAWithKey'), spec(cn, null, null, days, true), key, null);
    }),
    genSelfSignedCert: defineFunc({ params: ['string', LIST, LIST, 'int'], result: CERT }, function (this: CallContext, cn: GoValue, ips: GoValue, dns: GoValue, days: GoValue) {
      const rng = sites.rng(this, 'genSelfSignedCert');
      const s = spec(cn, ips, dns, days);
      return make(rng, s, { kind: 'rsa', key: rsaKey(rng, 2048) }, null);
    }),
    genSelfSignedCertWithKey: defineFunc({ params: ['string', LIST, LIST, 'int', 'string'], result: CERT },
      function (this: CallContext, cn: GoValue, ips: GoValue, dns: GoValue, days: GoValue, pem: GoValue) {
        const key = withKey(pem);
        return make(sites.rng(this, 'genSelfSignedCertWithKey'), spec(cn, ips, dns, days), key, null);
      }),
    genSignedCert: defineFunc({ params: ['string', LIST, LIST, 'int', CERT], result: CERT },
      function (this: CallContext, cn: GoValue, ips: GoValue, dns: GoValue, days: GoValue, ca: GoValue) {
        const rng = sites.rng(this, 'genSignedCert');
        const key: PrivKey = { kind: 'rsa', key: rsaKey(rng, 2048) };
        const s = spec(cn, ips, dns, days);
        return make(rng, s, key, signerFrom(ca));
      }),
    genSignedCertWithKey: defineFunc({ params: ['string', LIST, LIST, 'int', CERT, 'string'], result: CERT },
      function (this: CallContext, cn: GoValue, ips: GoValue, dns: GoValue, days: GoValue, ca: GoValue, pem: GoValue) {
        const key = withKey(pem);
        const s = spec(cn, ips, dns, days);
        return make(sites.rng(this, 'genSignedCertWithKey'), s, key, signerFrom(ca));
      })
  };
}

export { typeOf };
