/**
 * Runs Go's text/template conformance material (exec_test.go execTests/cmpTests and the
 * non-table tests of multi_test.go/exec_test.go) against src/render/gotemplate.
 *
 * The test data value tVal (a *template.T) is rebuilt with the engine's Go value model
 * (typed ints, typed maps/slices, structs with methods, pointers, typed nils) following
 * `data_types` in exec_tests.json.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CallContext, GoComplex, GoFuncValue, GoInt, GoIter, GoNil, GoPointer, GoStruct, GoValue, IntKind, Template, TemplateError,
  defineFunc, goInt, isNilValue, jsEscapeString, sprint, sprintf, sprintln, withGoCap, withGoType
} from '../../src/render/gotemplate/index.js';

const DIR = path.resolve('..', 'shared', 'conformance', 'go-text-template');
const load = (f: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'));
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'go-text-template.json'), 'utf8')
);

// ---------------------------------------------------------------- Go test data

const ints = (kind: IntKind, xs: number[]): GoValue[] => withGoType(xs.map((x) => goInt(x, kind)), `[]${kind}`);
function typedMap(type: string, entries: [unknown, GoValue][]): Map<unknown, GoValue> {
  return withGoType(new Map<unknown, GoValue>(entries), type);
}

const strSig = (params: string[], result = 'string', variadic = false) => ({ params, result, variadic });

function vStruct(type: string, j: number): GoStruct {
  return new GoStruct(type, { j: goInt(j) }, { String: defineFunc(strSig([]), () => `<${j}>`) });
}
function wStruct(type: string, k: number): GoStruct {
  return new GoStruct(type, { k: goInt(k) }, { Error: defineFunc(strSig([]), () => `[${k}]`) });
}

const uMethods = {
  TrueFalse: defineFunc(strSig(['bool']), (b: GoValue) => (b ? 'true' : ''))
};
const newU = (v: string): GoStruct => new GoStruct('*template.U', { V: v }, uMethods);

const T_FIELDS = [
  'True', 'I', 'U16', 'X', 'S', 'FloatZero', 'ComplexZero', 'U', 'V0', 'V1', 'V2', 'W0', 'W1', 'W2', 'SI', 'SICap',
  'SIEmpty', 'SB', 'AI', 'MSI', 'MSIone', 'MSIEmpty', 'MXI', 'MII', 'MI32S', 'MI64S', 'MUI32S', 'MUI64S', 'MI8S',
  'MUI8S', 'SMSI', 'Empty0', 'Empty1', 'Empty2', 'Empty3', 'Empty4', 'NonEmptyInterface', 'NonEmptyInterfacePtS',
  'NonEmptyInterfaceNil', 'NonEmptyInterfaceTypedNil', 'Str', 'Err', 'PI', 'PS', 'PSI', 'NIL', 'UPI', 'EmptyUPI',
  'BinaryFunc', 'VariadicFunc', 'VariadicFuncInt', 'NilOKFunc', 'ErrFunc', 'PanicFunc', 'TooFewReturnCountFunc',
  'TooManyReturnCountFunc', 'InvalidReturnTypeFunc', 'Tmpl', 'unexported'
];

function tMethods(self: () => GoStruct): Record<string, GoFuncValue> {
  return {
    Method0: defineFunc(strSig([]), () => 'M0'),
    Method1: defineFunc(strSig(['int'], 'int'), (a: GoValue) => a),
    Method2: defineFunc(strSig(['uint16', 'string']), (a: GoValue, b: GoValue) => sprintf('Method2: %d %s', [a, b])),
    Method3: defineFunc(strSig(['interface {}']), (v: GoValue) => sprintf('Method3: %v', [v])),
    Copy: defineFunc(strSig([], '*template.T'), () => {
      const t = self();
      return new GoStruct(t.type, new Map(t.fields), t.methods);
    }),
    MAdd: defineFunc(strSig(['int', '[]int'], '[]int'), (a: GoValue, b: GoValue) =>
      ints('int', (b as GoValue[]).map((x) => Number((x as GoInt).value + (a as GoInt).value)))
    ),
    MyError: defineFunc(strSig(['bool'], 'bool'), (e: GoValue) => {
      if (e) throw new Error('my error');
      return false;
    }),
    GetU: defineFunc(strSig([], '*template.U'), () => self().fields.get('U') ?? null)
  };
}

function makeT(fields: Record<string, GoValue>): GoStruct {
  const m = new Map<string, GoValue>();
  const holder: { t?: GoStruct } = {};
  const methods = tMethods(() => holder.t as GoStruct);
  for (const f of T_FIELDS) if (f in fields) m.set(f, fields[f]);
  holder.t = new GoStruct('*template.T', m, methods);
  return holder.t;
}

const nilT = (): GoNil => new GoNil('*template.T', T_FIELDS, tMethods(() => { throw new Error('nil pointer dereference'); }));

function buildTVal(): GoStruct {
  const tmplX = new Template('x').parse('test template');
  const sVal = withGoType(['a', 'b'], 'template.S');
  return makeT({
    True: true,
    I: goInt(17),
    U16: goInt(16, 'uint16'),
    X: 'x',
    S: 'xyz',
    FloatZero: 0,
    ComplexZero: new GoComplex(0, 0),
    U: newU('v'),
    V0: vStruct('template.V', 6666),
    V1: vStruct('*template.V', 7777),
    V2: new GoNil('*template.V', ['j'], { String: defineFunc(strSig([]), () => 'nilV') }),
    W0: wStruct('template.W', 888),
    W1: wStruct('*template.W', 999),
    W2: new GoNil('*template.W', ['k'], { Error: defineFunc(strSig([]), () => 'nilW') }),
    SI: ints('int', [3, 4, 5]),
    SICap: withGoCap(ints('int', [0, 0, 0, 0, 0]), 10),
    SIEmpty: new GoNil('[]int'),
    SB: withGoType([true, false], '[]bool'),
    AI: withGoType([goInt(3), goInt(4), goInt(5)], '[3]int'),
    MSI: typedMap('map[string]int', [['one', goInt(1)], ['two', goInt(2)], ['three', goInt(3)]]),
    MSIone: typedMap('map[string]int', [['one', goInt(1)]]),
    MSIEmpty: new GoNil('map[string]int'),
    MXI: typedMap('map[interface {}]int', [['one', goInt(1)]]),
    MII: typedMap('map[int]int', [[1n, goInt(1)]]),
    MI32S: typedMap('map[int32]string', [[1n, 'one'], [2n, 'two']]),
    MI64S: typedMap('map[int64]string', [[2n, 'i642'], [3n, 'i643']]),
    MUI32S: typedMap('map[uint32]string', [[2n, 'u322'], [3n, 'u323']]),
    MUI64S: typedMap('map[uint64]string', [[2n, 'ui642'], [3n, 'ui643']]),
    MI8S: typedMap('map[int8]string', [[2n, 'i82'], [3n, 'i83']]),
    MUI8S: typedMap('map[uint8]string', [[2n, 'u82'], [3n, 'u83']]),
    SMSI: withGoType([
      typedMap('map[string]int', [['one', goInt(1)], ['two', goInt(2)]]),
      typedMap('map[string]int', [['eleven', goInt(11)], ['twelve', goInt(12)]])
    ], '[]map[string]int'),
    Empty0: null,
    Empty1: goInt(3),
    Empty2: 'empty2',
    Empty3: ints('int', [7, 8]),
    Empty4: newU('UinEmpty'),
    NonEmptyInterface: makeT({ X: 'x' }),
    NonEmptyInterfacePtS: new GoPointer('*template.I', sVal),
    NonEmptyInterfaceNil: null,
    NonEmptyInterfaceTypedNil: nilT(),
    Str: new GoStruct('*bytes.Buffer', {}, { String: defineFunc(strSig([]), () => 'foozle') }),
    Err: new GoStruct('*errors.errorString', { s: 'erroozle' }, { Error: defineFunc(strSig([]), () => 'erroozle') }),
    PI: new GoPointer('*int', goInt(23)),
    PS: new GoPointer('*string', 'a string'),
    PSI: new GoPointer('*[]int', ints('int', [21, 22, 23])),
    NIL: new GoNil('*int'),
    UPI: new GoPointer('unsafe.Pointer', goInt(0)),
    EmptyUPI: new GoNil('*unsafe.Pointer'),
    BinaryFunc: defineFunc(strSig(['string', 'string']), (a: GoValue, b: GoValue) => `[${a}=${b}]`),
    VariadicFunc: defineFunc(strSig(['string'], 'string', true), (...s: GoValue[]) => '<' + s.join('+') + '>'),
    VariadicFuncInt: defineFunc(strSig(['int', 'string'], 'string', true), (a: GoValue, ...s: GoValue[]) =>
      sprint([a, '=<', s.join('+'), '>'])
    ),
    NilOKFunc: defineFunc(strSig(['*int'], 'bool'), (p: GoValue) => isNilValue(p)),
    ErrFunc: defineFunc(strSig([]), () => 'bla'),
    PanicFunc: defineFunc(strSig([]), () => {
      throw new Error('test panic');
    }),
    Tmpl: new GoStruct('*template.Template', {}, {
      Name: defineFunc(strSig([]), () => tmplX.name)
    }),
    unexported: goInt(0)
  });
}

function zeroT(): GoStruct {
  return new GoStruct('template.T', {
    True: false, I: goInt(0), X: '', PS: new GoNil('*string'), NIL: new GoNil('*int')
  });
}

const testFuncs: Record<string, GoFuncValue> = {
  add: defineFunc({ params: ['int'], variadic: true, result: 'int' }, (...a: GoValue[]) =>
    goInt(a.reduce<bigint>((s, x) => s + (x as GoInt).value, 0n))
  ),
  count: defineFunc({ params: ['int'], result: 'chan string' }, (n: GoValue) => {
    const k = Number((n as GoInt).value);
    if (k === 0) return new GoNil('chan string');
    return new GoIter('chan string', 'chan', () => Array.from({ length: k }, (_, i) => String.fromCharCode(97 + i)));
  }),
  dddArg: defineFunc({ params: ['int', 'string'], variadic: true, result: 'string' }, (a: GoValue, ...b: GoValue[]) =>
    sprintln([a, withGoType(b, '[]string')])
  ),
  die: defineFunc({ params: [], result: 'bool' }, () => {
    throw new Error('die');
  }),
  echo: defineFunc({ params: ['interface {}'], result: 'interface {}' }, (a: GoValue) => a),
  makemap: defineFunc({ params: ['string'], variadic: true, result: 'map[string]string' }, (...a: GoValue[]) => {
    const m = withGoType(new Map<unknown, GoValue>(), 'map[string]string');
    for (let i = 0; i + 1 < a.length; i += 2) m.set(a[i], a[i + 1]);
    return m;
  }),
  mapOfThree: defineFunc({ params: [], result: 'interface {}' }, () => typedMap('map[string]int', [['three', goInt(3)]])),
  oneArg: defineFunc({ params: ['string'], result: 'string' }, (a: GoValue) => 'oneArg=' + a),
  returnInt: defineFunc({ params: [], result: 'int' }, () => goInt(7)),
  stringer: defineFunc({ params: ['fmt.Stringer'], result: 'string' }, function (this: CallContext, s: GoValue) {
    const m = (s as GoStruct).methods?.String;
    return m ? m.call(this) : '';
  }),
  twoArgs: defineFunc({ params: ['string', 'string'], result: 'string' }, (a: GoValue, b: GoValue) => 'twoArgs=' + a + b),
  typeOf: defineFunc({ params: ['interface {}'], result: 'string' }, (a: GoValue) => sprintf('%T', [a])),
  valueString: defineFunc({ params: ['string'], result: 'string' }, () => 'value is ignored'),
  vfunc: defineFunc({ params: ['template.V', '*template.V'], result: 'string' }, () => 'vfunc'),
  zeroArgs: defineFunc({ params: [], result: 'string' }, () => 'zeroArgs')
};

function rangeFunc(kind: 'seq' | 'seq2', n: number): GoValue {
  if (kind === 'seq') return new GoIter('iter.Seq[int]', 'seq', () => Array.from({ length: n }, (_, i) => goInt(i)));
  return new GoIter('iter.Seq2[int,int]', 'seq2', () => Array.from({ length: n }, (_, i): [GoValue, GoValue] => [goInt(i), goInt(i + 1)]));
}

function dataFor(go: string | undefined, json: unknown): GoValue {
  if (go === undefined || go === 'nil') return null;
  if (go === 'tVal') return buildTVal();
  if (go === 'T{}') return zeroT();
  if (go === '&iVal') return new GoPointer('*template.I', buildTVal());
  if (go === 'tSliceOfNil') return withGoType([nilT()], '[]*template.T');
  const intM = /^(int8|int16|int32|int64|int|uint8|uint16|uint32|uint64|uint|uintptr)\((\d+)\)$/.exec(go);
  if (intM) return goInt(Number(intM[2]), intM[1] as IntKind);
  const runeM = /^'(.)'$/.exec(go);
  if (runeM) return goInt(runeM[1].charCodeAt(0), 'int32');
  if (go === '16.2 - 17i') return new GoComplex(16.2, -17);
  if (go.startsWith('struct {')) return new GoStruct('struct { a int; b string }', { a: goInt(7), b: 'seven' });
  if (go.startsWith('map[string]any{"S": bytes')) {
    return new Map<string, GoValue>([['S', new GoStruct('*bytes.Buffer', {}, { String: defineFunc(strSig([]), () => 'foozle') })]]);
  }
  const f = /^fVal([12])\((\d+)\)$/.exec(go);
  if (f) return rangeFunc(f[1] === '1' ? 'seq' : 'seq2', Number(f[2]));
  if (go === '[]int{-1, -2, -3}') return ints('int', [-1, -2, -3]);
  if (go === 'map[string]int{"two": 22}') return typedMap('map[string]int', [['two', goInt(22)]]);
  if (go === 'map[string]string{"cause": "neglect"}') return typedMap('map[string]string', [['cause', 'neglect']]);
  // plain scalars
  if (typeof json === 'number') return Number.isInteger(json) && !/\./.test(go) ? goInt(json) : json;
  return json as GoValue;
}

// ---------------------------------------------------------------- runners

interface Outcome {
  ok: boolean;
  detail: string;
}

function runExec(name: string, input: string, data: GoValue, want: string, shouldError: boolean): Outcome {
  let t: Template;
  try {
    t = new Template(name).funcs(testFuncs).parse(input);
  } catch (e) {
    return { ok: false, detail: `parse error: ${(e as Error).message}` };
  }
  try {
    const out = t.execute(data);
    if (shouldError) return { ok: false, detail: `expected error, got ${JSON.stringify(out)}` };
    return out === want ? { ok: true, detail: '' } : { ok: false, detail: `got ${JSON.stringify(out)} want ${JSON.stringify(want)}` };
  } catch (e) {
    if (!shouldError) return { ok: false, detail: `unexpected error: ${(e as Error).message}` };
    if (!(e instanceof TemplateError)) return { ok: false, detail: `non-template error: ${String(e)}` };
    const partial = e.partialOutput ?? '';
    return partial === want ? { ok: true, detail: '' } : { ok: false, detail: `partial output ${JSON.stringify(partial)} want ${JSON.stringify(want)} (${e.message})` };
  }
}

interface Result {
  id: string;
  outcome: Outcome;
}

function summarize(label: string, results: Result[]): void {
  const passed = results.filter((r) => r.outcome.ok).length;
  console.log(`go-text-template ${label}: ${passed} passed, ${results.length - passed} failed`);
}

function check(results: Result[]): void {
  const unexpected = results.filter((r) => !r.outcome.ok && !(r.id in known)).map((r) => `${r.id}: ${r.outcome.detail}`);
  const fixed = results.filter((r) => r.outcome.ok && r.id in known).map((r) => r.id);
  expect(unexpected).toEqual([]);
  expect(fixed).toEqual([]);
}

interface ExecCase {
  name: string;
  input: string;
  output: string;
  should_error: boolean;
  data: { go?: string; json?: unknown };
  source_line: number;
}

interface CmpCase {
  expr: string;
  input: string;
  output: string;
  should_error: boolean;
}

function cmpStruct(): GoStruct {
  const ptr = new GoPointer('*int', goInt(0));
  const iface = new GoStruct('*strings.Builder', {}, { String: defineFunc(strSig([]), () => '') });
  return new GoStruct('template.cmpStruct', {
    Uthree: goInt(3, 'uint'),
    Ufour: goInt(4, 'uint'),
    NegOne: goInt(-1),
    Three: goInt(3),
    Ptr: ptr,
    NilPtr: new GoNil('*int'),
    NonNilMap: typedMap('map[int]int', []),
    Map: new GoNil('map[int]int'),
    V1: new GoStruct('template.V', { j: goInt(0) }),
    V2: new GoStruct('template.V', { j: goInt(0) }),
    Iface1: iface,
    NilIface: null
  });
}

describe('go text/template conformance', () => {
  test('execTests', () => {
    const doc = load('exec_tests.json') as { execTests: ExecCase[] };
    const results: Result[] = doc.execTests.map((c) => ({
      id: `exec/${c.name}@${c.source_line}`,
      outcome: runExec(c.name, c.input, dataFor(c.data.go, c.data.json), c.output, c.should_error)
    }));
    summarize('exec', results);
    check(results);
  });

  test('cmpTests', () => {
    const doc = load('exec_tests.json') as { cmpTests: CmpCase[] };
    const results: Result[] = doc.cmpTests.map((c) => ({
      id: `cmp/${c.expr}`,
      outcome: runExec(c.expr, c.input, cmpStruct(), c.output, c.should_error)
    }));
    summarize('compare', results);
    check(results);
  });

  test('misc cases', () => {
    const doc = load('misc_cases.json') as Record<string, Record<string, unknown>>;
    const results: Result[] = [];
    const add = (id: string, fn: () => Outcome): void => {
      let outcome: Outcome;
      try {
        outcome = fn();
      } catch (e) {
        outcome = { ok: false, detail: `threw: ${(e as Error).message}` };
      }
      results.push({ id: `misc/${id}`, outcome });
    };
    const eqOut = (got: string, want: string): Outcome =>
      got === want ? { ok: true, detail: '' } : { ok: false, detail: `got ${JSON.stringify(got)} want ${JSON.stringify(want)}` };
    const errOut = (fn: () => unknown, pred: (msg: string) => boolean, desc: string): Outcome => {
      try {
        fn();
        return { ok: false, detail: 'expected error' };
      } catch (e) {
        const m = (e as Error).message;
        return pred(m) ? { ok: true, detail: '' } : { ok: false, detail: `error ${JSON.stringify(m)} does not match ${desc}` };
      }
    };

    // multiExecTests
    const me = doc.multiExecTests as { multiText1: string; multiText2: string; cases: { name: string; input: string; output: string; data: unknown; should_error: boolean }[] };
    const root = new Template('root').funcs(testFuncs).parse(me.multiText1);
    root.parse(me.multiText2);
    for (const c of me.cases) {
      add(`multiExec/${c.name}`, () => {
        const data = c.data === 'tVal' ? buildTVal() : (c.data as GoValue);
        const t = root.new(c.name).parse(c.input);
        const out = t.execute(data);
        return c.should_error ? { ok: false, detail: 'expected error' } : eqOut(out, c.output);
      });
    }

    // multiParseTests
    const mp = doc.multiParseTests as { cases: { name: string; input: string; ok: boolean; names?: string[]; results?: string[] }[] };
    for (const c of mp.cases) {
      add(`multiParse/${c.name}`, () => {
        let t: Template;
        try {
          t = new Template('root').parse(c.input);
        } catch (e) {
          return c.ok ? { ok: false, detail: `parse error ${(e as Error).message}` } : { ok: true, detail: '' };
        }
        if (!c.ok) return { ok: false, detail: 'expected parse error' };
        const names = t.templates().map((x) => x.name).filter((n) => n !== 'root');
        if (names.length !== (c.names ?? []).length) return { ok: false, detail: `templates ${JSON.stringify(names)}` };
        for (let i = 0; i < (c.names ?? []).length; i++) {
          const tt = t.lookup((c.names ?? [])[i]);
          if (!tt) return { ok: false, detail: `missing ${(c.names ?? [])[i]}` };
          if (tt.treeString() !== (c.results ?? [])[i]) return { ok: false, detail: `tree ${JSON.stringify(tt.treeString())}` };
        }
        return { ok: true, detail: '' };
      });
    }

    // clone
    const cl = doc.clone as { texts: Record<string, string> };
    add('clone', () => {
      const r = new Template('root').parse(cl.texts.cloneText1);
      r.parse(cl.texts.cloneText2);
      const c = r.clone();
      r.parse(cl.texts.cloneText3);
      c.parse(cl.texts.cloneText4);
      const a = r.executeTemplate('a', goInt(0));
      const b = c.executeTemplate('a', goInt(0));
      return a === 'broot' && b === 'bclone' ? { ok: true, detail: '' } : { ok: false, detail: `${a} ${b}` };
    });

    // emptyTemplate
    const et = doc.emptyTemplate as { cases: { defn: string[]; in: string; want: string }[] };
    et.cases.forEach((c, i) => {
      add(`emptyTemplate/${i}`, () => {
        const r = new Template('root');
        let m: Template | undefined;
        for (const d of c.defn) m = r.new(c.in).parse(d);
        return eqOut((m as Template).execute(c.in), c.want);
      });
    });

    add('issue19294_block_override', () => {
      const res = new Template('title.xhtml').parse('{{template "xhtml" .}}');
      res.new('stylesheet').parse('{{define "stylesheet"}}stylesheet{{end}}');
      res.new('xhtml').parse('{{block "stylesheet" .}}{{end}}');
      return eqOut(res.execute(goInt(0)), 'stylesheet');
    });

    add('redefinition', () => {
      const t1 = new Template('tmpl1').parse('{{define "test"}}foo{{end}}');
      t1.parse('{{define "test"}}bar{{end}}');
      new Template('tmpl2').parse('{{define "test"}}bar{{end}}');
      return eqOut(t1.executeTemplate('test', null), 'bar');
    });

    const bl = doc.block as { input: string; data: string; want: string; overlay: string; overlay_data: string; want_after_overlay_on_clone: string };
    add('block', () => {
      const t = new Template('outer').parse(bl.input);
      const got = t.execute(bl.data);
      const c = t.clone();
      c.parse(bl.overlay);
      const got2 = c.execute(bl.overlay_data);
      return got === bl.want && got2 === bl.want_after_overlay_on_clone ? { ok: true, detail: '' } : { ok: false, detail: `${got} | ${got2}` };
    });

    const td = doc.tree_with_custom_delims as { delims: [string, string]; template: string; entry: string; data: unknown; want: string };
    add('tree_with_custom_delims', () => {
      const toTree = (n: unknown): GoValue => {
        if (n === null) return new GoNil('*template.Tree', ['Val', 'Left', 'Right']);
        const o = n as { Val: number; Left: unknown; Right: unknown };
        return new GoStruct('*template.Tree', { Val: goInt(o.Val), Left: toTree(o.Left), Right: toTree(o.Right) });
      };
      const t = new Template('root').delims(td.delims[0], td.delims[1]).parse(td.template);
      return eqOut(t.executeTemplate(td.entry, toTree(td.data)), td.want);
    });

    const dl = doc.delims as { pairs: [string, string][] };
    dl.pairs.forEach(([l, r], i) => {
      add(`delims/${i}`, () => {
        const L = l === '' ? '{{' : l;
        const R = r === '' ? '}}' : r;
        const text = L + '.Str' + R + L + '/*comment*/' + R + L + '"' + L + '"' + R;
        const t = new Template('delims').delims(l, r).parse(text);
        return eqOut(t.execute(new Map<string, GoValue>([['Str', 'Hello, world']])), 'Hello, world' + L);
      });
    });

    const em = doc.exec_error_message as { template_name: string; input: string; data: number; want_error_exact: string };
    add('exec_error_message', () =>
      errOut(() => new Template(em.template_name).parse(em.input).execute(goInt(em.data)), (m) => m === em.want_error_exact, em.want_error_exact)
    );

    add('execute_empty_template', () =>
      errOut(() => new Template('empty').execute(goInt(0)), (m) => m === 'template: empty: "empty" is an incomplete or empty template', 'exact')
    );

    const mk = doc.missingkey as { template: string; cases: { option: string | null; want?: string; want_error?: boolean; data?: null }[] };
    mk.cases.forEach((c, i) => {
      add(`missingkey/${i}`, () => {
        const t = new Template('missingkey');
        if (c.option) t.option(c.option);
        t.parse(mk.template);
        const data: GoValue = 'data' in c ? null : typedMap('map[string]int', [['x', goInt(99)]]);
        if (c.want_error) return errOut(() => t.execute(data), () => true, 'any');
        return eqOut(t.execute(data), c.want ?? '');
      });
    });

    const ef = doc.eval_field_errors as { cases: { name: string; src: string; value: string; want_suffix: string }[] };
    for (const c of ef.cases) {
      add(`eval_field_errors/${c.name}`, () => {
        const values: Record<string, GoValue> = {
          '(*T)(nil)': nilT(),
          '&T{}': makeT({}),
          '(*map[string]string)(nil)': new GoNil('*map[string]string'),
          '&map[string]string{}': new GoPointer('*map[string]string', typedMap('map[string]string', []))
        };
        const t = new Template('tmpl').parse(c.src);
        if (c.want_suffix === '<nil>') {
          t.execute(values[c.value]);
          return { ok: true, detail: '' };
        }
        return errOut(() => t.execute(values[c.value]), (m) => m.endsWith(c.want_suffix), c.want_suffix);
      });
    }

    const us = doc.unterminated_string_error as { template_name: string; input: string; want_error_contains: string };
    add('unterminated_string_error', () =>
      errOut(() => new Template(us.template_name).parse(us.input), (m) => m.includes(us.want_error_contains), us.want_error_contains)
    );

    const xt = doc.exec_error_type as { template_name: string; input: string; data: number; want_error_contains: string };
    add('exec_error_type', () =>
      errOut(() => new Template(xt.template_name).parse(xt.input).execute(goInt(xt.data)), (m) => m.includes(xt.want_error_contains), xt.want_error_contains)
    );

    const js = doc.js_escape_string as { cases: [string, string][] };
    js.cases.forEach(([input, exp], i) => {
      add(`js_escape_string/${i}`, () => {
        const a = eqOut(jsEscapeString(input), exp);
        if (!a.ok) return a;
        return eqOut(new Template('js').parse('{{js .}}').execute(input), exp);
      });
    });

    const md = doc.max_exec_depth as { input: string; template_name: string; want_error_contains: string };
    add('max_exec_depth', () =>
      errOut(() => new Template(md.template_name).parse(md.input).execute(null), (m) => m.includes(md.want_error_contains), md.want_error_contains)
    );

    summarize('misc', results);
    check(results);
  });
});

void GoInt;
