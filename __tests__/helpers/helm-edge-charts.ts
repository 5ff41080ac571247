/**
 * Edge-case charts for the differential test against real Helm: each bug found on real charts (kubeVersion
 * constraints with spaces, glob patterns with dashes, `tpl ""` nested in `tpl`, schema references, `file://`
 * dependencies, whitespace and null output), Helm's environment (Capabilities, flags), and generated families
 * (template expressions one by one, document separators and white space in every combination).
 * Everything is written under one folder; each case names the command line `helm template` runs there.
 */
import { writeTree } from './temp-repo.js';
import type { DiffCase } from './helm-differential.js';

type Files = Record<string, string | Buffer>;

interface Edge {
  id: string;
  files: Files;
  args?: string[];
  /** Chart folder inside the case (default "chart"). */
  chart?: string;
  dependencyBuild?: boolean;
}

const chartYaml = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

const configMap = (name: string, data: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${data}`;

function chart(name: string, templates: Record<string, string>, rest: Files = {}, extraChartYaml = ''): Files {
  const files: Files = { 'chart/Chart.yaml': chartYaml(name, extraChartYaml) };
  for (const [k, v] of Object.entries(templates)) files[`chart/templates/${k}`] = v;
  for (const [k, v] of Object.entries(rest)) files[k.startsWith('/') ? k.slice(1) : `chart/${k}`] = v;
  return files;
}

const KUBE_CM = configMap('kube', '  version: {{ .Capabilities.KubeVersion.Version | quote }}\n');

const BUG_CASES: Edge[] = [
  // kubeVersion constraints with a space after the operator (they never matched in the Chart.yaml check)
  { id: 'kubeVersion ">= 1.19.0-0"', files: chart('kv-space', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: ">= 1.19.0-0"\n') },
  { id: 'kubeVersion ">= 1.16, < 2.0"', files: chart('kv-range', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: ">= 1.16, < 2.0"\n') },
  { id: 'kubeVersion ">=1.25.0-0" at the default version', files: chart('kv-default', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: ">=1.25.0-0"\n') },
  { id: 'kubeVersion "<1.20.0" fails', files: chart('kv-old', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: "<1.20.0"\n') },
  { id: 'kubeVersion with --kube-version 1.29', files: chart('kv-flag', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: ">=1.28.0-0 <1.30.0-0"\n'), args: ['--kube-version', '1.29'] },
  { id: 'kubeVersion excluded by --kube-version', files: chart('kv-flag-no', { 'cm.yaml': KUBE_CM }, {}, 'kubeVersion: ">= 1.30.0-0"\n'), args: ['--kube-version', 'v1.29.3'] },
  // glob patterns with a dash
  {
    id: '.helmignore line with a dash',
    files: chart('ignore-dash', { 'cm.yaml': configMap('files', '  names: {{ range $k, $v := .Files }}{{ $k }} {{ end }}\n') }, {
      '.helmignore': 'kube-prometheus-*.tgz\n*.md\nsub-dir/\n',
      'kube-prometheus-1.0.tgz': 'not a chart',
      'README.md': 'readme',
      'sub-dir/a.txt': 'a',
      'keep-me.txt': 'kept'
    })
  },
  {
    id: '.Files.Glob with a dash in the folder',
    files: chart('glob-dash', {
      'cm.yaml': configMap('init', '{{- (.Files.Glob "files/docker-entrypoint-initdb.d/*.sql.gz").AsConfig | nindent 2 }}\n'),
      'secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: bin\ndata:\n{{- (.Files.Glob "files/**.bin").AsSecrets | nindent 2 }}\n'
    }, {
      'files/docker-entrypoint-initdb.d/01-init.sql.gz': 'create table a;\n',
      'files/docker-entrypoint-initdb.d/02-seed.sql': 'insert;\n',
      'files/other/x.sql.gz': 'other\n',
      'files/blob/data.bin': Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80, 10])
    })
  },
  {
    id: '.Files.Glob with a malformed pattern matches every file',
    files: chart('glob-bad', { 'cm.yaml': configMap('all', '{{- (.Files.Glob "files/[").AsConfig | nindent 2 }}\n') }, { 'files/a.txt': 'a\n', 'b.txt': 'b\n' })
  },
  {
    id: '--show-only a template with a dash',
    files: chart('show-dash', { 'my-config.yaml': configMap('mine', '  a: "1"\n'), 'other.yaml': configMap('other', '  b: "2"\n') }),
    args: ['--show-only', 'templates/my-config.yaml']
  },
  {
    id: '--show-only a glob with a dash',
    files: chart('show-dash-glob', { 'my-config.yaml': configMap('mine', '  a: "1"\n'), 'my-other.yaml': configMap('other', '  b: "2"\n'), 'zz.yaml': configMap('zz', '  c: "3"\n') }),
    args: ['--show-only', 'templates/my-*']
  },
  // tpl of an empty text inside tpl
  {
    id: 'tpl "" nested in tpl',
    files: chart('tpl-empty', { 'cm.yaml': configMap('tpl', '  a: {{ tpl "x{{ tpl \\"\\" . }}y" . | quote }}\n  b: {{ tpl "" . | quote }}\n  c: {{ tpl "{{ tpl .Values.inner . }}" . | quote }}\n') }, { 'values.yaml': 'inner: ""\n' })
  },
  {
    id: 'tpl defining and including a template',
    files: chart('tpl-define', { 'cm.yaml': configMap('tpl', '  a: {{ tpl "{{ define \\"t1\\" }}T1{{ end }}{{ include \\"t1\\" . }}-{{ .Release.Name }}" . | quote }}\n') })
  },
  // values.schema.json references
  {
    id: 'schema with a urn: reference',
    files: chart('schema-urn', { 'cm.yaml': configMap('s', '  port: {{ .Values.port | quote }}\n') }, {
      'values.yaml': 'port: 80\n',
      'values.schema.json': '{"type":"object","properties":{"port":{"$ref":"urn:example:port"}}}'
    })
  },
  {
    id: 'schema with a local reference, violated',
    files: chart('schema-local', { 'cm.yaml': configMap('s', '  port: {{ .Values.port | quote }}\n') }, {
      'values.yaml': 'port: -5\n',
      'values.schema.json': '{"$defs":{"port":{"type":"integer","minimum":1}},"type":"object","properties":{"port":{"$ref":"#/$defs/port"}},"required":["port","name"]}'
    })
  },
  {
    id: 'schema with a remote reference, skipped by --skip-schema-validation',
    files: chart('schema-remote', { 'cm.yaml': configMap('s', '  port: {{ .Values.port | quote }}\n') }, {
      'values.yaml': 'port: 80\n',
      'values.schema.json': '{"type":"object","properties":{"port":{"$ref":"https://schemas.invalid/port.json"}}}'
    }),
    args: ['--skip-schema-validation']
  },
  // file:// dependencies (real Helm runs `helm dependency build` first)
  {
    id: 'file:// dependency',
    dependencyBuild: true,
    files: {
      ...chart('app', { 'cm.yaml': configMap('app', '  common: {{ .Values.common.x | quote }}\n') }, { 'values.yaml': 'common:\n  x: overridden\n' },
        'dependencies:\n  - name: common\n    version: "~1.2.0"\n    repository: file://../lib/common\n'),
      'lib/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.2.3\n',
      'lib/common/values.yaml': 'x: from-common\ny: kept\n',
      'lib/common/templates/cm.yaml': configMap('{{ .Release.Name }}-common', '  x: {{ .Values.x | quote }}\n  y: {{ .Values.y | quote }}\n'),
      'lib/common/.helmignore': 'ignored.txt\n',
      'lib/common/ignored.txt': 'x'
    }
  },
  {
    id: 'file:// dependency with a version that does not match',
    dependencyBuild: true,
    files: {
      ...chart('app-bad', { 'cm.yaml': configMap('app', '  a: "1"\n') }, {}, 'dependencies:\n  - name: common\n    version: "~2.0.0"\n    repository: file://../lib/common\n'),
      'lib/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.2.3\n'
    }
  },
  // white space and nulls in the output
  {
    id: 'trailing blank lines inside documents',
    files: chart('blank-lines', {
      'a.yaml': `${configMap('a', '  x: "1"\n')}\n\n\n`,
      'b.yaml': `\n\n${configMap('b', '  x: "1"\n')}\n\n---\n\n${configMap('c', '  y: |\n    line\n\n')}\n\n\n---\n\n---\n${configMap('d', '  z: "z"')}`,
      'c.yaml': '   \n\n',
      'd.yaml': '# only a comment\n\n'
    })
  },
  {
    id: 'separators Helm splits: ---apiVersion, --- # comment, ---\\t',
    files: chart('separators', {
      'a.yaml': `${configMap('a', '  x: "1"\n')}---${configMap('b', '  x: "2"\n')}--- # comment\n${configMap('c', '  x: "3"\n')}---\t\n${configMap('d', '  x: "4"\n')}`,
      'b.yaml': `---\n---\n${configMap('e', '  x: "5"\n')}   \n---   \n   ${configMap('f', '  x: "6"\n')}`
    })
  },
  {
    id: 'keys with null values',
    files: chart('nulls', {
      'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  strategy:\n    {{- toYaml .Values.strategy | nindent 4 }}\n  template:\n    spec:\n      rollingUpdate: null\n      tolerations: ~\n      containers: []\n',
      'cm.yaml': configMap('n', '  a: {{ .Values.missing | quote }}\n  b: {{ .Values.strategy.rollingUpdate | quote }}\n  c: {{ toJson .Values.strategy | quote }}\n')
    }, { 'values.yaml': 'strategy:\n  type: RollingUpdate\n  rollingUpdate: null\n  other: ~\n' }),
    args: ['--set', 'strategy.extra=null']
  },
  {
    id: 'chart default nil in a subchart (printf of a nil value)',
    files: chart('parent', {}, {
      'charts/child/Chart.yaml': chartYaml('child'),
      'charts/child/values.yaml': 'keyMapping:\n  password: null\n',
      'charts/child/templates/test.yaml': '# {{- if hasKey .Values.keyMapping "password" -}}{{- printf "subPath: %s" (index .Values.keyMapping "password") -}}{{- else -}}subPath: fallback{{- end }}\n'
    })
  },
  {
    id: 'null in parent values deletes subchart defaults, globals too',
    files: chart('nullsub', { 'values.yaml': 'g: {{ toJson .Values | quote }}\n' }, {
      'values.yaml': 'global:\n  hash:\n    key1: null\n    key3: 13\nchild:\n  hash:\n    key1: null\n    key3: 13\n',
      'charts/child/Chart.yaml': chartYaml('child'),
      'charts/child/values.yaml': 'global:\n  hash:\n    key1: 1\n    key2: 2\nhash:\n  key1: 1\n  key2: 2\n',
      'charts/child/templates/values.yaml': '{{ toYaml .Values }}\n'
    }, 'dependencies:\n  - name: child\n    version: 0.1.0\n')
  }
];

const ENV_CASES: Edge[] = [
  {
    id: 'Capabilities by default',
    files: chart('caps', {
      'cm.yaml': configMap('caps', '  kube: {{ .Capabilities.KubeVersion | quote }}\n  major: {{ .Capabilities.KubeVersion.Major | quote }}\n  minor: {{ .Capabilities.KubeVersion.Minor | quote }}\n  git: {{ .Capabilities.KubeVersion.GitVersion | quote }}\n  helm: {{ .Capabilities.HelmVersion.Version | quote }}\n  build: {{ .Capabilities.HelmVersion | quote }}\n  apis: {{ .Capabilities.APIVersions | toJson | quote }}\n  batch: {{ .Capabilities.APIVersions.Has "batch/v1" | quote }}\n  psp: {{ .Capabilities.APIVersions.Has "policy/v1beta1/PodSecurityPolicy" | quote }}\n  semver: {{ semverCompare ">= 1.19.0-0" .Capabilities.KubeVersion.Version | quote }}\n  semver2: {{ semverCompare ">= 1.16, < 2.0" .Capabilities.KubeVersion.GitVersion | quote }}\n')
    })
  },
  {
    id: 'Capabilities with --kube-version and --api-versions',
    files: chart('caps-flags', { 'cm.yaml': configMap('caps', '  kube: {{ .Capabilities.KubeVersion | quote }}\n  minor: {{ .Capabilities.KubeVersion.Minor | quote }}\n  foo: {{ .Capabilities.APIVersions.Has "foo.example/v1" | quote }}\n  kind: {{ .Capabilities.APIVersions.Has "foo.example/v1/Bar" | quote }}\n') }),
    args: ['--kube-version', '1.27.4', '--api-versions', 'foo.example/v1,foo.example/v1/Bar', '-a', 'x/v2']
  },
  { id: 'invalid --kube-version', files: chart('caps-bad', { 'cm.yaml': KUBE_CM }), args: ['--kube-version', 'banana'] },
  {
    id: 'release name, namespace, revision and chart fields',
    files: chart('release', { 'cm.yaml': configMap('{{ .Release.Name }}', '  ns: {{ .Release.Namespace }}\n  rev: {{ .Release.Revision | quote }}\n  install: {{ .Release.IsInstall | quote }}\n  upgrade: {{ .Release.IsUpgrade | quote }}\n  service: {{ .Release.Service }}\n  chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n  app: {{ .Chart.AppVersion | quote }}\n  root: {{ .Chart.IsRoot | quote }}\n  tmpl: {{ .Template.Name }} {{ .Template.BasePath }}\n') }, {}, 'appVersion: "1.10"\ndescription: d\n'),
    args: ['my-release', '--namespace', 'prod', '--is-upgrade']
  },
  {
    id: 'hooks, test hooks and unknown hooks',
    files: chart('hooks', {
      'job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pre\n  annotations:\n    "helm.sh/hook": pre-install,pre-upgrade\n    "helm.sh/hook-weight": "-5"\n',
      'test.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  annotations:\n    helm.sh/hook: test\n',
      'odd.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\n  annotations:\n    helm.sh/hook: not-a-hook\n',
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n',
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n'
    })
  },
  {
    id: 'hooks with --skip-tests',
    files: chart('hooks-skip', {
      'test.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: test\n  annotations:\n    helm.sh/hook: test\n',
      'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n'
    }),
    args: ['--skip-tests']
  },
  {
    id: 'CRDs with --include-crds',
    files: chart('crds', { 'cr.yaml': 'apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n' }, {
      'crds/thing.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n\n',
      'crds/notes.txt': 'not a crd'
    }),
    args: ['--include-crds']
  },
  {
    id: 'subcharts: alias, condition, tags, import-values',
    files: chart('deps', { 'cm.yaml': configMap('deps', '  imported: {{ toJson .Values.imported | quote }}\n  data: {{ toJson .Values.data | quote }}\n') }, {
      'values.yaml': 'second:\n  enabled: false\ntags:\n  extra: false\n',
      'charts/sub/Chart.yaml': chartYaml('sub'),
      'charts/sub/values.yaml': 'exports:\n  data:\n    from: sub\nshared:\n  x: 1\n',
      'charts/sub/templates/cm.yaml': configMap('{{ .Chart.Name }}-{{ .Release.Name }}', '  x: {{ .Values.shared.x | quote }}\n'),
      'charts/tagged/Chart.yaml': chartYaml('tagged'),
      'charts/tagged/templates/cm.yaml': configMap('tagged', '  t: "1"\n')
    }, 'dependencies:\n  - name: sub\n    version: 0.1.0\n    import-values:\n      - data\n      - child: shared\n        parent: imported\n  - name: sub\n    alias: second\n    version: 0.1.0\n    condition: second.enabled\n  - name: tagged\n    version: 0.1.0\n    tags: [extra]\n')
  },
  {
    id: 'lookup and NOTES.txt',
    files: chart('lookup', {
      'cm.yaml': configMap('l', '  found: {{ if (lookup "v1" "Secret" "ns" "name") }}"yes"{{ else }}"no"{{ end }}\n  len: {{ len (lookup "v1" "Pod" "" "") | quote }}\n'),
      'NOTES.txt': 'Thanks {{ .Release.Name }}\n'
    })
  },
  {
    id: '--set, --set-string, --set-json, --set-literal and -f',
    files: chart('sets', { 'cm.yaml': configMap('sets', '  all: {{ toJson .Values | quote }}\n') }, { 'values.yaml': 'base: 1\nlist: [x]\n', 'extra.yaml': 'base: 2\nnested:\n  a: 1\n---\nsecond: doc\n' }),
    args: ['-f', 'chart/extra.yaml', '--set', 'list[0]=a,list[2]=c,n=5,f=1.5,b=true,e=', '--set-string', 'num=010,t=true', '--set-json', 'obj={"a":[1,2],"b":null}', '--set-literal', 'lit=a,b=c']
  },
  {
    id: 'required and fail',
    files: chart('required', { 'cm.yaml': configMap('r', '  a: {{ required "a value is required" .Values.a | quote }}\n') })
  },
  {
    id: 'a library subchart',
    files: chart('uselib', { 'cm.yaml': '{{ include "lib.cm" . }}\n' }, {
      'charts/lib/Chart.yaml': chartYaml('lib', 'type: library\n'),
      'charts/lib/templates/_cm.tpl': '{{- define "lib.cm" -}}\n' + configMap('from-lib', '  n: {{ .Chart.Name | quote }}') + '\n{{- end -}}\n'
    })
  }
];

/** Template expressions, one chart each: Sprig and Helm functions, formatting and YAML/JSON round trips. */
const SNIPPETS = [
  'toYaml .Values', 'toYaml .Values.nums', 'toJson .Values', 'toJson .Values.nums', 'toToml .Values.map', 'toYaml (fromYaml "a: [1, 2]\\nb: {c: d}")',
  'toJson (fromJson "{\\"a\\": 1.0, \\"b\\": 1e21}")', 'fromYamlArray "- 1\\n- two"', 'fromJsonArray "[1, \\"x\\", null]"', 'toYaml (fromYaml "a: :")',
  'b64enc "hello"', 'b64dec "aGVsbG8="', 'sha256sum "x"', 'adler32sum "x"', 'upper "abc"', 'title "hello world"', 'trunc 3 "abcdef"', 'trimSuffix "-" "a-"',
  'quote 1 2.5 true nil', 'squote "a"', 'printf "%v %d %s %q %5.2f" .Values.nums.int 3 "s" "q" 3.14159', 'printf "%v" .Values.map', 'printf "%v" .Values.list',
  'print .Values.nums.big', 'print .Values.nums.float', 'print 1e6', 'print 0.1', 'int64 "12"', 'atoi "42"', 'float64 "1.5"', 'toString 1.0',
  'add 1 2 3', 'mul 2.5 2', 'div 7 2', 'mod 7 3', 'max 1 5 3', 'floor 1.7', 'round 2.345 2', 'until 4', 'untilStep 0 10 3', 'seq 1 3',
  'list 1 "a" nil | toJson', 'dict "b" 1 "a" 2 | toJson', 'keys .Values.map | sortAlpha', 'values (dict "a" (list 1 2)) | toJson', 'pick .Values.map "a" | toJson',
  'omit .Values.map "a" | toJson', 'merge (dict "a" 1) (dict "a" 2 "b" 3) | toJson', 'mergeOverwrite (dict "a" 1) (dict "a" 2) | toJson', 'deepCopy .Values.map | toJson',
  'hasKey .Values.map "a"', 'dig "map" "a" "none" .Values', 'get .Values.map "a"', 'set (dict) "k" "v" | toJson', 'unset (dict "k" 1) "k" | toJson',
  'first .Values.list', 'last .Values.list', 'rest .Values.list | toJson', 'initial .Values.list | toJson', 'reverse .Values.list | toJson', 'uniq (list 1 1 2) | toJson',
  'without .Values.list "b" | toJson', 'has "b" .Values.list', 'compact (list "" "a" nil) | toJson', 'concat .Values.list (list "z") | toJson', 'join "," .Values.list',
  'splitList "," "a,b,,c" | toJson', 'split "," "a,b" | toJson', 'regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"', 'regexFind "[0-9]+" "abc123def"',
  'regexSplit "z+" "pizza" -1 | toJson', 'semver "1.2.3-rc.1+b" | toJson', 'semverCompare "^1.2.0" "1.9.0"', 'semverCompare ">= 1.19.0-0" "v1.35.0"',
  'indent 2 "a\\nb"', 'nindent 2 "a\\nb"', 'replace "a" "b" "aaa"', 'repeat 3 "ab"', 'substr 1 3 "abcdef"', 'contains "b" "abc"', 'hasPrefix "a" "abc"',
  'cat "a" nil "b"', 'wrap 5 "hello world again"', 'camelcase "foo_bar"', 'snakecase "FooBar"', 'kebabcase "FooBar"', 'plural "one" "many" 2',
  'default "d" .Values.missing', 'default "d" ""', 'empty .Values.emptyMap', 'coalesce nil "" "x"', 'ternary "y" "n" true', 'typeOf .Values.nums.int',
  'kindOf .Values.list', 'typeIs "string" "x"', 'toStrings (list 1 2) | toJson', 'sortAlpha (list "b" "a" "C") | toJson', 'htpasswd "u" "p" | len',
  'include "missing" .', 'tpl "{{ .Values.nums.int }}" .', 'tpl "{{ .Values.missing.deeper }}" .', 'required "r" .Values.missing', 'fail "stop"',
  'index .Values.list 5', '.Values.map.a.b', 'len .Values.nums.int', 'mustToJson .Values', 'mustFromJson "{bad"', 'toYaml "yes"', 'toYaml (list "on" "0x1F" "1_000" "1e3" "null" "~")',
  'toYaml (dict "k" "a: b" "m" "line1\\nline2" "e" "" "s" " lead")', 'toJson (dict "html" "<a>&" "u" "é")', 'toYaml .Values.strs', 'toJson .Values.strs'
];

const SNIPPET_VALUES = [
  'nums:\n  int: 42\n  big: 12345678901234567890\n  float: 1.5e10\n  neg: -0.0\n  oct: 0o17\n  hex: 0x1F\n',
  'map:\n  a: 1\n  b: [1, 2]\n  c: {d: e}\n',
  'list: [a, b, c]\nemptyMap: {}\n',
  'strs:\n  - "yes"\n  - "on"\n  - "1.0"\n  - "012"\n  - "2024-01-01"\n  - "multi\\nline"\n  - ""\n  - " "\n  - "#hash"\n  - "a: b"\n'
].join('');

function snippetCases(): Edge[] {
  return SNIPPETS.map((expr, i) => ({
    id: `expression ${i + 1}: ${expr}`,
    files: chart(`snippet-${i + 1}`, { 'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\ndata:\n  out: {{ ${expr} | toString | quote }}\n  raw: |\n    {{- ${expr} | toString | nindent 4 }}\n` }, { 'values.yaml': SNIPPET_VALUES })
  }));
}

/** Documents with 0-3 blank lines before and after, and separators in each form Helm accepts. */
function whitespaceCases(): Edge[] {
  const out: Edge[] = [];
  const seps = ['---\n', '\n---\n', '---   \n', '\n\n---\n\n'];
  for (const [si, sep] of seps.entries()) {
    const templates: Record<string, string> = {};
    for (let before = 0; before <= 3; before++) {
      for (let after = 0; after <= 3; after++) {
        const doc = (n: string) => `${'\n'.repeat(before)}${configMap(`cm-${n}`, `  v: |\n    text\n${'\n'.repeat(after)}`)}${'\n'.repeat(after)}`;
        templates[`t-${before}-${after}.yaml`] = `${doc('a')}${sep}${doc('b')}`;
      }
    }
    out.push({ id: `white space around documents, separator ${JSON.stringify(sep)}`, files: chart(`ws-${si}`, templates) });
  }
  return out;
}

/** Writes every edge case under `root`; returns the cases to run there. */
export function edgeCases(root: string): DiffCase[] {
  const all = [...BUG_CASES, ...ENV_CASES, ...snippetCases(), ...whitespaceCases()];
  return all.map((e, i) => {
    const dir = `case-${i + 1}`;
    const files: Files = {};
    for (const [k, v] of Object.entries(e.files)) files[`${dir}/${k}`] = v;
    writeTree(root, files);
    const chartDir = `${dir}/${e.chart ?? 'chart'}`;
    const args = [...(e.args ?? [])];
    // a release name given first stays first, as `helm template NAME CHART`
    const named = args.length > 0 && !args[0].startsWith('-') ? [args.shift()!] : [];
    const adjusted = args.map((a, j) => (j > 0 && (args[j - 1] === '-f' || args[j - 1] === '--values') ? `${dir}/${a}` : a));
    return {
      id: `edge: ${e.id}`,
      cwd: root,
      args: [...named, chartDir, ...adjusted],
      ...(e.dependencyBuild ? { dependencyBuild: { copy: [dir], chart: chartDir } } : {})
    };
  });
}
