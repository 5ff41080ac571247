/**
 * Helm's function tests (pkg/engine/funcs_test.go, transcribed in engine_cases.json `funcs_cases`):
 * template.New("test").Funcs(funcMap()).Parse(tpl).Execute(vars), where funcMap() is Sprig's TxtFuncMap minus
 * env/expandenv plus Helm's functions (src/render/helm/funcs). While src/render/sprig does not exist, cases that
 * need a Sprig function are skipped (and counted).
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FuncMap, GoInt, GoValue, Template, fromJS, withGoType } from '../../src/render/gotemplate/index.js';
import { GoDuration, createHelmFuncs } from '../../src/render/helm/funcs/index.js';

interface FuncCase {
  group: string;
  line: number;
  name?: string;
  tpl: string;
  vars?: unknown;
  vars_go?: string;
  expect?: string;
  expect_error: boolean;
}

const cases: FuncCase[] = JSON.parse(
  fs.readFileSync(path.resolve('..', 'shared', 'conformance', 'helm', 'engine_cases.json'), 'utf8')
).funcs_cases.cases;
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'helm-funcs.json'), 'utf8')
);

const caseId = (c: FuncCase): string => `${c.group}:${c.line}`;

async function loadSprig(): Promise<FuncMap | undefined> {
  const spec = '../../src/render/sprig/index.js';
  try {
    const mod = (await import(spec)) as { createSprigFuncs?: () => FuncMap };
    return mod.createSprigFuncs ? mod.createSprigFuncs() : undefined;
  } catch {
    return undefined;
  }
}

/** Go values the extractor could not turn into JSON (`vars_go`). */
function goVars(src: string): GoValue {
  if (src.startsWith('loopMap')) {
    const m = new Map<string, GoValue>([['foo', 'bar']]);
    m.set('loop', [m]);
    return m;
  }
  switch (src) {
    case '1500 * time.Millisecond': return new GoDuration(1_500_000_000n);
    case 'uint64(math.MaxInt64) + 1': return new GoInt('uint64', 2n ** 63n);
    case 'maxDurationSeconds + 1': return new GoInt('int64', (2n ** 63n - 1n) / 1_000_000_000n + 1n);
    case 'minDurationSeconds - 1': return new GoInt('int64', -(2n ** 63n) / 1_000_000_000n - 1n);
    case 'maxDurationSecondsFloat + 0.5': return Number(2n ** 63n - 1n) / 1e9 + 0.5;
    case 'minDurationSecondsFloat - 0.5': return Number(-(2n ** 63n)) / 1e9 - 0.5;
    case 'math.NaN()': return NaN;
    case 'math.Inf(1)': return Infinity;
    case 'math.Inf(-1)': return -Infinity;
  }
  throw new Error(`no Go value for ${src}`);
}

/** Go literals the JSON transcription lost the type of (see funcs_test.go at these lines). */
const VAR_OVERRIDES: Record<string, () => GoValue> = {
  // vars: map[int]string{1: "one"}
  'TestFuncs/mustFuncsTests:176': () => withGoType(new Map<unknown, GoValue>([[1n, 'one']]), 'map[int]string'),
  // vars: uint(2)
  'TestDurationHelpers:224': () => new GoInt('uint', 2n)
};

function varsOf(c: FuncCase): GoValue {
  const o = VAR_OVERRIDES[caseId(c)];
  if (o) return o();
  if (c.vars_go !== undefined) return goVars(c.vars_go);
  return fromJS(c.vars ?? null, 'int');
}

type Outcome = { status: 'pass' } | { status: 'fail'; detail: string } | { status: 'skip'; fn: string };

function run(c: FuncCase, funcs: FuncMap, sprigLoaded: boolean): Outcome {
  let t: Template;
  try {
    t = new Template('test', { funcs }).parse(c.tpl);
  } catch (e) {
    const m = /function "(\w+)" not defined/.exec(String((e as Error).message));
    if (m && !sprigLoaded) return { status: 'skip', fn: m[1] };
    return c.expect_error ? { status: 'pass' } : { status: 'fail', detail: `parse error: ${(e as Error).message}` };
  }
  let out: string;
  try {
    out = t.execute(varsOf(c));
  } catch (e) {
    return c.expect_error ? { status: 'pass' } : { status: 'fail', detail: `exec error: ${(e as Error).message}` };
  }
  if (c.expect_error) return { status: 'fail', detail: `expected an error, got ${JSON.stringify(out)}` };
  if (out !== c.expect) return { status: 'fail', detail: `got ${JSON.stringify(out)}, want ${JSON.stringify(c.expect)}` };
  return { status: 'pass' };
}

describe('helm funcs conformance (funcs_test.go)', () => {
  test('all funcs_cases', async () => {
    const sprig = await loadSprig();
    const funcs: FuncMap = {};
    if (sprig) {
      for (const [k, v] of Object.entries(sprig)) if (k !== 'env' && k !== 'expandenv') funcs[k] = v;
    }
    Object.assign(funcs, createHelmFuncs());

    let passed = 0;
    let failed = 0;
    const skipped: string[] = [];
    const unexpected: string[] = [];
    const fixed: string[] = [];
    for (const c of cases) {
      const r = run(c, funcs, sprig !== undefined);
      const id = caseId(c);
      if (r.status === 'skip') {
        skipped.push(`${id} (${r.fn})`);
        continue;
      }
      if (r.status === 'pass') {
        passed++;
        if (known[id] !== undefined) fixed.push(id);
      } else {
        failed++;
        if (known[id] === undefined) unexpected.push(`${id} ${c.name ?? c.tpl}: ${r.detail}`);
      }
    }
    console.log(`helm-funcs: ${passed} passed, ${failed} failed`);
    if (skipped.length > 0) {
      console.log(`helm-funcs: ${skipped.length} skipped (Sprig map not available): ${skipped.join(', ')}`);
    }
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
  });
});
