/**
 * Kubernetes' own CEL and ValidatingAdmissionPolicy test cases (Apache-2.0, The Kubernetes Authors), turned into data
 * in fixtures/k8s-cel (see its SOURCE.txt), run against src/analyze/admission:
 *   library_cases.json  expressions of the Kubernetes CEL libraries (quantity, ip, cidr, lists, regex, url, format,
 *                       semver) with their expected value, evaluation error or compile error
 *   vap_cases.json      admission decisions: policy, binding, params, the object, the namespace; the expected
 *                       decision (admit, deny, warn, audit) and the message the API server prints
 * Cases upstream marks as needing a live cluster (`unrepresentable`: an authorizer, CRD version conversion) are
 * counted apart, not run. Cases that cannot pass yet are listed with their reason in known-failures/k8s-cel.json.
 * Prints `k8s-cel-library: N passed, N failed` and `k8s-cel-vap: N passed, N failed`.
 */
import { describe, expect, test } from '@jest/globals';
import { isCelError, isCelList, isCelMap, type CelValue } from '@bufbuild/cel';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeOpaque, optionalContent } from '../../src/analyze/admission/cel-library.js';
import { evaluateBinding, failuresOf, resourceOf, type Decision } from '../../src/analyze/admission/evaluate.js';
import { formatCidr, formatIp, parseCidr, parseIp } from '../../src/analyze/admission/net.js';
import { compileExpression, isBinding, isPolicy, readBinding, readPolicy } from '../../src/analyze/admission/policy.js';
import { parseQuantity, quantityKey } from '../../src/analyze/admission/quantity.js';
import { formatSemver, parseSemver } from '../../src/analyze/admission/semver.js';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import type { KubeObject } from '../../src/objects/types.js';
import { toCelValue } from '../../src/rules/cel.js';

const FIXTURES = path.resolve('__tests__', 'conformance', 'fixtures', 'k8s-cel');
const known: Record<string, string> = JSON.parse(fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'k8s-cel.json'), 'utf8'));

interface LibraryCase {
  id: string;
  library: string;
  expr: string;
  bindings?: Record<string, unknown>;
  expect?: unknown;
  expectType?: string;
  error?: string;
  errorMatch?: 'substring' | 'exact' | 'regex';
  compileError?: string;
}

interface VapCase {
  id: string;
  unrepresentable?: string;
  policy: Record<string, unknown>;
  binding: Record<string, unknown> | null;
  extraPolicies?: { policy: Record<string, unknown>; bindings?: Record<string, unknown>[] }[];
  extraBindings?: Record<string, unknown>[];
  params: Record<string, unknown>[];
  object: Record<string, unknown> | null;
  oldObject: Record<string, unknown> | null;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  namespaceObject: Record<string, unknown> | null;
  expect: { decision: string; messages?: string[]; message?: string; messageMatch?: string; warnings?: string[] };
}

const libraryCases: LibraryCase[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'library_cases.json'), 'utf8'));
const vapCases: VapCase[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'vap_cases.json'), 'utf8'));

/** A CEL value as plain JSON (ints as numbers), opaque Kubernetes values as their description. */
function plain(v: CelValue | unknown): unknown {
  const optional = optionalContent(v);
  if (optional) return optional.hasValue ? { hasValue: true, value: plain(optional.value) } : { hasValue: false };
  const opaque = describeOpaque(v);
  if (opaque) return opaque;
  if (typeof v === 'bigint') return Number(v);
  if (isCelList(v)) return [...v].map(plain);
  if (isCelMap(v)) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), plain(x)]));
  return v;
}

/** Whether a library case's expectation holds; the reason when it does not. */
function runLibraryCase(c: LibraryCase): string | undefined {
  let result: unknown;
  try {
    const expression = compileExpression(c.expr);
    const bindings = Object.fromEntries(Object.entries(c.bindings ?? {}).map(([k, v]) => [k, toCelValue(v)]));
    result = expression.run(bindings);
  } catch (err) {
    if (c.compileError !== undefined || c.error !== undefined) return undefined;
    return `does not compile: ${(err as Error).message}`;
  }
  if (isCelError(result)) {
    if (c.compileError !== undefined) return undefined;
    if (c.error === undefined) return `errors: ${result.message}`;
    // CRD validation rules (validation_test.go) report an error as "<error> evaluating rule: <rule>".
    const message = c.id.startsWith('validation_test.go/') ? `${result.message} evaluating rule: ${c.expr}` : result.message;
    const ok = c.errorMatch === 'regex' ? new RegExp(c.error).test(message) : c.errorMatch === 'exact' ? message === c.error : message.includes(c.error);
    return ok ? undefined : `error text ${JSON.stringify(message)}, upstream ${JSON.stringify(c.error)}`;
  }
  if (c.error !== undefined || c.compileError !== undefined) return `returns ${String(plain(result))} where upstream errors`;
  const got = plain(result);
  let want: unknown = c.expect;
  switch (c.expectType) {
    case 'int':
      if (typeof result !== 'bigint') return `returns ${typeof result}, not int`;
      break;
    case 'double':
      if (typeof result !== 'number') return `returns ${typeof result}, not double`;
      break;
    case 'quantity':
      want = `Quantity(${quantityKey(parseQuantity(String(c.expect)))})`;
      break;
    case 'ip':
      want = `IP(${formatIp(parseIp(String(c.expect)))})`;
      break;
    case 'cidr':
      want = `CIDR(${formatCidr(parseCidr(String(c.expect)))})`;
      break;
    case 'semver':
      want = `Semver(${formatSemver(parseSemver(String(c.expect)))})`;
      break;
    case 'optional': {
      // Upstream writes an optional as { hasValue, value, valueType }: the type is not compared (JSON has lists only).
      const { hasValue, value } = c.expect as { hasValue: boolean; value?: unknown };
      want = hasValue ? { hasValue, value } : { hasValue };
      break;
    }
  }
  return JSON.stringify(got) === JSON.stringify(want) ? undefined : `returns ${JSON.stringify(got)}, upstream ${JSON.stringify(want)}`;
}

function kube(body: Record<string, unknown>, file: string): KubeObject {
  const [object] = objectsFromYaml(JSON.stringify(body), file, 'conformance').objects;
  return object;
}

/** The API server's decision for a case: deny, warn, audit or admit, and the messages it prints. */
function decide(c: VapCase): { decision: string; messages: string[]; warnings: string[]; notChecked?: string } {
  const policies = [c.policy, ...(c.extraPolicies ?? []).map((e) => e.policy)].map((p) => readPolicy(kube(p, 'policy.json')));
  const bindings = [...(c.binding ? [c.binding] : []), ...(c.extraBindings ?? []), ...(c.extraPolicies ?? []).flatMap((e) => e.bindings ?? [])].map((b) => readBinding(kube(b, 'binding.json')));
  const object = kube(c.object ?? c.oldObject ?? {}, 'object.json');
  const namespaces = new Map<string, KubeObject>();
  // The Namespace upstream hands the plugin is the request's, whatever the object says.
  if (c.namespaceObject) namespaces.set(object.namespace ?? 'default', kube(c.namespaceObject, 'namespace.json'));
  // Without an object the request is a DELETE of the old one, whatever operation the case names.
  const ctx = { namespaces, params: c.params.map((p) => kube(p, 'params.json')), operation: c.object ? c.operation : ('DELETE' as const), oldObject: c.object ? c.oldObject : null };
  const decisions: Decision[] = bindings.flatMap((b) => {
    const policy = policies.find((p) => p.name === b.policyName);
    return policy && !isPolicy(object) && !isBinding(object) ? evaluateBinding(policy, b, object, ctx) : [];
  });
  const notChecked = decisions.find((d) => d.notChecked)?.notChecked;
  const failing = decisions.filter((d) => d.violations.length > 0 || d.errors.length > 0);
  const denied = failing.filter((d) => d.binding.validationActions.includes('Deny'));
  const forbidden = (d: Decision) => `${resourceOf(object.kind)} "${object.name}" is forbidden: ValidatingAdmissionPolicy '${d.policy.name}' with binding '${d.binding.name}' denied request: ${failuresOf(d)[0].message}`;
  const warnings = failing
    .filter((d) => d.binding.validationActions.includes('Warn'))
    .flatMap((d) => failuresOf(d).map((f) => `Validation failed for ValidatingAdmissionPolicy '${d.policy.name}' with binding '${d.binding.name}': ${f.message}`));
  const decision = denied.length > 0 ? 'deny' : warnings.length > 0 ? 'warn' : failing.length > 0 ? 'audit' : 'admit';
  return { decision, messages: denied.slice(0, 1).map(forbidden), warnings, ...(notChecked ? { notChecked } : {}) };
}

function runVapCase(c: VapCase): string | undefined {
  let got: ReturnType<typeof decide>;
  try {
    got = decide(c);
  } catch (err) {
    return `throws: ${(err as Error).message}`;
  }
  if (got.notChecked) return `not checked: ${got.notChecked}`;
  if (got.decision !== c.expect.decision) return `decides ${got.decision}${got.messages[0] ? ` (${got.messages[0]})` : ''}, upstream ${c.expect.decision}`;
  const wanted = c.expect.messages ?? (c.expect.message ? [c.expect.message] : []);
  for (const m of wanted) {
    const ok = c.expect.messageMatch === 'exact' ? got.messages.includes(m) : got.messages.some((g) => g.includes(m) || m.includes(g));
    if (!ok) return `message ${JSON.stringify(got.messages[0])}, upstream ${JSON.stringify(m)}`;
  }
  for (const w of c.expect.warnings ?? []) if (!got.warnings.includes(w)) return `warnings ${JSON.stringify(got.warnings)}, upstream ${JSON.stringify(w)}`;
  return undefined;
}

function suite(name: string, cases: { id: string }[], run: (c: never) => string | undefined, skip: (c: never) => boolean = () => false) {
  describe(name, () => {
    const outcomes = cases.filter((c) => !skip(c as never)).map((c) => ({ id: c.id, failure: run(c as never) }));
    test(`${name}: every case passes or is a known failure, and no known failure passes`, () => {
      const passed = outcomes.filter((o) => !o.failure).length;
      console.log(`${name}: ${passed} passed, ${outcomes.length - passed} failed`);
      const unexpected = outcomes.filter((o) => o.failure && !(o.id in known)).map((o) => `${o.id}: ${o.failure}`);
      const fixed = outcomes.filter((o) => !o.failure && o.id in known).map((o) => o.id);
      expect(unexpected).toEqual([]);
      expect(fixed).toEqual([]);
    });
  });
}

suite('k8s-cel-library', libraryCases, runLibraryCase as (c: never) => string | undefined);
suite('k8s-cel-vap', vapCases, runVapCase as (c: never) => string | undefined, ((c: VapCase) => c.unrepresentable !== undefined) as (c: never) => boolean);

test('known failures name cases that exist, each with a reason', () => {
  const ids = new Set([...libraryCases, ...vapCases].map((c) => c.id));
  expect(Object.entries(known).filter(([id, why]) => !ids.has(id) || why.trim() === '')).toEqual([]);
});
