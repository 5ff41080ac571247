/** Unit tests for src/render/helm: values merging, --set parsing, dependencies, .Files, archives, ordering. */
import { describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { GoInt, type GoValue } from '../../src/render/gotemplate/index.js';
import { RepoFiles } from '../../src/repo/files.js';
import { ArchiveBudget, readTarGz, writeTar } from '../../src/render/helm/archive.js';
import { helmIgnored, loadChart, parseHelmignore } from '../../src/render/helm/chart.js';
import { compileGlob, goPathMatch } from '../../src/render/helm/glob.js';
import { HelmRenderError, renderChart } from '../../src/render/helm/index.js';
import { sortManifests, splitManifests } from '../../src/render/helm/output.js';
import { isCompatibleRange } from '../../src/render/helm/semver.js';
import { parseSet, parseSetJson, parseSetLiteral, parseSetString, type Values } from '../../src/render/helm/values.js';

function tmpRepo(files: Record<string, string | Buffer>): RepoFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-unit-'));
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), c);
  }
  return new RepoFiles(dir);
}

function plain(v: GoValue | undefined): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof GoInt) return `int64:${v.value}`;
  return v;
}

function set(...args: string[]): unknown {
  const m: Values = new Map();
  for (const a of args) parseSet(a, m);
  return plain(m);
}

const chartYaml = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

function render(repo: RepoFiles, opts: Partial<Parameters<typeof renderChart>[2]> = {}, chart = 'c'): Record<string, string> {
  const r = renderChart(repo, chart, { releaseName: 'rel', namespace: 'ns', ...opts });
  return Object.fromEntries(r.manifests.map((m) => [m.source, m.content]));
}

describe('--set parsing (strvals)', () => {
  test('types: int64, bool, null, strings', () => {
    expect(set('a=1,b=true,c=null,d=01,e=1.5,f=,g=0')).toEqual({ a: 'int64:1', b: true, c: null, d: '01', e: '1.5', f: '', g: 'int64:0' });
  });
  test('nesting, lists and indexes', () => {
    expect(set('a.b.c=x', 'l={1,two}', 's[1].port=80')).toEqual({ a: { b: { c: 'x' } }, l: ['int64:1', 'two'], s: [null, { port: 'int64:80' }] });
  });
  test('escaped commas and dots', () => {
    expect(set('a=x\\,y', 'nodeSelector.kubernetes\\.io/role=master')).toEqual({ a: 'x,y', nodeSelector: { 'kubernetes.io/role': 'master' } });
  });
  test('errors as Helm words them', () => {
    expect(() => set('a')).toThrow('key "a" has no value');
    expect(() => set('a,b=1')).toThrow('key "a" has no value (cannot end with ,)');
  });
  test('--set-string, --set-json and --set-literal', () => {
    const m: Values = new Map();
    parseSetString('a=1,b=true', m);
    parseSetJson('j={"x":[1,2]}', m);
    parseSetLiteral('lit=a,b=c', m);
    expect(plain(m)).toEqual({ a: '1', b: 'true', j: { x: [1, 2] }, lit: 'a,b=c' });
  });
});

describe('values merge order and coalescing', () => {
  const files = {
    'c/Chart.yaml': chartYaml('c'),
    'c/values.yaml': 'a: chart\nb: chart\nkeep: 1\ndel: gone\nnested: {x: 1, z: 2}\n',
    'c/templates/v.yaml': '{{ toJson .Values }}\n',
    'f1.yaml': 'a: f1\nb: f1\nnested: {x: 10}\n',
    'f2.yaml': 'b: f2\ndel: null\n',
    'file.txt': 'from-file'
  };
  test('chart < -f files in order < --set-json < --set < --set-string < --set-file < --set-literal; null deletes', () => {
    const out = render(tmpRepo(files), {
      valuesFiles: ['f1.yaml', 'f2.yaml'],
      set: ['s=set', 'o=set'], setString: ['o=string', 'p=string'], setJson: ['s="json"', 'j=1'],
      setFile: ['p=file.txt'], setLiteral: ['p=literal']
    });
    const v = JSON.parse(out['c/templates/v.yaml']);
    expect(v).toEqual({ a: 'f1', b: 'f2', keep: 1, nested: { x: 10, z: 2 }, s: 'set', o: 'string', p: 'literal', j: 1 });
  });
  test('YAML 1.1 scalars as Helm reads them (y is a boolean key, 0644 octal), numbers float64', () => {
    const out = render(tmpRepo({ 'c/Chart.yaml': chartYaml('c'), 'c/values.yaml': 'y: 1\nmode: 0644\non: yes\n', 'c/templates/v.yaml': 'j: {{ toJson .Values }}\nt: {{ printf "%T" .Values.mode }}\nm: {{ .Values.mode }}\n' }));
    expect(out['c/templates/v.yaml']).toBe('j: {"mode":420,"true":true}\nt: float64\nm: 420');
  });
  test('valuesSources in merge order with prefixes', () => {
    const repo = tmpRepo(files);
    const r = renderChart(repo, 'c', { releaseName: 'r', namespace: 'n', valuesFiles: ['f1.yaml', 'f2.yaml'] });
    expect(r.valuesSources.map((s) => [s.file, s.prefix.join('.')])).toEqual([['c/values.yaml', ''], ['f1.yaml', ''], ['f2.yaml', '']]);
    expect(r.valuesSources[1].sourceMap!.locate(['nested', 'x']).location.line).toBe(3);
  });
});

describe('dependencies', () => {
  const files = {
    'c/Chart.yaml': chartYaml('c', `dependencies:
- name: sub
  version: 0.1.0
  condition: sub.enabled
- name: sub
  alias: other
  version: 0.1.0
  tags: [t1]
- name: exp
  version: 0.1.0
  import-values:
  - data
  - child: inner
    parent: imported
`),
    'c/values.yaml': 'global: {g: parent}\nsub: {enabled: true, x: fromparent}\n',
    'c/templates/v.yaml': 'imported: {{ toJson .Values.imported }}\ndata: {{ toJson .Values.fromExports }}\n',
    'c/charts/sub/Chart.yaml': chartYaml('sub'),
    'c/charts/sub/values.yaml': 'x: default\ny: default\n',
    'c/charts/sub/templates/v.yaml': 'name: {{ .Chart.Name }}\nx: {{ .Values.x }}\ng: {{ .Values.global.g }}\n',
    'c/charts/exp/Chart.yaml': chartYaml('exp'),
    'c/charts/exp/values.yaml': 'exports: {data: {fromExports: yes}}\ninner: {k: v}\n'
  };
  test('condition, alias, globals and import-values (both forms)', () => {
    const out = render(tmpRepo(files));
    expect(out['c/charts/sub/templates/v.yaml']).toBe('name: sub\nx: fromparent\ng: parent');
    expect(out['c/charts/other/templates/v.yaml']).toBe('name: other\nx: default\ng: parent');
    expect(out['c/templates/v.yaml']).toBe('imported: {"k":"v"}\ndata: true');
  });
  test('conditions and tags disable subcharts', () => {
    const out = render(tmpRepo(files), { set: ['sub.enabled=false', 'tags.t1=false'] });
    expect(Object.keys(out).sort()).toEqual(['c/templates/v.yaml']);
  });
  test('missing dependency is an error', () => {
    const repo = tmpRepo({ 'c/Chart.yaml': chartYaml('c', 'dependencies:\n- name: nope\n  version: 1.0.0\n'), 'c/templates/a.yaml': 'a: 1\n' });
    expect(() => render(repo)).toThrow('found in Chart.yaml, but missing in charts/ directory: nope');
  });
});

describe('.Files', () => {
  test('Get, Glob, Lines, AsConfig; templates and charts are not files; confined to the chart', () => {
    const repo = tmpRepo({
      'c/Chart.yaml': chartYaml('c'),
      'c/conf/a.txt': 'A\nB\n',
      'c/conf/b.txt': 'bee',
      'c/templates/f.yaml': 'get: {{ .Files.Get "conf/b.txt" }}\nlines: {{ len (.Files.Lines "conf/a.txt") }}\nglob: {{ range $k, $v := .Files.Glob "conf/*" }}{{ $k }} {{ end }}\ntpl: {{ .Files.Get "templates/f.yaml" | len }}\nout: {{ .Files.Get "../secret.txt" | len }}\n',
      'secret.txt': 'top secret'
    });
    const out = render(repo);
    expect(out['c/templates/f.yaml']).toContain('get: bee');
    expect(out['c/templates/f.yaml']).toContain('lines: 2');
    expect(out['c/templates/f.yaml']).toContain('glob: conf/a.txt conf/b.txt ');
    expect(out['c/templates/f.yaml']).toContain('tpl: 0');
    expect(out['c/templates/f.yaml']).toContain('out: 0');
  });
  test('.helmignore', () => {
    const rules = parseHelmignore('*.bak\nsecret/\n', '.helmignore');
    expect(helmIgnored(rules, 'x.bak', false)).toBe(true);
    expect(helmIgnored(rules, 'secret', true)).toBe(true);
    expect(helmIgnored(rules, 'templates/.hidden', false)).toBe(true);
    expect(helmIgnored(rules, 'ok.yaml', false)).toBe(false);
  });
});

describe('archives', () => {
  const tgz = (files: { name: string; data: string; type?: string; linkname?: string }[]): Buffer => gzipSync(writeTar(files));
  test('a subchart .tgz is loaded', () => {
    const sub = tgz([
      { name: 'sub/Chart.yaml', data: chartYaml('sub') },
      { name: 'sub/templates/a.yaml', data: 'kind: ConfigMap\nname: {{ .Chart.Name }}\n' }
    ]);
    const out = render(tmpRepo({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/sub-0.1.0.tgz': sub }));
    expect(out['c/charts/sub/templates/a.yaml']).toBe('kind: ConfigMap\nname: sub');
  });
  test('bombs, parent paths and links are refused', () => {
    const big = gzipSync(writeTar([{ name: 'x/Chart.yaml', data: 'a'.repeat(2048) }]));
    expect(() => readTarGz(big, new ArchiveBudget({ maxTotalBytes: 1024, maxEntryBytes: 4096, maxEntries: 10 }))).toThrow(/larger than the maximum/);
    expect(() => readTarGz(tgz([{ name: 'x/../../etc/passwd', data: 'x' }]))).toThrow('chart illegally references parent directory');
    expect(() => readTarGz(tgz([{ name: '/etc/passwd', data: 'x' }]))).toThrow('chart illegally contains absolute paths');
    expect(() => readTarGz(tgz([{ name: 'x/link', data: '', type: '2', linkname: '/etc/passwd' }]))).toThrow(/link/);
    const many = tgz(Array.from({ length: 20 }, (_, i) => ({ name: `x/f${i}`, data: 'x' })));
    expect(() => readTarGz(many, new ArchiveBudget({ maxTotalBytes: 1 << 20, maxEntryBytes: 1 << 20, maxEntries: 5 }))).toThrow(/entries/);
  });
  test('loadChart of an archive', () => {
    const repo = tmpRepo({ 'a.tgz': tgz([{ name: 'z/Chart.yaml', data: chartYaml('z') }, { name: 'z/values.yaml', data: 'a: 1\n' }]) });
    const c = loadChart(repo, 'a.tgz');
    expect(c.metadata.name).toBe('z');
    expect(plain(c.values)).toEqual({ a: 1 });
  });
});

describe('ordering and output', () => {
  test('files sorted by path, documents split on --- lines, kinds by install order, hooks apart', () => {
    const { manifests, hooks } = sortManifests([
      { name: 'c/templates/b.yaml', content: 'kind: Deployment\nmetadata: {name: d}\n---\nkind: Namespace\n', segments: [] },
      { name: 'c/templates/a.yaml', content: 'kind: Service\n---\nkind: Foo\n---\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n---\nkind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: crd-install\n', segments: [] }
    ]);
    expect(manifests.map((m) => m.head.kind)).toEqual(['Namespace', 'Service', 'Deployment', 'Foo']);
    expect(hooks.map((h) => h.hook)).toEqual(['pre-install']);
    // as released Helm splits: each document trimmed on both sides; `---` right after a newline separates even
    // when text follows it on the line, and a `---` that follows a separator's white space stays content
    expect(splitManifests('a: 1\n\n---\n\nb: 2\n').map((d) => d.content)).toEqual(['a: 1', 'b: 2']);
    expect(splitManifests('\n---\na: 1\n---apiVersion: v1\n--- # c\nx: 2\n---\n\n---\ny: 3\n   ').map((d) => d.content)).toEqual(['a: 1', 'apiVersion: v1', '# c\nx: 2', '---\ny: 3']);
    expect(splitManifests('a: 1\n---\u00a0\n---\n').map((d) => d.content)).toEqual(['a: 1', '']);
  });
  test('engine errors name the file and line', () => {
    const repo = tmpRepo({ 'c/Chart.yaml': chartYaml('c'), 'c/templates/x.yaml': 'a: 1\nb: {{ .Values.a.b }}\n', 'c/values.yaml': '' });
    let err: HelmRenderError | undefined;
    try {
      render(repo);
    } catch (e) {
      err = e as HelmRenderError;
    }
    expect(err).toBeInstanceOf(HelmRenderError);
    expect(err!.file).toBe('c/templates/x.yaml');
    expect(err!.line).toBe(2);
    expect(err!.helmMessage).toContain('nil pointer evaluating interface {}.b');
  });
  test('provenance is relative to each manifest', () => {
    const repo = tmpRepo({ 'c/Chart.yaml': chartYaml('c'), 'c/templates/x.yaml': 'kind: A\n---\nkind: B\nname: {{ "n" }}\n' });
    const r = renderChart(repo, 'c', { releaseName: 'r', namespace: 'n' });
    const b = r.manifests.find((m) => m.content.startsWith('kind: B'))!;
    const seg = b.provenance.find((s) => s.kind === 'action')!;
    expect(b.content.slice(seg.start, seg.end)).toBe('n');
    expect(seg.line).toBe(4);
  });
});

describe('patterns and versions', () => {
  test('Go path.Match and gobwas glob', () => {
    expect(goPathMatch('templates/*.yaml', 'templates/a.yaml')).toBe(true);
    expect(goPathMatch('templates/*', 'templates/sub/a.yaml')).toBe(false);
    expect(compileGlob('conf/**').test('conf/a/b.txt')).toBe(true);
    expect(compileGlob('conf/*.{txt,md}').test('conf/a.md')).toBe(true);
  });
  test('semver ranges', () => {
    expect(isCompatibleRange('^1.2.0', '1.9.0')).toBe(true);
    expect(isCompatibleRange('~1.2.0', '1.3.0')).toBe(false);
    expect(isCompatibleRange('>=1.21-0', 'v1.29.0')).toBe(true);
    expect(isCompatibleRange('>=1.21', '1.25.8-eks-1')).toBe(false);
    expect(isCompatibleRange('', '1.0.0')).toBe(false);
  });
});
