/**
 * Provenance through named templates and untaken branches: output of `include` found again in the printed text
 * (after nindent, quote), the call chain on each segment, the fields each action and call read, and `if`/`with`
 * branches not taken remembered on the next visible output.
 */
import { describe, expect, test } from '@jest/globals';
import { fromJS, Template, type ProvenanceSegment } from '../../src/render/gotemplate/index.js';
import { helmFuncMap } from '../../src/render/helm/funcmap.js';

function render(files: Record<string, string>, main: string, data: unknown) {
  const t = new Template('gotpl', { options: ['missingkey=zero'] });
  t.funcs(helmFuncMap());
  for (const [name, text] of Object.entries(files)) t.new(name).parse(text);
  return t.executeWithProvenance(fromJS(data), { name: main });
}

/** The segment that wrote the first character of `needle` (the `nth` occurrence). */
function segmentOf(output: string, segments: ProvenanceSegment[], needle: string, nth = 1): ProvenanceSegment {
  let off = -1;
  for (let i = 0; i < nth; i++) off = output.indexOf(needle, off + 1);
  const seg = segments.find((s) => s.start <= off && off < s.end);
  if (!seg) throw new Error(`no segment at ${needle}`);
  return seg;
}

function expectContiguous(output: string, segments: ProvenanceSegment[]): void {
  let pos = 0;
  for (const s of segments) {
    expect(s.start).toBe(pos);
    expect(s.end).toBeGreaterThan(s.start);
    pos = s.end;
  }
  expect(pos).toBe(output.length);
}

const helpers = `{{- define "app.labels" -}}
app: {{ .name }}
tier: web
{{- end -}}
{{- define "app.image" -}}
{{ include "lib.image" (dict "root" .Values.image) }}
{{- end -}}
{{- define "lib.image" -}}
{{ printf "%s:%s" .root.repository .root.tag }}
{{- end -}}
`;

describe('include provenance', () => {
  const deploy = `metadata:
  labels: {{- include "app.labels" (dict "name" .Values.name) | nindent 4 }}
spec:
  image: {{ include "app.image" . | quote }}
  plain: {{ .Values.name }}
`;
  const { output, segments } = render({ 'c/templates/_helpers.tpl': helpers, 'c/templates/deploy.yaml': deploy }, 'c/templates/deploy.yaml', {
    Values: { name: 'web', image: { repository: 'nginx', tag: '1.25' } }
  });

  test('the included text keeps its own lines after nindent, with the call that printed it', () => {
    expect(output).toBe('metadata:\n  labels:\n    app: web\n    tier: web\nspec:\n  image: "nginx:1.25"\n  plain: web\n');
    expectContiguous(output, segments);
    expect(segmentOf(output, segments, 'tier')).toMatchObject({
      source: 'c/templates/_helpers.tpl',
      line: 3,
      kind: 'text',
      calls: [{ source: 'c/templates/deploy.yaml', line: 2, template: 'app.labels', reads: ['.Values.name'] }]
    });
    expect(segmentOf(output, segments, 'web')).toMatchObject({ source: 'c/templates/_helpers.tpl', line: 2, kind: 'action', reads: ['.name'] });
    // The indentation nindent added is the caller's action.
    expect(segmentOf(output, segments, '    tier')).toMatchObject({ source: 'c/templates/deploy.yaml', line: 2, kind: 'action' });
  });

  test('nested includes carry the whole chain, outermost first; quotes added by the caller stay the caller', () => {
    expect(segmentOf(output, segments, 'nginx')).toMatchObject({
      source: 'c/templates/_helpers.tpl',
      line: 9,
      reads: ['.root.repository', '.root.tag'],
      calls: [
        { source: 'c/templates/deploy.yaml', line: 4, template: 'app.image' },
        { source: 'c/templates/_helpers.tpl', line: 6, template: 'lib.image', reads: ['.Values.image'] }
      ]
    });
    expect(segmentOf(output, segments, 'nginx').calls?.[0].reads).toBeUndefined();
    expect(segmentOf(output, segments, '"nginx')).toMatchObject({ source: 'c/templates/deploy.yaml', line: 4, kind: 'action' });
  });

  test('an action outside any call has no chain', () => {
    const plain = segmentOf(output, segments, 'web', 3);
    expect(plain).toMatchObject({ source: 'c/templates/deploy.yaml', line: 5, reads: ['.Values.name'] });
    expect(plain.calls).toBeUndefined();
  });

  test('an include whose output is transformed beyond recognition stays one action of the caller', () => {
    const r = render({ 'c/templates/_helpers.tpl': helpers, 'c/templates/x.yaml': 'sum: {{ include "app.labels" (dict "name" "x") | sha256sum }}\n' }, 'c/templates/x.yaml', {});
    expectContiguous(r.output, r.segments);
    expect(r.segments.filter((s) => s.kind === 'action')).toEqual([expect.objectContaining({ source: 'c/templates/x.yaml', line: 1, start: 5, end: 69 })]);
  });

  test('{{ template }} output carries its call too', () => {
    const r = render({ 'c/templates/_helpers.tpl': helpers, 'c/templates/t.yaml': 'labels:\n{{ template "app.labels" (dict "name" "t") }}\n' }, 'c/templates/t.yaml', {});
    expect(segmentOf(r.output, r.segments, 'tier')).toMatchObject({ source: 'c/templates/_helpers.tpl', line: 3, calls: [{ source: 'c/templates/t.yaml', line: 2, template: 'app.labels' }] });
  });
});

describe('skipped branches', () => {
  test('a false `if` is remembered on the next visible output, with what the condition read and the text it would have printed', () => {
    const tpl = `spec:
  {{- if .Values.securityContext.enabled }}
  securityContext:
    runAsNonRoot: true
  {{- end }}
  containers: []
`;
    const { output, segments } = render({ 'c/templates/d.yaml': tpl }, 'c/templates/d.yaml', { Values: { securityContext: { enabled: false } } });
    expect(output).toBe('spec:\n  containers: []\n');
    expect(segments.flatMap((s) => s.skipped ?? [])).toEqual([
      { source: 'c/templates/d.yaml', line: 2, reads: ['.Values.securityContext.enabled'], text: '\n  securityContext:\n    runAsNonRoot: true' }
    ]);
    expect(segmentOf(output, segments, '  containers').skipped).toHaveLength(1);
  });

  test('an else branch not taken is marked; a branch skipped at the end of an include goes with the include into the caller', () => {
    const files = {
      'c/templates/_h.tpl': '{{- define "sc" -}}\nkind: x\n{{- with .ctx }}\nsecurityContext: {{ toYaml . }}\n{{- end }}\n{{- end -}}\n',
      'c/templates/e.yaml': 'a:\n  {{- if .Values.on }}\n  b: 1\n  {{- else }}\n  c: 2\n  {{- end }}\n  d: {{ include "sc" (dict "ctx" .Values.ctx) | nindent 4 }}\n'
    };
    const { output, segments } = render(files, 'c/templates/e.yaml', { Values: { on: true, ctx: {} } });
    expect(output).toBe('a:\n  b: 1\n  d: \n    kind: x\n');
    expectContiguous(output, segments);
    const skipped = segments.flatMap((s) => s.skipped ?? []);
    expect(skipped).toEqual([
      { source: 'c/templates/e.yaml', line: 2, reads: ['.Values.on'], text: '\n  c: 2', else: true },
      { source: 'c/templates/_h.tpl', line: 3, reads: ['.ctx'], text: '\nsecurityContext: ', calls: [{ source: 'c/templates/e.yaml', line: 7, template: 'sc', reads: ['.Values.ctx'] }] }
    ]);
  });

  test('no provenance work without provenance: plain execution prints the same', () => {
    const t = new Template('gotpl');
    t.funcs(helmFuncMap());
    t.new('c/templates/_helpers.tpl').parse(helpers);
    const main = t.new('c/templates/m.yaml').parse('{{ include "app.labels" (dict "name" "m") | nindent 2 }}{{ if false }}x{{ end }}');
    expect(main.execute(fromJS({}))).toBe('\n  app: m\n  tier: web');
  });
});
