/**
 * Runs Sprig's own test cases (Masterminds/sprig *_test.go runt/runtv calls, extracted to
 * /work/shared/conformance/sprig/sprig_cases.json) against createSprigFuncs + the Go template engine.
 *
 * Harness (as sprig's runt/runtv): template "test" with the Sprig funcs, Parse must succeed, Execute with
 * vars (runt: an empty map[string]string), output must equal `expected`; expect_error cases must fail.
 * JSON vars become Go values with Go's literal typing (integers -> int).
 *
 * Cases carrying `notes` (Go-typed data, time, randomness, platform) are checked against the documented
 * shape in NOTED below: Go values that JSON cannot hold are rebuilt (time.Time, pointers, error/Stringer
 * values), time.Now() is the engine's fixed clock, random output is checked for shape, env/expandenv must be
 * absent (Helm removes them), and the Windows filepath cases must give Linux filepath results.
 * GO_VARS rebuilds the Go struct data of reflect_test.go that the extractor flattened into JSON maps.
 *
 * Case keys: the case id, suffixed with "#k" (k = 0-based occurrence) when several cases share an id.
 * Known failures: __tests__/conformance/known-failures/sprig.json ({"<case key>": "reason"}); the list only shrinks.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GoPointer, GoStruct, GoValue, Template, defineFunc, fromJS, withGoType
} from '../../src/render/gotemplate/index.js';
import { DEFAULT_NOW, createSprigFuncs } from '../../src/render/sprig/index.js';
import { LOCAL, fixedZone, formatTime, fromDate, timeValue, UTC } from '../../src/render/sprig/dates.js';

interface Case {
  id: string;
  template: string;
  expected: string | null;
  expect_error: boolean;
  vars?: unknown;
  vars_go?: string;
  notes?: string[];
}

const FILE = path.resolve('..', 'shared', 'conformance', 'sprig', 'sprig_cases.json');
const data = JSON.parse(fs.readFileSync(FILE, 'utf8')) as { cases: Case[] };
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'sprig.json'), 'utf8')
);

// ---------------------------------------------------------------- case keys

const counts = new Map<string, number>();
for (const c of data.cases) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
const seen = new Map<string, number>();
const keyed = data.cases.map((c) => {
  const k = seen.get(c.id) ?? 0;
  seen.set(c.id, k + 1);
  return { key: (counts.get(c.id) ?? 0) > 1 ? `${c.id}#${k}` : c.id, c };
});

// ---------------------------------------------------------------- Go values the JSON cannot hold

/** date_test.go's tm: 2019-06-13 20:39:39 +0000 GMT. */
const tm = (): GoValue => timeValue(1560458379, 0, fixedZone('GMT', 0));
const nowMinus = (s: number): GoValue => fromDate(new Date(DEFAULT_NOW.getTime() - s * 1000), LOCAL);
const fixture = (type: string): GoStruct => new GoStruct(type, { Name: 'hello', Value: 'world' });
const str0 = { params: [], result: 'string' };

const VARS_GO: Record<string, () => GoValue> = {
  'map[string]interface{}{"Time": tm}': () => new Map([['Time', tm()]]),
  'map[string]interface{}{"Time": &tm}': () => new Map([['Time', new GoPointer('*time.Time', tm())]]),
  'map[string]interface{}{"Time": time.Now().Add(-125 * time.Second)}': () => new Map([['Time', nowMinus(125)]]),
  'map[string]interface{}{"Time": time.Now().Add(-(2*3600 + 34*60 + 17) * time.Second)}': () =>
    new Map([['Time', nowMinus(2 * 3600 + 34 * 60 + 17)]]),
  'map[string]interface{}{"Time": time.Now().Add(5 * time.Second)}': () => new Map([['Time', nowMinus(-5)]]),
  f3: () => fixture('*sprig.fixtureTO')
};

/** strings_test.go:145 passes an error value, then a fmt.Stringer. */
const TO_STRING_VALUES: GoValue[] = [
  new GoStruct('*errors.errorString', { s: 'error' }, { Error: defineFunc(str0, () => 'error') }),
  new GoStruct('sprig.fixtureStringer', {}, { String: defineFunc(str0, () => 'stringer') })
];

/** reflect_test.go data flattened by the extractor: rebuilt as the Go test builds it. */
const GO_VARS: Record<string, () => GoValue> = {
  'reflect_test.go:14': () => fixture('*sprig.fixtureTO'),
  'reflect_test.go:23': () => fixture('sprig.fixtureTO'),
  'reflect_test.go:41': () => fixture('*sprig.fixtureTO'),
  'reflect_test.go:66': () => fixture('*sprig.fixtureTO')
};

type Outcome = { output?: string; error?: string };
type Check = (o: Outcome, c: Case) => boolean;

const exact: Check = (o, c) => o.error === undefined && o.output === c.expected;
const failsOrExact: Check = (o, c) => (c.expect_error ? o.error !== undefined : exact(o, c));
const undefinedFunc = (name: string): Check => (o) => o.error !== undefined && o.error.includes(`function "${name}" not defined`);
const linux = (want: string): Check => (o) => o.output === want;
const sortedChars = (s: string): string => Array.from(s).sort().join('');

/** Shape checks for cases with notes (keyed by case key). Cases not listed here are compared exactly. */
const NOTED: Record<string, Check> = {
  'date_test.go:72': (o) => o.output === formatTime(fromDate(DEFAULT_NOW, UTC), '02 Jan 06 15:04 -0700'),
  'functions_test.go:18': undefinedFunc('env'),
  'functions_test.go:26': undefinedFunc('expandenv'),
  'functions_test.go:83': (o, c) => o.output !== undefined && sortedChars(o.output) === sortedChars(c.expected ?? ''),
  'functions_windows_test.go:10': linux('C:\\foo\\bar'),
  'functions_windows_test.go:14': linux('.'),
  'functions_windows_test.go:18': linux('false'),
  'functions_windows_test.go:19': linux('false'),
  'functions_windows_test.go:23': linux('C:\\foo\\..\\foo\\..\\bar'),
  'functions_windows_test.go:27': linux('.txt')
};

function buildVars(key: string, c: Case, toStringIndex: () => number): GoValue {
  if (GO_VARS[c.id]) return GO_VARS[c.id]();
  if (c.vars_go !== undefined) {
    if (c.vars_go === 'map[string]interface{}{"Value": test}') return new Map([['Value', TO_STRING_VALUES[toStringIndex()]]]);
    const f = VARS_GO[c.vars_go];
    if (!f) throw new Error(`no Go value for ${key}: ${c.vars_go}`);
    return f();
  }
  const v = c.vars;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) {
    return withGoType(new Map(), 'map[string]string');
  }
  return fromJS(v, 'int');
}

function run(c: Case, vars: GoValue): Outcome {
  try {
    const t = new Template('test', { funcs: createSprigFuncs() });
    t.parse(c.template);
    return { output: t.execute(vars) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('sprig conformance', () => {
  test('sprig_cases.json', () => {
    let passed = 0;
    let failed = 0;
    const unexpected: string[] = [];
    const fixed: string[] = [];
    let toStringSeen = 0;
    for (const { key, c } of keyed) {
      let outcome: Outcome;
      try {
        outcome = run(c, buildVars(key, c, () => toStringSeen++));
      } catch (e) {
        outcome = { error: `harness: ${(e as Error).message}` };
      }
      const check = NOTED[key] ?? failsOrExact;
      const ok = check(outcome, c);
      if (ok) passed++;
      else failed++;
      if (!ok && !(key in known)) {
        unexpected.push(`${key}: ${JSON.stringify(c.template)}\n    want ${c.expect_error ? 'an error' : JSON.stringify(c.expected)}\n    got  ${outcome.error !== undefined ? 'error ' + outcome.error : JSON.stringify(outcome.output)}`);
      }
      if (ok && key in known) fixed.push(key);
    }
    console.log(`sprig: ${passed} passed, ${failed} failed`);
    if (unexpected.length) console.log(unexpected.join('\n'));
    expect(unexpected).toEqual([]);
    // Known failures must still fail: remove them from the list when they pass.
    expect(fixed).toEqual([]);
  });
});
