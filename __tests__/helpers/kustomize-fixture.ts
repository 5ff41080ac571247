/** Fixture repositories for the kustomize/targets tests: real folders under os.tmpdir(). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RepoFiles } from '../../src/repo/files.js';

export interface FixtureRepo {
  root: string;
  repo: RepoFiles;
  write(rel: string, content: string | Buffer): void;
  remove(): void;
}

/** Creates a repository folder holding `files` (repo-relative path -> content). Lines are kept exactly. */
export function makeFixtureRepo(files: Record<string, string | Buffer>, prefix = 'gitops-gate-test-'): FixtureRepo {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const write = (rel: string, content: string | Buffer): void => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  };
  for (const [rel, content] of Object.entries(files)) write(rel, content);
  return { root, repo: new RepoFiles(root), write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Joins lines with '\n' and a trailing newline, so fixtures read like the files they stand for. */
export const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** The 1-based line of the first line containing `needle` in `text`. */
export function lineOf(text: string, needle: string, from = 1): number {
  const all = text.split('\n');
  for (let i = from - 1; i < all.length; i++) if (all[i].includes(needle)) return i + 1;
  throw new Error(`"${needle}" not found`);
}

/** The GitOps repository most tests use: a base, dev/prod overlays, a component, a chart and plain manifests. */
export const BASE_DEPLOY = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  labels:',
  '    app: web',
  'spec:',
  '  replicas: 1',
  '  selector:',
  '    matchLabels:',
  '      app: web',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: web',
  '    spec:',
  '      containers:',
  '      - name: sidecar',
  '        image: busybox:1.36',
  '      - name: app',
  '        image: nginx:1.25',
  '        securityContext:',
  '          runAsNonRoot: true',
  '        ports:',
  '        - containerPort: 8080'
);

export const BASE_SERVICE = lines(
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: web',
  'spec:',
  '  selector:',
  '    app: web',
  '  ports:',
  '  - port: 80',
  '    targetPort: 8080'
);

export const BASE_KUSTOMIZATION = lines(
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'resources:',
  '- deploy.yaml',
  '- service.yaml',
  'configMapGenerator:',
  '- name: web-config',
  '  files:',
  '  - app.properties',
  '  - extra=extra.txt',
  '  literals:',
  '  - MODE=base',
  '  envs:',
  '  - settings.env'
);

export const PROD_KUSTOMIZATION = lines(
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'namePrefix: prod-',
  'namespace: prod',
  'resources:',
  '- ../../base',
  'components:',
  '- ../../components/monitoring',
  'patches:',
  '- path: privileged.yaml',
  '- target:',
  '    kind: Deployment',
  '    name: web',
  '  patch: |-',
  '    - op: add',
  '      path: /spec/template/spec/hostNetwork',
  '      value: true',
  'patchesStrategicMerge:',
  '- resources.yaml',
  'patchesJson6902:',
  '- target:',
  '    group: apps',
  '    version: v1',
  '    kind: Deployment',
  '    name: web',
  '  path: json-patch.yaml',
  'images:',
  '- name: nginx',
  '  newTag: latest'
);

export const PROD_PRIVILEGED = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - name: app',
  '        securityContext:',
  '          privileged: true'
);

export const PROD_RESOURCES = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '      - name: app',
  '        resources:',
  '          limits:',
  '            memory: 512Mi'
);

export const PROD_JSON_PATCH = lines(
  '- op: replace',
  '  path: /spec/replicas',
  '  value: 5',
  '- op: add',
  '  path: /spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation',
  '  value: true'
);

export const COMPONENT = lines(
  'apiVersion: kustomize.config.k8s.io/v1alpha1',
  'kind: Component',
  'patches:',
  '- path: scrape.yaml'
);

export const COMPONENT_SCRAPE = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    metadata:',
  '      annotations:',
  '        prometheus.io/scrape: "true"'
);

export function standardRepo(): Record<string, string> {
  return {
    'base/kustomization.yaml': BASE_KUSTOMIZATION,
    'base/deploy.yaml': BASE_DEPLOY,
    'base/service.yaml': BASE_SERVICE,
    'base/app.properties': 'color=blue\n',
    'base/extra.txt': 'hello\n',
    'base/settings.env': 'LOG_LEVEL=debug\nDEBUG=true\n',
    'base/unused.yaml': lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: stray'),
    'overlays/dev/kustomization.yaml': lines('resources:', '- ../../base', 'namePrefix: dev-'),
    'overlays/prod/kustomization.yaml': PROD_KUSTOMIZATION,
    'overlays/prod/privileged.yaml': PROD_PRIVILEGED,
    'overlays/prod/resources.yaml': PROD_RESOURCES,
    'overlays/prod/json-patch.yaml': PROD_JSON_PATCH,
    'components/monitoring/kustomization.yaml': COMPONENT,
    'components/monitoring/scrape.yaml': COMPONENT_SCRAPE,
    'charts/app/Chart.yaml': lines('apiVersion: v2', 'name: app', 'version: 0.1.0'),
    'charts/app/values.yaml': lines('replicas: 1'),
    'charts/app/templates/deploy.yaml': lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: {{ .Release.Name }}'),
    'manifests/namespace.yaml': lines('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: tools'),
    'manifests/rbac.yaml': lines('apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: bot', '  namespace: tools'),
    'docs/config.yaml': lines('title: not a manifest')
  };
}
