/**
 * Sprig v3 (Masterminds/sprig) as Helm exposes it, as a function map for the Go text/template engine in
 * ../gotemplate. `env` and `expandenv` are left out (Helm deletes them); Helm's own functions (toYaml,
 * include, tpl, required, lookup, its toJson/fromJson...) are layered on top by the Helm renderer.
 *
 *   const funcs = createSprigFuncs({ now: new Date('2026-01-01T00:00:00Z'), seed: 'repo@base' });
 *   new Template('chart/templates/a.yaml', { funcs, options: ['missingkey=zero'] })
 *
 * Nondeterministic functions get deterministic stand-ins (see VOLATILE_FUNCS):
 * - Random strings/bytes/ints, uuidv4, shuffle, bcrypt/htpasswd salts, encryptAES IVs, generated keys and
 *   certificates draw from a stream seeded by `seed`, the function name, the call site (CallContext.position:
 *   template source, line, column) and how many times that site has been called in this render. Use one
 *   func map per render (base and head each get their own `createSprigFuncs` with the same seed) or call
 *   `resetSprigCallCounts(funcs)` between renders.
 * - The clock is fixed: `now` defaults to 2026-01-01T00:00:00Z (pass the commit time or SOURCE_DATE_EPOCH);
 *   time.Local is UTC. `date`, `ago`, `genCA` validity, ... all use it.
 * - `keys`/`values` return keys in sorted order (Go's order is random): see ORDER_NONDETERMINISTIC_FUNCS.
 * - `getHostByName` returns "" (as `helm template` does without --enable-dns).
 */
import { FuncMap, GoFuncValue } from '../gotemplate/index.js';
import { cryptoFuncs } from './crypto.js';
import { dateFuncs } from './dates.js';
import { defaultFuncs } from './defaults.js';
import { dictFuncs } from './dicts.js';
import { encodingFuncs } from './encoding.js';
import { listFuncs } from './lists.js';
import { numericFuncs } from './numeric.js';
import { pathFuncs } from './paths.js';
import { CallSites, randomFuncs } from './random.js';
import { reflectFuncs } from './reflect.js';
import { regexFuncs } from './regex.js';
import { semverFuncs } from './semver.js';
import { stringFuncs } from './strings.js';
import { urlFuncs } from './urls.js';

export interface SprigOptions {
  /** The fixed clock (default 2026-01-01T00:00:00Z). */
  now?: Date;
  /** Seed of the deterministic random stand-ins (default "gitops-gate"). */
  seed?: string;
}

export const DEFAULT_NOW = new Date('2026-01-01T00:00:00Z');
export const DEFAULT_SEED = 'gitops-gate';

/**
 * Functions whose real output is random, time-dependent or key material: their results here are
 * deterministic stand-ins of the right shape, and a renderer should mark fields built from them as volatile.
 */
export const VOLATILE_FUNCS: ReadonlySet<string> = new Set([
  'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'randBytes', 'randInt', 'uuidv4', 'shuffle',
  'bcrypt', 'htpasswd', 'encryptAES', 'genPrivateKey', 'genCA', 'genCAWithKey', 'genSelfSignedCert',
  'genSelfSignedCertWithKey', 'genSignedCert', 'genSignedCertWithKey',
  'now', 'date', 'dateInZone', 'date_in_zone', 'htmlDate', 'htmlDateInZone', 'ago', 'dateModify', 'date_modify',
  'mustDateModify', 'must_date_modify', 'toDate', 'mustToDate', 'unixEpoch', 'durationRound',
  'getHostByName'
]);

/** Functions whose result order is random in Go (we return sorted order). */
export const ORDER_NONDETERMINISTIC_FUNCS: ReadonlySet<string> = new Set(['keys', 'values']);

/** Sprig functions Helm removes from its map. */
export const HELM_REMOVED_FUNCS: ReadonlySet<string> = new Set(['env', 'expandenv']);

const SITES: unique symbol = Symbol('sprigCallSites');

/** Build the Sprig function map (all of Sprig's text functions except env/expandenv). */
export function createSprigFuncs(options: SprigOptions = {}): FuncMap {
  const now = options.now ?? DEFAULT_NOW;
  const sites = new CallSites(options.seed ?? DEFAULT_SEED);
  const clock = (): Date => now;
  const fm: Record<string, GoFuncValue> = {
    ...stringFuncs(),
    ...listFuncs(),
    ...dictFuncs(),
    ...numericFuncs(),
    ...defaultFuncs(),
    ...reflectFuncs(),
    ...encodingFuncs(),
    ...pathFuncs(),
    ...urlFuncs(),
    ...regexFuncs(),
    ...semverFuncs(),
    ...dateFuncs(clock),
    ...randomFuncs(sites),
    ...cryptoFuncs(sites, clock),
    fail: Object.assign(function fail(msg: unknown): never {
      throw new Error(String(msg));
    }, { goSig: { params: ['string'], result: 'string' } })
  };
  Object.defineProperty(fm, SITES, { value: sites, enumerable: false });
  return fm;
}

/** Reset the per-call-site counters of a map made by createSprigFuncs (to reuse it for another render). */
export function resetSprigCallCounts(funcs: FuncMap): void {
  (funcs as unknown as { [SITES]?: CallSites })[SITES]?.reset();
}

/** Names of the functions createSprigFuncs provides. */
export const SPRIG_FUNC_NAMES: readonly string[] = Object.freeze(Object.keys(createSprigFuncs()).sort());
