/**
 * The engine_facts of helm/helm pkg/engine/engine_test.go (engine_cases.json), run against src/render/helm.
 * Facts give chart literals, renderables and assertion strings; where the upstream test keeps data in Go code
 * the facts do not carry (release names, values), the values used upstream are restated here.
 */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template, TemplateError, type FuncMap, type GoValue } from '../../src/render/gotemplate/index.js';
import type { Chart, Metadata } from '../../src/render/helm/chart.js';
import { HELM_MAIN_TEST_BUILD } from '../../src/render/helm/build.js';
import { makeCapabilities, renderTemplates, sortTemplates, stripNoValue, toRenderValues } from '../../src/render/helm/engine.js';
import { cleanupExecError, cleanupParseError } from '../../src/render/helm/errors.js';
import { engineToYaml, helmFuncMap } from '../../src/render/helm/funcmap.js';
import { coalesceValues, type Values } from '../../src/render/helm/values.js';
import { yamlToGo } from '../../src/render/helm/yamlgo.js';

const FACTS = JSON.parse(fs.readFileSync(path.resolve('..', 'shared', 'conformance', 'helm', 'engine_cases.json'), 'utf8')).engine_facts.tests as Fact[];
const known: Record<string, string> = JSON.parse(
  fs.readFileSync(path.resolve('__tests__', 'conformance', 'known-failures', 'helm-engine.json'), 'utf8')
);

interface FactChart {
  var?: string;
  name: string;
  metadata: Record<string, unknown>;
  templates: { Name: string; Data?: string; kind: string }[];
  values?: Record<string, unknown>;
}
interface Fact {
  test_function: string;
  charts?: FactChart[];
  renderables?: { name: string; tpl?: string }[];
  dependency_calls?: string[];
  literal_maps?: { var: string; value?: unknown; go?: string }[];
  assertions?: { call: string; args: { src: string; str?: string }[] }[];
}

function metadata(name: string, md: Record<string, unknown>): Metadata {
  return {
    name, home: '', sources: null, version: String(md.Version ?? ''), description: '', keywords: null, maintainers: null,
    icon: '', apiVersion: md.APIVersion__go ? 'v2' : 'v1', condition: '', tags: '', appVersion: '', deprecated: false,
    annotations: null, kubeVersion: '', dependencies: null, type: ''
  };
}

function buildCharts(f: Fact, overrides: Record<string, string> = {}): Chart {
  const byVar = new Map<string, Chart>();
  const all: Chart[] = [];
  for (const c of f.charts ?? []) {
    const ch: Chart = {
      metadata: metadata(c.name, c.metadata),
      templates: [],
      values: yamlToGo(c.values ?? {}) as Values,
      files: [],
      dependencies: [],
      origin: c.name
    };
    for (const t of c.templates) {
      const data = Buffer.from(overrides[`${c.name}/${t.Name}`] ?? t.Data ?? '');
      if (t.kind === 'Files') ch.files.push({ name: t.Name, data, origin: t.Name });
      else ch.templates.push({ name: t.Name, data, origin: t.Name });
    }
    byVar.set(c.var ?? c.name, ch);
    all.push(ch);
  }
  for (const call of f.dependency_calls ?? []) {
    const m = /^(\w+)\.AddDependency\((\w+)\)$/.exec(call);
    const parent = byVar.get(m ? m[1] : call.split('.')[0])!;
    const child = m ? byVar.get(m[2])! : all.find((c) => !f.charts!.find((x) => x.name === c.metadata.name)?.var)!;
    child.parent = parent;
    parent.dependencies.push(child);
  }
  return all.find((c) => !c.parent)!;
}

interface RenderResult { out: Map<string, string>; error?: string }

function render(root: Chart, values: Record<string, unknown>, release = 'release-name', extra: FuncMap = {}, strict = false): RenderResult {
  try {
    // The facts are helm/helm main's engine tests: the renderer behaves as that build.
    const vals = coalesceValues(root, yamlToGo(values) as Values, undefined, HELM_MAIN_TEST_BUILD);
    const top = toRenderValues(root, vals, { name: release, namespace: 'default' }, makeCapabilities({ build: HELM_MAIN_TEST_BUILD }), engineToYaml);
    const r = renderTemplates(root, top, { funcs: helmFuncMap(extra), toYaml: engineToYaml, strict });
    return { out: new Map(r.rendered.map((x) => [x.name, x.output])) };
  } catch (err) {
    return { out: new Map(), error: (err as Error).message };
  }
}

/** engine.render(map[name]renderable): templates without a chart, each with its own vals. */
function renderInternal(tpls: { name: string; tpl: string; vals: GoValue }[]): RenderResult {
  const t = new Template('gotpl', { options: ['missingkey=zero'] });
  t.funcs(helmFuncMap());
  const keys = sortTemplates(tpls.map((x) => x.name));
  const byName = new Map(tpls.map((x) => [x.name, x]));
  try {
    for (const k of keys) {
      try {
        t.new(k).parse(byName.get(k)!.tpl);
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(cleanupParseError(k, err.message));
        throw err;
      }
    }
    const out = new Map<string, string>();
    for (const k of keys) {
      try {
        const r = t.executeWithProvenance(byName.get(k)!.vals, { name: k });
        out.set(k, stripNoValue(r.output, r.segments).output);
      } catch (err) {
        if (err instanceof TemplateError) throw new Error(cleanupExecError(k, err.message));
        throw err;
      }
    }
    return { out };
  } catch (err) {
    return { out: new Map(), error: (err as Error).message };
  }
}

function expectsOf(f: Fact): Record<string, string> | undefined {
  const m = f.literal_maps?.find((x) => (x.var === 'expect' || x.var === 'expects') && x.value && typeof x.value === 'object');
  return m?.value as Record<string, string> | undefined;
}

function assertStrings(f: Fact, call: string): string[] {
  return (f.assertions ?? []).filter((a) => a.call === call).map((a) => a.args.find((x) => x.str !== undefined)?.str ?? '');
}

type Outcome = string | null; // null = pass, else the reason

function checkMap(r: RenderResult, want: Record<string, string>): Outcome {
  if (r.error) return `render failed: ${r.error}`;
  for (const [k, v] of Object.entries(want)) if (r.out.get(k) !== v) return `${k}: got ${JSON.stringify(r.out.get(k))}, want ${JSON.stringify(v)}`;
  return null;
}

const vals0 = { Values: {} };
const NESTED_TEXT = '{{define "nested"}}redefined-in-tpl{{end}}{{define "nested-outer"}}redefined-outer-in-tpl{{end}}before-inner-tpl: {{include "nested" .}} {{include "nested-outer" . }}\\n{{tpl .Values.innerText .}}\\nafter-inner-tpl: {{include "nested" . }} {{include "nested-outer" . }}';

const CASES: Record<string, (f: Fact) => Outcome> = {
  TestSortTemplates: (f) => {
    const got = sortTemplates(f.renderables!.map((r) => r.name));
    const want = [
      '/mychart/templates/charts/foo/charts/bar/templates/foo.tpl', '/mychart/templates/charts/foo/templates/foo.tpl',
      '/mychart/templates/charts/foo/templates/bar.tpl', '/mychart/templates/charts/bar/templates/foo.tpl',
      '/mychart/templates/foo.tpl', '/mychart/templates/bar.tpl', '/mychart/templates/_foo.tpl'
    ];
    return JSON.stringify(got) === JSON.stringify(want) ? null : `got ${got.join(', ')}`;
  },
  TestFuncMap: () => {
    const fns = helmFuncMap();
    for (const x of ['env', 'expandenv']) if (x in fns) return `${x} must not be in the map`;
    for (const x of ['include', 'required', 'tpl', 'toYaml', 'fromYaml', 'toToml', 'fromToml', 'toJson', 'fromJson', 'lookup']) if (!(x in fns)) return `${x} missing`;
    return null;
  },
  TestRender: (f) => {
    const vals = (f.literal_maps!.find((m) => m.var === 'vals')!.value as { Values: Record<string, unknown> }).Values;
    return checkMap(render(buildCharts(f), vals, 'moby'), expectsOf(f)!);
  },
  TestRenderRefsOrdering: (f) => {
    for (let i = 0; i < 20; i++) {
      const o = checkMap(render(buildCharts(f), {}), expectsOf(f)!);
      if (o) return o;
    }
    return null;
  },
  TestRenderInternals: (f) => {
    const vals = yamlToGo({ Name: 'one', Value: 'two' });
    const r = renderInternal(f.renderables!.map((x) => ({ name: x.name, tpl: x.tpl!, vals })));
    return checkMap(r, { one: 'Hello One', two: 'Goodbye TWO', three: 'Goodbye THREE' });
  },
  TestRenderWithDNS: (f) => {
    const r = render(buildCharts(f), {});
    return r.error ? r.error : null;
  },
  TestParallelRenderInternals: (f) => {
    for (const tt of ['bar', 'baz', 'zap']) {
      const r = renderInternal([{ name: 't', tpl: f.renderables![0].tpl!, vals: yamlToGo({ val: tt }) }]);
      if (r.out.get('t') !== tt) return `got ${r.out.get('t')}`;
    }
    return null;
  },
  TestParseErrors: (f) => {
    const r = renderInternal(f.renderables!.map((x) => ({ name: x.name, tpl: x.tpl!, vals: yamlToGo(vals0) })));
    const want = assertStrings(f, 'assert.EqualError')[0];
    return r.error === want ? null : `got ${r.error}`;
  },
  TestExecErrors: (f) => {
    const want: Record<string, string> = {
      missing_required: 'execution error at (missing_required:1:2): foo is required',
      missing_required_with_colons: 'execution error at (missing_required_with_colons:1:2): :this: message: has many: colons:',
      issue6044: 'execution error at (issue6044:3:4): abc: something is missing'
    };
    const wantByIndex = ['execution error at (issue9981:1:2): foo is required\nmore info after the break', 'execution error at (issue9981:1:2): something is wrong\nlinebreak'];
    let n = 0;
    for (const x of f.renderables!) {
      const r = renderInternal([{ name: x.name, tpl: x.tpl!, vals: yamlToGo(vals0) }]);
      const w = want[x.name] ?? wantByIndex[n++];
      if (r.error !== w) return `${x.name}: got ${JSON.stringify(r.error)}, want ${JSON.stringify(w)}`;
    }
    return null;
  },
  TestFailErrors: (f) => {
    const r = renderInternal(f.renderables!.map((x) => ({ name: x.name, tpl: x.tpl!, vals: yamlToGo(vals0) })));
    const want = assertStrings(f, 'require.EqualError')[0];
    return r.error === want ? null : `got ${r.error}`;
  },
  TestAllTemplates: (f) => {
    const root = buildCharts(f);
    const r = render(root, {});
    if (r.error) return r.error;
    return r.out.size === 5 ? null : `got ${r.out.size} templates`;
  },
  TestChartValuesContainsIsRoot: (f) => checkMap(render(buildCharts(f), {}), expectsOf(f)!),
  TestRenderDependency: (f) => checkMap(render(buildCharts(f), {}), { 'outerchart/templates/outer': 'Hello World' }),
  TestRenderNestedValues: (f) => {
    const inj = f.literal_maps!.find((m) => m.var === 'injValues')!.value as Record<string, unknown>;
    const r = render(buildCharts(f), inj, 'dyin');
    return checkMap(r, {
      'top/templates/outer.tpl': 'Gather ye rosebuds while ye may',
      'top/charts/herrick/templates/inner.tpl': "Old time is still a-flyin'",
      'top/charts/herrick/charts/deepest/templates/inner.tpl': 'And this same flower that smiles to-day',
      'top/charts/herrick/charts/deepest/templates/release.tpl': 'Tomorrow will be dyin',
      'top/templates/subcharts.tpl': 'The glorious Lamp of Heaven, the Sun'
    });
  },
  TestRenderBuiltinValues: (f) => checkMap(render(buildCharts(f), {}, 'Aeneid'), expectsOf(f)!),
  TestAlterFuncMap_include: (f) => {
    const fc = { ...f, charts: [f.charts![0]] };
    const o = checkMap(render(buildCharts(fc), {}, 'Mistah Kurtz'), { 'conrad/templates/quote': '  Mistah Kurtz - he dead.' });
    if (o) return o;
    const r = render(buildCharts({ ...f, charts: [f.charts![1]] }), {}, 'Mistah Kurtz');
    // upstream asserts only that rendering fails (assert.Error)
    return r.error ? null : 'want an error for the self-including template';
  },
  TestAlterFuncMap_require: (f) => checkMap(render(buildCharts(f), { who: 'us', bases: 2 }, 'That 90s meme'), {
    'conan/templates/quote': 'All your base are belong to us', 'conan/templates/bases': 'All 2 of them!'
  }),
  TestAlterFuncMap_tpl: (f) => checkMap(render(buildCharts(f), { value: 'myvalue' }, 'TestRelease'), { 'TplFunction/templates/base': 'Evaluate tpl Value: myvalue' }),
  TestAlterFuncMap_tplfunc: (f) => checkMap(render(buildCharts(f), { value: 'myvalue' }, 'TestRelease'), { 'TplFunction/templates/base': 'Evaluate tpl Value: "myvalue"' }),
  TestAlterFuncMap_tplinclude: (f) => checkMap(render(buildCharts(f), { value: 'myvalue' }, 'TestRelease'), { 'TplFunction/templates/base': '"TplFunction/templates/base"' }),
  TestRenderRecursionLimit: (f) => {
    const bad = render(buildCharts({ ...f, charts: [f.charts![0]] }), {});
    if (!bad.error) return 'expected a recursion error';
    const times = 4000;
    const incl = '{{ include "overlook" . }}'.repeat(times);
    const r = render(buildCharts({ ...f, charts: [f.charts![1]] }, { 'overlook/templates/quote': incl }), {});
    return checkMap(r, { 'overlook/templates/quote': 'All work and no play makes Jack a dull boy\n'.repeat(times) });
  },
  TestRenderLoadTemplateForTplFromFile: (f) => checkMap(render(buildCharts(f), { filename: 'test', filename2: 'test2' }), { 'TplLoadFromFile/templates/base': 'test-function nested-define-content' }),
  TestRenderTplEmpty: (f) => checkMap(render(buildCharts(f), {}), expectsOf(f)!),
  TestRenderTplTemplateNames: (f) => checkMap(render(buildCharts(f), { dot: { Template: { BasePath: 'path/to/template', Name: 'name-of-template', Field: 'extra-field' } } }), expectsOf(f)!),
  TestRenderTplRedefines: (f) => checkMap(render(buildCharts(f), {
    partialText: '{{define "partial"}}redefined-in-tpl{{end}}tpl: {{include "partial" .}}',
    manifestText: '{{define "manifest"}}redefined-in-tpl{{end}}tpl: {{include "manifest" .}}',
    manifestOnlyText: 'tpl: {{include "manifest-only" .}}',
    nestedText: NESTED_TEXT,
    innerText: '{{define "nested"}}redefined-in-inner-tpl{{end}}inner-tpl: {{include "nested" . }} {{include "nested-outer" . }}'
  }), {
    'TplRedefines/templates/partial': 'before: original-in-partial\\ntpl: redefined-in-tpl\\nafter: original-in-partial',
    'TplRedefines/templates/manifest': 'before: original-in-manifest\\ntpl: redefined-in-tpl\\nafter: original-in-manifest',
    'TplRedefines/templates/manifest-only': 'before: only-in-manifest\\ntpl: only-in-manifest\\nafter: only-in-manifest',
    'TplRedefines/templates/nested': 'before: original-in-manifest original-outer-in-manifest\\nbefore-inner-tpl: redefined-in-tpl redefined-outer-in-tpl\\ninner-tpl: redefined-in-inner-tpl redefined-outer-in-tpl\\nafter-inner-tpl: redefined-in-tpl redefined-outer-in-tpl\\nafter: original-in-manifest original-outer-in-manifest'
  }),
  TestRenderTplMissingKey: (f) => checkMap(render(buildCharts(f), {}), expectsOf(f)!),
  TestRenderTplMissingKeyString: (f) => {
    const r = render(buildCharts(f), {}, 'release-name', {}, true);
    return r.error && r.error.includes('noSuchKey') ? null : `want an error naming noSuchKey, got ${r.error}`;
  },
  TestNestedHelpersProducesMultilineStacktrace: (f) => {
    const r = render(buildCharts(f), {});
    const want = assertStrings(f, 'assert.EqualError')[0];
    return r.error === want ? null : `got ${JSON.stringify(r.error)}`;
  },
  TestMultilineNoTemplateAssociatedError: (f) => {
    const r = render(buildCharts(f), {});
    const want = assertStrings(f, 'assert.EqualError')[0];
    return r.error === want ? null : `got ${JSON.stringify(r.error)}`;
  },
  TestRenderCustomTemplateFuncs: (f) => {
    const funcs: FuncMap = {
      exclaim: (s: GoValue) => `${String(s)}!!!`,
      upper: (s: GoValue) => `custom:${String(s)}`
    };
    return checkMap(render(buildCharts(f), { message: 'hello' }, 'release-name', funcs), {
      'CustomFunc/templates/manifest': 'hello!!!', 'CustomFunc/templates/override': 'custom:hello'
    });
  },
  TestTraceableError_SimpleForm: () => {
    const got = cleanupExecError('base', 'template: base:1:2: error calling include: boom');
    return got.includes('error calling include') ? null : got;
  },
  TestTraceableError_ExecutingForm: () => {
    const got = cleanupExecError('x', 'template: x:1:9: executing "x" at <include "y" .>: error calling include: template: y:2:3: executing "y" at <.a.b>: nil pointer evaluating interface {}.b');
    return got.startsWith('x:1:9\n  executing "x" at <include "y" .>:\n    error calling include:\ny:2:3') ? null : got;
  },
  TestTraceableError_NoTemplateForm: () => {
    const msg = 'template: no template "x" associated with template "gotpl"';
    const got = cleanupExecError('f', `template: f:1:2: executing "f" at <include "x" .>: error calling include: ${msg}`);
    return got.endsWith(msg) ? null : got;
  },
  TestRenderSubchartDefaultNilNoStringify: (f) => {
    const r = render(buildCharts(f), {});
    if (r.error) return r.error;
    const out = r.out.get('parent/charts/child/templates/test.yaml');
    return out === 'subPath: fallback' ? null : `got ${JSON.stringify(out)}`;
  },
  TestMerge: (f) => {
    const dict = yamlToGo(f.literal_maps!.find((m) => m.var === 'dict')!.value) as Values;
    const t = new Template('test', { funcs: helmFuncMap() });
    try {
      t.parse('{{merge .dst .src1 .src2}}').execute(dict);
    } catch (err) {
      return (err as Error).message;
    }
    const want = JSON.stringify(f.literal_maps!.find((m) => m.var === 'expected')!.value, Object.keys(f.literal_maps!.find((m) => m.var === 'expected')!.value as object).sort());
    const got = JSON.stringify(toPlain(dict.get('dst')), Object.keys(toPlain(dict.get('dst')) as object).sort());
    return got === want ? null : `got ${got}`;
  }
};

function toPlain(v: GoValue | undefined): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]));
  if (Array.isArray(v)) return v.map(toPlain);
  if (v && typeof v === 'object' && 'value' in v) return Number((v as { value: bigint }).value);
  return v;
}

describe('helm engine facts (helm/helm pkg/engine/engine_test.go)', () => {
  test('all facts', () => {
    const results: { id: string; ok: boolean; detail: string }[] = [];
    for (const f of FACTS) {
      const fn = CASES[f.test_function];
      let detail: Outcome;
      if (!fn) detail = 'not expressible';
      else {
        try {
          detail = fn(f);
        } catch (err) {
          detail = `threw: ${(err as Error).message}`;
        }
      }
      results.push({ id: f.test_function, ok: detail === null, detail: detail ?? '' });
    }
    const passed = results.filter((r) => r.ok).length;
    console.log(`helm-engine: ${passed} passed, ${results.length - passed} failed`);
    for (const r of results) if (!r.ok) console.log(`${r.id}: ${r.detail.slice(0, 500)}`);
    const unexpected = results.filter((r) => !r.ok && !(r.id in known)).map((r) => `${r.id}: ${r.detail}`);
    const fixed = results.filter((r) => r.ok && r.id in known).map((r) => r.id);
    expect(unexpected).toEqual([]);
    expect(fixed).toEqual([]);
  });
});
