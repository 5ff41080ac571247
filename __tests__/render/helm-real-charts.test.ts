/**
 * Each renderer bug found on real charts, reproduced: Helm's environment (the KubeVersion released Helm reports),
 * kubeVersion constraints with spaces, glob patterns with dashes (.helmignore, .Files.Glob, --show-only), `tpl ""`
 * inside `tpl`, values.schema.json references outside the chart, `file://` dependencies, and the output's white
 * space and nulls as released Helm prints them.
 */
import { describe, expect, test } from '@jest/globals';
import { runTemplate } from '../../src/cli/template.js';
import { runHelmJob } from '../../src/render/helm-worker.js';
import { DEFAULT_KUBE_VERSION, parseKubeVersion } from '../../src/render/helm/engine.js';
import { goPathMatch } from '../../src/render/helm/glob.js';
import { HELM_MAIN_TEST_BUILD, HelmRenderError, renderChart, type ChartRender, type HelmBuild, type RenderChartOptions } from '../../src/render/helm/index.js';
import { RepoFiles } from '../../src/repo/files.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const chartYaml = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

function repoWith(files: Record<string, string | Buffer>): RepoFiles {
  const root = tempDir('gg-helm-real-');
  writeTree(root, files);
  return new RepoFiles(root);
}

function render(files: Record<string, string | Buffer>, options: Partial<RenderChartOptions> = {}, chart = 'c'): ChartRender {
  return renderChart(repoWith(files), chart, { releaseName: 'r', namespace: 'n', ...options });
}

function renderError(files: Record<string, string | Buffer>, options: Partial<RenderChartOptions> = {}, chart = 'c'): HelmRenderError {
  try {
    render(files, options, chart);
  } catch (err) {
    if (err instanceof HelmRenderError) return err;
    throw err;
  }
  throw new Error('the render succeeded');
}

function content(r: ChartRender, source: string): string[] {
  return r.manifests.filter((m) => m.source === source).map((m) => m.content);
}

function template(root: string, args: string[], build?: HelmBuild): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runTemplate(args, { cwd: root, stdout: (s) => (out += s), stderr: (s) => (err += s), ...(build ? { build } : {}) });
  return { code, out, err };
}

const KUBE = 'kind: ConfigMap\nv: {{ .Capabilities.KubeVersion.Version }}\n';

describe("Helm's environment", () => {
  test('the default KubeVersion is what released Helm 4.1.4 reports: v1.35.0', () => {
    expect(DEFAULT_KUBE_VERSION).toBe('v1.35.0');
    const r = render({ 'c/Chart.yaml': chartYaml('c', 'kubeVersion: ">=1.25.0-0"\n'), 'c/templates/a.yaml': 'kind: ConfigMap\nv: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.HelmVersion.Version }}\n' });
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nv: v1.35.0 1.35 v4.1.4']);
    expect(r.capabilities.kubeVersion).toEqual({ version: 'v1.35.0', normalized: 'v1.35.0', major: '1', minor: '35' });
  });
  test('kubeVersion and apiVersions options work as --kube-version and --api-versions', () => {
    const files = { 'c/Chart.yaml': chartYaml('c'), 'c/templates/a.yaml': 'kind: ConfigMap\nv: {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion }} {{ .Capabilities.APIVersions.Has "x.io/v1" }}\n' };
    expect(content(render(files, { kubeVersion: '1.29', apiVersions: ['x.io/v1'] }), 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nv: v1.29 v1.29 true']);
    expect(content(render(files, { kubeVersion: 'v1.33.4-gke.1245000' }), 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nv: v1.33.4-gke.1245000 v1.33.4 false']);
    expect(() => parseKubeVersion('banana')).toThrow(`invalid kube version 'banana': could not parse "banana" as version`);
  });
  test('`template` keeps the same default, and the build default can be set (Helm test builds report v1.20.0)', () => {
    const root = tempDir('gg-helm-real-');
    writeTree(root, { 'c/Chart.yaml': chartYaml('c'), 'c/templates/a.yaml': KUBE });
    expect(template(root, ['c']).out).toBe('---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nv: v1.35.0\n');
    expect(template(root, ['c'], HELM_MAIN_TEST_BUILD).out).toBe('---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nv: v1.20.0\n');
    expect(template(root, ['c', '--kube-version', '1.31.2'], HELM_MAIN_TEST_BUILD).out).toBe('---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nv: v1.31.2\n');
  });
});

describe('kubeVersion constraints with a space after the operator', () => {
  for (const constraint of ['>= 1.19.0-0', '>= 1.16, < 2.0', '>= 1.19.0-0 < 1.36.0-0', '>=1.25.0-0']) {
    test(`"${constraint}" matches the default version`, () => {
      const r = render({ 'c/Chart.yaml': chartYaml('c', `kubeVersion: "${constraint}"\n`), 'c/templates/a.yaml': KUBE });
      expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nv: v1.35.0']);
    });
  }
  test('a constraint the version does not meet fails with Helm\'s message', () => {
    const err = renderError({ 'c/Chart.yaml': chartYaml('c', 'kubeVersion: ">= 1.19.0-0 < 1.30.0-0"\n'), 'c/templates/a.yaml': KUBE });
    expect(err.helmMessage).toBe('chart requires kubeVersion: >= 1.19.0-0 < 1.30.0-0 which is incompatible with Kubernetes v1.35.0');
    expect(err.file).toBe('c/Chart.yaml');
  });
});

describe('glob patterns with a dash', () => {
  test('Go path.Match patterns with a dash compile and match', () => {
    expect(goPathMatch('kube-prometheus-*.tgz', 'kube-prometheus-45.1.0.tgz')).toBe(true);
    expect(goPathMatch('kube-prometheus-*.tgz', 'kube-prometheus.tgz')).toBe(false);
    expect(goPathMatch('templates/my-config.yaml', 'templates/my-config.yaml')).toBe(true);
  });
  test('a .helmignore line with a dash ignores the file instead of failing the chart', () => {
    const r = render({
      'c/Chart.yaml': chartYaml('c'),
      'c/.helmignore': 'kube-prometheus-*.tgz\n',
      'c/kube-prometheus-45.1.0.tgz': 'x',
      'c/keep-me.txt': 'k',
      'c/templates/a.yaml': 'kind: ConfigMap\nfiles: {{ range $k, $v := .Files }}{{ $k }} {{ end }}\n'
    });
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nfiles: .helmignore keep-me.txt']);
  });
  test('.Files.Glob with a dash in the folder matches only its files (no bogus keys, no duplicate-key)', () => {
    const r = render({
      'c/Chart.yaml': chartYaml('c'),
      'c/files/docker-entrypoint-initdb.d/01-init.sql.gz': 'create;\n',
      'c/files/docker-entrypoint-initdb.d/02-seed.sql': 'seed;\n',
      'c/files/other/01-init.sql.gz': 'other;\n',
      'c/templates/a.yaml': 'kind: ConfigMap\ndata:\n{{- (.Files.Glob "files/docker-entrypoint-initdb.d/*.sql.gz").AsConfig | nindent 2 }}\n'
    });
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\ndata:\n  01-init.sql.gz: |\n    create;']);
  });
  test('--show-only takes a template path with a dash', () => {
    const root = tempDir('gg-helm-real-');
    writeTree(root, { 'c/Chart.yaml': chartYaml('c'), 'c/templates/my-config.yaml': 'kind: ConfigMap\nname: mine\n', 'c/templates/other.yaml': 'kind: ConfigMap\nname: other\n' });
    expect(template(root, ['c', '--show-only', 'templates/my-config.yaml'])).toEqual({ code: 0, out: '---\n# Source: c/templates/my-config.yaml\nkind: ConfigMap\nname: mine\n', err: '' });
  });
});

describe('tpl of an empty text', () => {
  test('`tpl ""` inside `tpl` renders nothing instead of running the outer text again', () => {
    const r = render({ 'c/Chart.yaml': chartYaml('c'), 'c/values.yaml': 'inner: ""\n', 'c/templates/a.yaml': 'kind: ConfigMap\na: {{ tpl "x{{ tpl \\"\\" . }}y" . }}\nb: {{ tpl "{{ tpl .Values.inner . }}z" . }}\n' });
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\na: xy\nb: z']);
  });
});

describe('values.schema.json references outside the chart', () => {
  const schema = (ref: string) => JSON.stringify({ type: 'object', properties: { port: { $ref: ref }, name: { type: 'string' } } });
  test('a remote $ref checks nothing for its part and says so; the rest of the schema still applies', () => {
    const files = { 'c/Chart.yaml': chartYaml('c'), 'c/values.yaml': 'port: not-a-number\nname: web\n', 'c/values.schema.json': schema('https://schemas.example.com/port.json'), 'c/templates/a.yaml': 'kind: ConfigMap\nport: {{ .Values.port }}\n' };
    const r = render(files);
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap\nport: not-a-number']);
    expect(r.unchecked).toEqual(['c/values.schema.json: $ref "https://schemas.example.com/port.json" points outside the chart, which Helm would fetch and a render does not (no network): the values it describes were not checked against it']);
    const bad = renderError({ ...files, 'c/values.yaml': 'port: 1\nname: 5\n' });
    expect(bad.helmMessage).toBe("values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/name': got number, want string\n");
  });
  test('references inside the document are kept and checked', () => {
    const files = {
      'c/Chart.yaml': chartYaml('c'),
      'c/values.yaml': 'port: -5\n',
      'c/values.schema.json': JSON.stringify({ $defs: { port: { type: 'integer', minimum: 1 } }, type: 'object', properties: { port: { $ref: '#/$defs/port' } } }),
      'c/templates/a.yaml': 'kind: ConfigMap\n'
    };
    expect(renderError(files).helmMessage).toBe("values don't meet the specifications of the schema(s) in the following chart(s):\nc:\n- at '/port': minimum: got -5, want 1\n");
  });
  test('skipSchemaValidation checks no schema and notes nothing, as --skip-schema-validation', () => {
    const r = render({ 'c/Chart.yaml': chartYaml('c'), 'c/values.yaml': 'name: 5\n', 'c/values.schema.json': schema('urn:example:port'), 'c/templates/a.yaml': 'kind: ConfigMap\n' }, { skipSchemaValidation: true });
    expect(r.unchecked).toEqual([]);
    expect(content(r, 'c/templates/a.yaml')).toEqual(['kind: ConfigMap']);
  });
  test('the render process passes the notes on to the scan', () => {
    const root = tempDir('gg-helm-real-');
    writeTree(root, { 'c/Chart.yaml': chartYaml('c'), 'c/values.schema.json': schema('urn:example:port'), 'c/templates/a.yaml': 'kind: ConfigMap\n' });
    const result = runHelmJob({ id: 1, root, maxFileBytes: 1 << 20, chartDir: 'c', options: { releaseName: 'r', namespace: 'n' } });
    expect(result).toMatchObject({ ok: true, unchecked: [expect.stringContaining('$ref "urn:example:port" points outside the chart')] });
  });
});

describe('file:// dependencies', () => {
  const lib = {
    'lib/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.2.3\n',
    'lib/common/values.yaml': 'x: from-common\n',
    'lib/common/templates/cm.yaml': 'kind: ConfigMap\nname: {{ .Release.Name }}-common\nx: {{ .Values.x }}\n'
  };
  const app = (version: string, repository = 'file://../lib/common') =>
    chartYaml('app', `dependencies:\n  - name: common\n    version: "${version}"\n    repository: ${repository}\n`);
  test('a dependency missing from charts/ is loaded from its folder, as `helm dependency build` packages it', () => {
    const r = render({ ...lib, 'app/Chart.yaml': app('~1.2.0'), 'app/values.yaml': 'common:\n  x: overridden\n' }, {}, 'app');
    expect(content(r, 'app/charts/common/templates/cm.yaml')).toEqual(['kind: ConfigMap\nname: r-common\nx: overridden']);
    expect(r.templateOrigins['app/charts/common/templates/cm.yaml']).toBe('lib/common/templates/cm.yaml');
  });
  test('a version the folder does not have fails as the build does', () => {
    expect(renderError({ ...lib, 'app/Chart.yaml': app('~2.0.0') }, {}, 'app').helmMessage).toBe(
      `can't get a valid version for 1 subchart(s): "common" (repository "file://../lib/common", version "~2.0.0"). Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml`
    );
  });
  test('a folder outside the repository is refused', () => {
    const err = renderError({ ...lib, 'app/Chart.yaml': app('~1.2.0', 'file://../../outside') }, {}, 'app');
    expect(err.helmMessage).toBe('path "../outside" leaves the repository');
  });
});

describe('output as released Helm prints it', () => {
  test('blank lines at the end of a document are not kept; keys with null values are', () => {
    const root = tempDir('gg-helm-real-');
    writeTree(root, {
      'c/Chart.yaml': chartYaml('c'),
      'c/values.yaml': 'strategy:\n  type: RollingUpdate\n  rollingUpdate: null\n',
      'c/templates/a.yaml': 'kind: Deployment\nspec:\n  strategy:\n    {{- toYaml .Values.strategy | nindent 4 }}\n  other: null\n\n\n---\n\nkind: Service\n\n'
    });
    // (as the real binary prints it: Service sorts before Deployment)
    expect(template(root, ['c']).out).toBe('---\n# Source: c/templates/a.yaml\nkind: Service\n---\n# Source: c/templates/a.yaml\nkind: Deployment\nspec:\n  strategy:\n    rollingUpdate: null\n    type: RollingUpdate\n  other: null\n');
  });
  test('a render error hints at --debug, as Helm 4.1 does once the release exists', () => {
    const root = tempDir('gg-helm-real-');
    writeTree(root, { 'c/Chart.yaml': chartYaml('c'), 'c/templates/a.yaml': 'kind: ConfigMap\nx: {{ .Values.a.b }}\n' });
    expect(template(root, ['c']).err).toBe('Error: c/templates/a.yaml:2:13\n  executing "c/templates/a.yaml" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b\n\nUse --debug flag to render out invalid YAML\n');
  });
});
