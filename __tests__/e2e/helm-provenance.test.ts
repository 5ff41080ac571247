/**
 * Findings of rendered Helm charts land where a person edits: through library helpers (include chains modelled on
 * bitnami's `common`), through a folder subchart and a packaged one, through `if` toggles that dropped a field, and
 * on the template line for values written literally. Each case is a chart on disk scanned by the real pipeline.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { gzipSync } from 'node:zlib';
import { run, type RunResult } from '../../src/run.js';
import { formatPath } from '../../src/objects/types.js';
import { writeTar } from '../../src/render/helm/archive.js';
import { renderHelm } from '../../src/render/helm-target.js';
import { RepoFiles } from '../../src/repo/files.js';
import { removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const WEB = 'charts/web';

const commonChart = {
  [`${WEB}/charts/common/Chart.yaml`]: 'apiVersion: v2\nname: common\nversion: 2.0.0\ntype: library\n',
  [`${WEB}/charts/common/templates/_images.tpl`]: `{{- define "common.images.image" -}}
{{- $registry := default .imageRoot.registry ((.global).imageRegistry) -}}
{{- $separator := ":" -}}
{{- $termination := .imageRoot.tag | toString -}}
{{- if .imageRoot.digest }}
{{- $separator = "@" -}}
{{- $termination = .imageRoot.digest | toString -}}
{{- end -}}
{{- printf "%s/%s%s%s" $registry .imageRoot.repository $separator $termination -}}
{{- end -}}
`,
  [`${WEB}/charts/common/templates/_tplvalues.tpl`]: `{{- define "common.tplvalues.render" -}}
{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) }}
{{- if contains "{{" (toJson .value) }}
{{- tpl $value .context }}
{{- else }}
{{- $value }}
{{- end }}
{{- end -}}
`,
  [`${WEB}/charts/common/templates/_labels.tpl`]: `{{- define "common.labels.standard" -}}
app.kubernetes.io/name: {{ .context.Chart.Name }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
{{- with .customLabels }}
{{ include "common.tplvalues.render" (dict "value" . "context" $.context) }}
{{- end }}
{{- end -}}
`,
  [`${WEB}/charts/common/templates/_names.tpl`]: `{{- define "common.names.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 -}}
{{- end -}}
`
};

const webHelpers = `{{- define "web.image" -}}
{{ include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global) }}
{{- end -}}

{{- define "web.ports" -}}
- containerPort: {{ .port }}
  hostPort: 8080
{{- end -}}
`;

const webDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {{ include "common.names.namespace" . }}
  labels: {{- include "common.labels.standard" (dict "customLabels" .Values.commonLabels "context" $) | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      automountServiceAccountToken: false
      {{- if .Values.podSecurityContext.enabled }}
      securityContext: {{- include "common.tplvalues.render" (dict "value" (omit .Values.podSecurityContext "enabled") "context" $) | nindent 8 }}
      {{- end }}
      containers:
        - name: web
          image: {{ include "web.image" . }}
          {{- if .Values.containerSecurityContext.enabled }}
          securityContext: {{- include "common.tplvalues.render" (dict "value" (omit .Values.containerSecurityContext "enabled") "context" $) | nindent 12 }}
          {{- end }}
          ports:
            - containerPort: {{ .Values.service.port }}
              hostPort: 8080
        - name: sidecar
          image: busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000
          {{- if .Values.containerSecurityContext.enabled }}
          securityContext: {{- include "common.tplvalues.render" (dict "value" (omit .Values.containerSecurityContext "enabled") "context" $) | nindent 12 }}
          {{- end }}
          ports: {{- include "web.ports" (dict "port" .Values.service.port) | nindent 12 }}
`;

const webValues = `global:
  imageRegistry: ""
  automountServiceAccountToken: true
image:
  registry: docker.io
  repository: acme/web
  tag: "1.0"
  digest: ""
replicaCount: 2
commonLabels:
  team: payments
service:
  port: 8080
podSecurityContext:
  enabled: true
  runAsNonRoot: true
  seccompProfile:
    type: RuntimeDefault
containerSecurityContext:
  enabled: true
  runAsNonRoot: true
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
  seccompProfile:
    type: RuntimeDefault
db:
  image:
    tag: "15.1"
cache:
  replicaCount: 1
`;

const prodValues = `podSecurityContext:
  enabled: false
containerSecurityContext:
  enabled: false
`;

const podTemplate = (name: string) => `  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      automountServiceAccountToken: {{ .Values.global.automountServiceAccountToken }}
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: ${name}
          image: {{ include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global) }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
`;

const dbChart = {
  [`${WEB}/charts/db/Chart.yaml`]: 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
  [`${WEB}/charts/db/values.yaml`]: 'image:\n  registry: docker.io\n  repository: acme/db\n  tag: "15.0"\nreplicaCount: 1\n',
  [`${WEB}/charts/db/templates/statefulset.yaml`]: `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: data
spec:
  serviceName: db
  replicas: {{ .Values.replicaCount }}
${podTemplate('db')}`
};

const cacheDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: data
spec:
  replicas: {{ .Values.replicaCount }}
${podTemplate('cache')}`;

function cacheArchive(): Buffer {
  return gzipSync(
    writeTar([
      { name: 'cache/Chart.yaml', data: 'apiVersion: v2\nname: cache\nversion: 1.0.0\n' },
      { name: 'cache/values.yaml', data: 'image:\n  registry: docker.io\n  repository: acme/cache\n  tag: "7.0"\nreplicaCount: 2\n' },
      { name: 'cache/templates/deployment.yaml', data: cacheDeployment }
    ])
  );
}

/** 1-based line of the only line of `text` that contains `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  if (hits.length < nth) throw new Error(`${needle} not found`);
  return hits[nth - 1];
}

let root: string;
let result: RunResult;

beforeAll(async () => {
  root = tempDir('gg-prov-');
  writeTree(root, {
    ...commonChart,
    ...dbChart,
    [`${WEB}/Chart.yaml`]: 'apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.0.0\n  - name: db\n    version: 1.0.0\n  - name: cache\n    version: 1.0.0\n',
    [`${WEB}/values.yaml`]: webValues,
    [`${WEB}/values-prod.yaml`]: prodValues,
    [`${WEB}/templates/_helpers.tpl`]: webHelpers,
    [`${WEB}/templates/deployment.yaml`]: webDeployment,
    [`${WEB}/charts/cache-1.0.0.tgz`]: cacheArchive(),
    // The release is declared in the default namespace, so default-namespace reports the helper-made namespace.
    '.gitops-gate.yaml': `charts:\n  - path: ${WEB}\n    namespace: default\n    values: [[], [${WEB}/values-prod.yaml]]\n`
  });
  result = await run({ root });
}, 60_000);

afterAll(() => removeDir(root));

const DEFAULT = 'helm:charts/web';
const PROD = 'helm:charts/web@prod';

/** The findings of one rule on one object of a target, as path, location and related locations. */
function findings(target: string, ruleId: string, object: string) {
  return result.findings.filter((f) => f.target === target && f.ruleId === ruleId && f.object?.name === object).map((f) => ({ path: formatPath(f.path), location: f.location, related: f.related }));
}

const at = (file: string, line: number, column?: number) => ({ file, line, ...(column ? { column } : {}) });
const rel = (file: string, line: number, label: string) => ({ file, line, label });
const DEPLOYMENT = `${WEB}/templates/deployment.yaml`;
const HELPERS = `${WEB}/templates/_helpers.tpl`;
const IMAGES = `${WEB}/charts/common/templates/_images.tpl`;
const printfLine = lineOf(commonChart[IMAGES], 'printf');

describe('through library helpers', () => {
  test('an image built by common.images.image from a dict of .Values lands on the values line of its tag, with the chain related', () => {
    expect(findings(DEFAULT, 'image-not-pinned-by-digest', 'web')).toEqual([
      {
        path: 'spec.template.spec.containers[0].image',
        location: at(`${WEB}/values.yaml`, lineOf(webValues, 'tag: "1.0"'), 3),
        related: [rel(DEPLOYMENT, lineOf(webDeployment, 'include "web.image"'), 'template'), rel(HELPERS, 2, 'helper'), rel(IMAGES, printfLine, 'dependency helper')]
      }
    ]);
  });

  test('a value with no values origin lands on the call line in the chart, the library line related', () => {
    expect(findings(DEFAULT, 'default-namespace', 'web')).toEqual([
      {
        path: 'metadata.namespace',
        location: at(DEPLOYMENT, lineOf(webDeployment, 'common.names.namespace')),
        related: [rel(`${WEB}/charts/common/templates/_names.tpl`, 2, 'dependency helper')]
      }
    ]);
  });
});

describe('through subcharts', () => {
  test("a folder subchart's value set by the parent lands on the parent's <subchart>.<key> line", () => {
    expect(findings(DEFAULT, 'image-not-pinned-by-digest', 'db')).toEqual([
      {
        path: 'spec.template.spec.containers[0].image',
        location: at(`${WEB}/values.yaml`, lineOf(webValues, 'tag: "15.1"'), 5),
        related: [rel(`${WEB}/charts/db/templates/statefulset.yaml`, lineOf(dbChart[`${WEB}/charts/db/templates/statefulset.yaml`], 'image:'), 'template'), rel(IMAGES, printfLine, 'dependency helper')]
      }
    ]);
  });

  test("a folder subchart's value the parent does not set lands on the subchart's values.yaml", () => {
    expect(findings(DEFAULT, 'deployment-min-replicas', 'db')).toEqual([
      { path: 'spec.replicas', location: at(`${WEB}/charts/db/values.yaml`, 5, 1), related: [rel(`${WEB}/charts/db/templates/statefulset.yaml`, 8, 'template')] }
    ]);
  });

  test("a subchart's .Values.global lands on the parent's global line, for a folder and a packaged subchart", () => {
    const global = at(`${WEB}/values.yaml`, lineOf(webValues, 'automountServiceAccountToken: true'), 3);
    expect(findings(DEFAULT, 'automount-service-account-token', 'db').map((f) => f.location)).toEqual([global]);
    expect(findings(DEFAULT, 'automount-service-account-token', 'cache')).toEqual([
      { path: 'spec.template.spec.automountServiceAccountToken', location: global, related: [rel(`${WEB}/charts/cache-1.0.0.tgz`, 1, `template cache/templates/deployment.yaml:${lineOf(cacheDeployment, 'automountServiceAccountToken')}`)] }
    ]);
  });

  test("a packaged subchart's value set by the parent lands on the parent's values line, the archive entry related", () => {
    expect(findings(DEFAULT, 'deployment-min-replicas', 'cache')).toEqual([
      { path: 'spec.replicas', location: at(`${WEB}/values.yaml`, lineOf(webValues, 'replicaCount: 1'), 3), related: [rel(`${WEB}/charts/cache-1.0.0.tgz`, 1, 'template cache/templates/deployment.yaml:7')] }
    ]);
  });

  test("a packaged subchart's own value lands on the archive, with the entry and the values key named; nothing lands on Chart.yaml:1", () => {
    const archive = `${WEB}/charts/cache-1.0.0.tgz`;
    expect(findings(DEFAULT, 'image-not-pinned-by-digest', 'cache')).toEqual([
      {
        path: 'spec.template.spec.containers[0].image',
        location: at(archive, 1),
        related: [rel(archive, 1, `in archive cache/templates/deployment.yaml:${lineOf(cacheDeployment, 'image:')}`), rel(IMAGES, printfLine, 'dependency helper'), rel(archive, 1, 'values cache.image.tag')]
      }
    ]);
    expect(result.findings.filter((f) => f.location.file.endsWith('Chart.yaml'))).toEqual([]);
  });
});

describe('through toggles', () => {
  const podIf = lineOf(webDeployment, 'if .Values.podSecurityContext.enabled');
  const containerIf = (n: number) => lineOf(webDeployment, 'if .Values.containerSecurityContext.enabled', n);

  test("a pod field dropped by a false `if .Values.podSecurityContext.enabled` lands on that values line, the condition related", () => {
    expect(findings(PROD, 'pss-run-as-non-root', 'web')).toEqual([
      { path: 'spec.template.spec.securityContext.runAsNonRoot', location: at(`${WEB}/values-prod.yaml`, 2, 3), related: [rel(DEPLOYMENT, podIf, 'condition')] }
    ]);
    expect(findings(DEFAULT, 'pss-run-as-non-root', 'web')).toEqual([]);
  });

  test('container fields dropped by the container toggle land on its values line, each container on its own condition', () => {
    expect(findings(PROD, 'pss-allow-privilege-escalation', 'web')).toEqual([
      { path: 'spec.template.spec.containers[1].securityContext.allowPrivilegeEscalation', location: at(`${WEB}/values-prod.yaml`, 4, 3), related: [rel(DEPLOYMENT, containerIf(2), 'condition')] },
      { path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation', location: at(`${WEB}/values-prod.yaml`, 4, 3), related: [rel(DEPLOYMENT, containerIf(1), 'condition')] }
    ]);
  });
});

describe('literal template values', () => {
  test('a hostPort written in the template lands on its template line, not on service.port of the same number', () => {
    expect(findings(DEFAULT, 'pss-host-ports', 'web')).toEqual([
      { path: 'spec.template.spec.containers[1].ports[0].hostPort', location: at(HELPERS, lineOf(webHelpers, 'hostPort: 8080')), related: [rel(DEPLOYMENT, lineOf(webDeployment, 'include "web.ports"'), 'template')] },
      { path: 'spec.template.spec.containers[0].ports[0].hostPort', location: at(DEPLOYMENT, lineOf(webDeployment, 'hostPort: 8080')), related: [] }
    ]);
  });
});

describe('fields no rule reports', () => {
  test('labels from common.labels.standard: a custom label lands on its values line, a label the library writes on the call line', async () => {
    const release = { releaseName: 'web', namespace: 'default', valuesFiles: [], set: [] };
    const out = await renderHelm({ id: DEFAULT, kind: 'helm', path: WEB, inputs: [], renderable: true, helm: release }, new RepoFiles(root), { timeoutMs: 30_000 });
    const web = out.objects.find((o) => o.kind === 'Deployment' && o.name === 'web')!;
    const labelsLine = lineOf(webDeployment, 'common.labels.standard');
    const tplvalues = `${WEB}/charts/common/templates/_tplvalues.tpl`;
    expect(web.sourceMap.locate(['metadata', 'labels', 'team'])).toEqual({
      location: at(`${WEB}/values.yaml`, lineOf(webValues, 'team: payments'), 3),
      related: [rel(DEPLOYMENT, labelsLine, 'template'), rel(tplvalues, lineOf(commonChart[tplvalues], '{{- $value }}'), 'dependency helper')],
      foundPath: ['metadata', 'labels', 'team']
    });
    expect(web.sourceMap.locate(['metadata', 'labels', 'app.kubernetes.io/managed-by'])).toEqual({
      location: at(DEPLOYMENT, labelsLine),
      related: [rel(`${WEB}/charts/common/templates/_labels.tpl`, 3, 'dependency helper')],
      foundPath: ['metadata', 'labels', 'app.kubernetes.io/managed-by']
    });
  });
});
