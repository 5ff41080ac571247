import { describe, expect, test } from '@jest/globals';
import {
  CallContext, GoInt, GoStruct, GoValue, Template, TemplateError, byteSlice, defineFunc, fromJS, goByte, goInt, toJS, typeOf, withGoType
} from '../../src/render/gotemplate/index.js';

const helpers = { typeOf: defineFunc({ params: ['interface {}'], result: 'string' }, (v: GoValue) => typeOf(v)) };
const run = (text: string, data: unknown = null, opts: string[] = []): string =>
  new Template('t', { options: opts, funcs: helpers }).parse(text).execute(data);

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('gotemplate: language', () => {
  test('trim markers, comments and negative numbers', () => {
    expect(run('{{23 -}} < {{- 45}}')).toBe('23<45');
    expect(run('a  {{- /* c */ -}}  b')).toBe('ab');
    expect(run('{{-3}}')).toBe('-3');
    expect(run('x\n  {{- "y" }}\n')).toBe('xy\n');
  });

  test('control structures', () => {
    const data = fromJS({ m: { b: 2, a: 1 }, l: ['x', 'y', 'z'], n: 0 }, 'int');
    expect(run('{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}', data)).toBe('a=1;b=2;');
    expect(run('{{range $i, $e := .l}}{{if eq $i 1}}{{continue}}{{end}}{{$e}}{{end}}', data)).toBe('xz');
    expect(run('{{range .l}}{{.}}{{break}}{{end}}', data)).toBe('x');
    expect(run('{{range 3}}{{.}}{{end}}')).toBe('012');
    expect(run('{{with .n}}A{{else with .l}}{{len .}}{{end}}', data)).toBe('3');
    expect(run('{{if .n}}A{{else if .l}}B{{else}}C{{end}}', data)).toBe('B');
    expect(run('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}')).toBe('2');
    expect(run('{{define "a"}}[{{.}}]{{end}}{{template "a" 5}}{{block "b" 6}}<{{.}}>{{end}}')).toBe('[5]<6>');
    expect(() => run('{{break}}')).toThrow(/\{\{break\}\} outside \{\{range\}\}/);
  });

  test('and/or short-circuit and return operands', () => {
    const t = new Template('t').funcs({ boom: () => { throw new Error('boom'); } });
    expect(t.parse('{{or 0 "x" boom}} {{and 1 0 boom}}').execute(null)).toBe('x 0');
  });

  test('missing keys and nil', () => {
    const data = fromJS({ a: null, x: 1 }, 'float64');
    expect(run('{{.missing}}', data)).toBe('<no value>');
    expect(run('{{.missing}}', data, ['missingkey=zero'])).toBe('<no value>');
    expect(errorOf(() => run('{{.missing}}', data, ['missingkey=error'])).message).toBe(
      'template: t:1:2: executing "t" at <.missing>: map has no entry for key "missing"'
    );
    // Helm's trap: .a.b with a missing errors under missingkey=zero, (.a).b does not.
    expect(errorOf(() => run('{{.nope.b}}', data, ['missingkey=zero'])).message).toBe(
      'template: t:1:7: executing "t" at <.nope.b>: nil pointer evaluating interface {}.b'
    );
    expect(run('{{(.nope).b}}', data, ['missingkey=zero'])).toBe('<no value>');
    expect(errorOf(() => run('{{.a.b}}', data)).message).toContain('nil pointer evaluating interface {}.b');
    expect(run('{{print nil .a .missing}}', data)).toBe('<nil> <nil> <nil>');
    expect(run('{{html .a}}', data)).toBe('&lt;no value&gt;');
  });

  test('numbers keep their Go kind', () => {
    const json = fromJS({ n: 1234567, f: 1.5 }, 'float64');
    expect(run('{{.n}} {{.f}} {{typeOf .n}}', json)).toBe('1.234567e+06 1.5 float64');
    const yaml = fromJS({ n: 1234567 }, 'int64');
    expect(run('{{.n}} {{printf "%T" .n}}', yaml)).toBe('1234567 int64');
    expect(errorOf(() => run('{{eq .n 1}}', json)).message).toBe(
      'template: t:1:2: executing "t" at <eq .n 1>: error calling eq: incompatible types for comparison: float64 and int'
    );
    expect(run('{{eq .n 1234567}}', yaml)).toBe('true');
    expect(run('{{printf "%d|%5.2f|%x|%q" 42 3.14159 255 "a"}}')).toBe('42| 3.14|ff|"a"');
    expect(run('{{1e6}} {{0.00001}} {{3.0}} {{0x10}} {{\'a\'}}')).toBe('1e+06 1e-05 3 16 97');
  });

  test('printing composite values', () => {
    const data = fromJS({ m: { b: [1, 'x', null], a: true } }, 'int');
    expect(run('{{.m}}', data)).toBe('map[a:true b:[1 x <nil>]]');
    expect(run('{{printf "%v|%+v" .s .s}}', new Map([['s', new GoStruct('main.S', { A: goInt(1), B: 'b' })]]))).toBe('{1 b}|{A:1 B:b}');
  });
});

describe('gotemplate: API', () => {
  test('funcs receive Go values and a CallContext (include / tpl)', () => {
    const t = new Template('root').funcs({
      include: defineFunc({ params: ['string', 'interface {}'], result: 'string' }, function (this: CallContext, name: GoValue, data: GoValue) {
        return this.executeTemplate(name as string, data);
      }),
      tpl: defineFunc({ params: ['string', 'interface {}'], result: 'string' }, function (this: CallContext, text: GoValue, data: GoValue) {
        return this.executeText('inline', text as string, data);
      }),
      typeOf: (v: GoValue) => typeOf(v),
      upper: defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => (s as string).toUpperCase())
    });
    t.parse('{{define "h"}}<{{.}}>{{end}}{{include "h" .x | upper}} {{tpl "{{.x}}!" .}} {{typeOf .x}}');
    expect(t.execute(fromJS({ x: 'v' }))).toBe('<V> v! string');
    // typed parameters produce Go's errors
    const up = defineFunc({ params: ['string'], result: 'string' }, (s: GoValue) => s);
    expect(errorOf(() => new Template('e').funcs({ up }).parse('{{up 1}}').execute(null)).message).toBe(
      'template: e:1:5: executing "e" at <1>: expected string; found 1'
    );
    expect(errorOf(() => new Template('e').funcs({ up }).parse('{{.n | up}}').execute(fromJS({ n: 1 }))).message).toBe(
      'template: e:1:7: executing "e" at <up>: wrong type for value; expected string; got float64'
    );
  });

  test('function errors are wrapped like Go', () => {
    const t = new Template('f').funcs({ fail: () => { throw new Error('bad thing'); } }).parse('x{{fail}}');
    const e = errorOf(() => t.execute(null));
    expect(e.message).toBe('template: f:1:3: executing "f" at <fail>: error calling fail: bad thing');
    expect(e.partialOutput).toBe('x');
  });

  test('parse errors, lookup, clone, delims, executeTemplate', () => {
    expect(errorOf(() => new Template('p').parse('{{if}}')).message).toBe('template: p:1: missing value for if');
    expect(errorOf(() => new Template('p').parse('{{nofunc}}')).message).toBe('template: p:1: function "nofunc" not defined');
    const t = new Template('a').parse('{{define "b"}}B{{end}}A');
    expect(t.lookup('b')?.execute(null)).toBe('B');
    const c = t.clone();
    c.parse('{{define "b"}}C{{end}}A');
    expect(t.executeTemplate('b', null)).toBe('B');
    expect(c.executeTemplate('b', null)).toBe('C');
    expect(new Template('d').delims('<<', '>>').parse('<<.>>{{.}}').execute('x')).toBe('x{{.}}');
    expect(errorOf(() => t.executeTemplate('zz', null)).message).toBe('template: no template "zz" associated with template "a"');
  });

  test('fromJS / toJS', () => {
    const v = fromJS({ a: [1, 2.5, 'x', null, { b: true }] }, 'int64');
    const a = (v as Map<string, GoValue>).get('a') as GoValue[];
    expect(a[0]).toBeInstanceOf(GoInt);
    expect(typeof a[1]).toBe('number');
    expect(toJS(v)).toEqual({ a: [1, 2.5, 'x', null, { b: true }] });
    expect(typeOf(fromJS({}, 'float64'))).toBe('map[string]interface {}');
    expect(typeOf(withGoType([goInt(1)], '[]int'))).toBe('[]int');
    // plain objects are converted (as float64 numbers) by execute
    expect(new Template('j').parse('{{.n}}').execute({ n: 1e6 })).toBe('1e+06');
  });
});

describe('gotemplate: provenance', () => {
  test('segments map output to template and source line', () => {
    const set2 = new Template('helpers.tpl').parse('{{define "lbl"}}app: x\nteam: y{{end}}');
    const t = set2.new('deploy.yaml').parse('kind: A\nname: {{ .name }}\n{{ template "lbl" . }}\nend\n');
    const { output, segments } = t.executeWithProvenance(fromJS({ name: 'n' }));
    expect(output).toBe('kind: A\nname: n\napp: x\nteam: y\nend\n');
    // segments are contiguous and cover the whole output
    let pos = 0;
    for (const s of segments) {
      expect(s.start).toBe(pos);
      pos = s.end;
    }
    expect(pos).toBe(output.length);
    const at = (needle: string) => {
      const off = output.indexOf(needle);
      return segments.find((s) => s.start <= off && off < s.end);
    };
    expect(at('kind')).toMatchObject({ template: 'deploy.yaml', source: 'deploy.yaml', line: 1, kind: 'text' });
    expect(at('n\n')).toMatchObject({ template: 'deploy.yaml', line: 2, kind: 'action' });
    expect(at('app')).toMatchObject({ template: 'lbl', source: 'helpers.tpl', line: 1 });
    expect(at('team')).toMatchObject({ template: 'lbl', source: 'helpers.tpl', line: 2 });
    expect(at('end')).toMatchObject({ template: 'deploy.yaml', line: 4 });
    // no provenance cost unless requested
    expect(t.execute(fromJS({ name: 'n' }))).toBe(output);
  });
});

describe('gotemplate: limits', () => {
  test('template recursion depth', () => {
    const t = new Template('r').parse('{{define "loop"}}{{template "loop" .}}{{end}}{{template "loop" .}}');
    const e = errorOf(() => t.execute(null, { maxDepth: 50 }));
    expect(e.message).toContain('exceeded maximum template depth (50)');
    expect(e.kind).toBe('limit');
    // default: Go's limit wording (the JS stack may end the recursion first)
    expect(errorOf(() => t.execute(null)).message).toContain('exceeded maximum template depth (100000)');
  });

  test('include loops through functions share the depth budget', () => {
    const t = new Template('i').funcs({
      include: defineFunc({ params: ['string', 'interface {}'] }, function (this: CallContext, n: GoValue, d: GoValue) {
        return this.executeTemplate(n as string, d);
      })
    }).parse('{{define "x"}}{{include "x" .}}{{end}}{{include "x" .}}');
    const e = errorOf(() => t.execute(null, { maxDepth: 20 }));
    expect(e.message).toContain('exceeded maximum template depth (20)');
  });

  test('output size limit', () => {
    const t = new Template('o').parse('{{range 1000}}0123456789{{end}}');
    const e = errorOf(() => t.execute(null, { maxOutputLength: 500 }));
    expect(e.kind).toBe('limit');
    expect(e.message).toContain('output exceeds the limit of 500 characters');
    expect(t.execute(null, { maxOutputLength: 10000 }).length).toBe(10000);
  });

  test('deadline', () => {
    const t = new Template('d').parse('{{range 100000}}{{.}}{{end}}');
    const e = errorOf(() => t.execute(null, { deadline: Date.now() - 1 }));
    expect(e.kind).toBe('limit');
    expect(e.message).toContain('execution deadline exceeded');
  });
});

describe('gotemplate: byte slices', () => {
  const bytes = byteSlice(Buffer.from('hi\u00ff'));

  test('print as Go prints []byte: decimal with %v and %d, flags applied per element, text with %s and %x', () => {
    expect(run('{{printf "%v" .}}', bytes)).toBe('[104 105 195 191]');
    expect(run('{{printf "%d" .}}|{{.}}', bytes)).toBe('[104 105 195 191]|[104 105 195 191]');
    expect(run('{{printf "%4v" .}}', bytes)).toBe('[ 104  105  195  191]');
    expect(run('{{printf "%#v" .}}', bytes)).toBe('[]byte{0x68, 0x69, 0xc3, 0xbf}');
    expect(run('{{printf "%s|%x" . .}}', bytes)).toBe('hiÿ|6869c3bf');
    expect(run('{{printf "%v" .}}', fromJS({ f: bytes }))).toBe('map[f:[104 105 195 191]]');
  });

  test('bytes are shared values: a slice of a million bytes holds no object per byte', () => {
    const big = byteSlice(Buffer.alloc(1_000_000, 7));
    expect(new Set(big).size).toBe(1);
    expect(big[0]).toBe(goByte(7));
    expect(goByte(7)).toEqual(new GoInt('uint8', 7));
    expect(run('{{len .}} {{index . 999999}}', big)).toBe('1000000 7');
  });
});
