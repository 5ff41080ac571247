/** The generic check templates, the image reference parser and CEL checks, tested directly. */
import { describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { ruleMatches, runSetRule } from '../../src/analyze/engine.js';
import { ANALYZERS } from '../../src/analyze/relations/index.js';
import { makeObject } from '../../src/objects/manifests.js';
import { objectRefOf } from '../../src/objects/types.js';
import { compileCel, runCelCheck, toCelValue } from '../../src/rules/cel.js';
import { isFromRegistry, parseImageReference } from '../../src/rules/image-reference.js';
import { genericTemplates, parseFieldPath, validateTemplateParams } from '../../src/rules/templates/generic.js';
import type { CheckContext, CheckSettings, RuleDefinition } from '../../src/rules/types.js';
import { kubeMinorOf } from '../../src/rules/templates/api-lifecycle.js';

// image-registry-not-allowed's examples assume this images.allow (its rationale says so).
const settings: CheckSettings = { pss: { level: 'restricted', minor: 37 }, kubeMinor: 35, imagesAllow: ['ghcr.io/acme/**', 'docker.io/library/*'] };
const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function ctxOf(body: Record<string, unknown>): CheckContext {
  return { object: { ...objectRefOf(body), body }, settings };
}

function run(template: string, body: Record<string, unknown>, params: Record<string, unknown> = {}) {
  const t = genericTemplates.find((g) => g.name === template);
  if (!t) throw new Error(`no template ${template}`);
  return t.run(ctxOf(body), params);
}

function deployment(podSpec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop' },
    spec: { ...extra, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: podSpec } }
  };
}

function pod(spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec };
}

describe('parseImageReference', () => {
  test.each([
    ['nginx', { registry: 'docker.io', registryExplicit: false, repository: 'library/nginx', name: 'docker.io/library/nginx' }],
    ['nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    [`ghcr.io/org/app@${DIGEST}`, { registry: 'ghcr.io', registryExplicit: true, repository: 'org/app', digest: DIGEST }],
    ['localhost:5000/app:1', { registry: 'localhost:5000', repository: 'app', tag: '1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['registry:5000/ns/app', { registry: 'registry:5000', repository: 'ns/app' }],
    [`nginx:1.25@${DIGEST}`, { registry: 'docker.io', repository: 'library/nginx', tag: '1.25', digest: DIGEST }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['docker.io/nginx', { registry: 'docker.io', registryExplicit: true, repository: 'library/nginx' }],
    ['index.docker.io/library/nginx:latest', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['registry.example.com:443/team/sub/app:v1.2.3-rc.1', { registry: 'registry.example.com:443', repository: 'team/sub/app', tag: 'v1.2.3-rc.1' }],
    ['my_org/app__x:1', { registry: 'docker.io', repository: 'my_org/app__x', tag: '1' }]
  ])('%s', (raw, expected) => {
    const ref = parseImageReference(raw);
    expect(ref).toMatchObject({ raw, ...expected });
    if (!('tag' in expected)) expect(ref?.tag).toBeUndefined();
    if (!('digest' in expected)) expect(ref?.digest).toBeUndefined();
  });

  test.each([
    '', '   ', 'Nginx:1', 'nginx:', 'nginx@sha256:short', 'nginx:bad tag', 'ghcr.io/', 'a//b', 'nginx@', ':1.0',
    // Digests the runtimes refuse (peer fixtures: kubescape image-not-pinned-to-digest): 63 hex, upper case, a
    // 32-character sha512, an unregistered algorithm.
    `nginx@sha256:${'a'.repeat(63)}`, `nginx@sha256:${'A'.repeat(64)}`, `nginx@sha512:${'a'.repeat(32)}`, `nginx@blake3:${'a'.repeat(64)}`
  ])('%j is not a reference', (raw) => {
    expect(parseImageReference(raw)).toBeUndefined();
  });

  test('allowed registries match hosts and path prefixes at a boundary', () => {
    const ghcr = parseImageReference('ghcr.io/acme/api:1')!;
    expect(isFromRegistry(ghcr, ['ghcr.io'])).toBe(true);
    expect(isFromRegistry(ghcr, ['ghcr.io/acme'])).toBe(true);
    expect(isFromRegistry(ghcr, ['ghcr.io/acme/'])).toBe(true);
    expect(isFromRegistry(ghcr, ['ghcr.io/ac'])).toBe(false);
    expect(isFromRegistry(ghcr, ['ghcr.io.evil.com', 'docker.io'])).toBe(false);
    const hub = parseImageReference('nginx')!;
    expect(isFromRegistry(hub, ['docker.io'])).toBe(true);
    expect(isFromRegistry(hub, ['index.docker.io/library'])).toBe(true);
    expect(isFromRegistry(hub, ['quay.io'])).toBe(false);
  });
});

describe('parseFieldPath', () => {
  test.each([
    ['', []],
    ['spec.template.spec', ['spec', 'template', 'spec']],
    ['containers[0].image', ['containers', 0, 'image']],
    ['metadata.labels["app.kubernetes.io/name"]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ["metadata.annotations['a.b/c'].x", ['metadata', 'annotations', 'a.b/c', 'x']],
    ['rules[2][1]', ['rules', 2, 1]]
  ])('%j', (text, expected) => {
    expect(parseFieldPath(text)).toEqual(expected);
  });

  test.each(['a..b', 'a.', 'a[', 'a[x]', '.a'])('%j is refused', (text) => {
    expect(() => parseFieldPath(text)).toThrow(/invalid field path/);
  });
});

describe('container-field', () => {
  const params = { field: 'securityContext.readOnlyRootFilesystem', equals: true, message: '{container}: {field} is {value}' };

  test('missing and wrong values point at the field in each container', () => {
    const body = deployment({
      initContainers: [{ name: 'init', image: 'x:1', securityContext: { readOnlyRootFilesystem: false } }],
      containers: [
        { name: 'ok', image: 'x:1', securityContext: { readOnlyRootFilesystem: true } },
        { name: 'bare', image: 'x:1' }
      ],
      ephemeralContainers: [{ name: 'debug', image: 'x:1' }]
    });
    expect(run('container-field', body, params)).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'readOnlyRootFilesystem'], message: 'bare: securityContext.readOnlyRootFilesystem is unset' },
      { path: ['spec', 'template', 'spec', 'initContainers', 0, 'securityContext', 'readOnlyRootFilesystem'], message: 'init: securityContext.readOnlyRootFilesystem is false' }
    ]);
  });

  test('containerTypes selects the lists; ephemeral containers on request', () => {
    const body = pod({ initContainers: [{ name: 'i' }], containers: [{ name: 'c', livenessProbe: {} }], ephemeralContainers: [{ name: 'e' }] });
    expect(run('container-field', body, { field: 'livenessProbe', required: true, containerTypes: ['containers'] })).toEqual([]);
    const v = run('container-field', body, { field: 'livenessProbe', required: true, containerTypes: ['ephemeralContainers', 'initContainers'] });
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'initContainers', 0, 'livenessProbe'],
      ['spec', 'ephemeralContainers', 0, 'livenessProbe']
    ]);
  });

  test('forbidden and allowed values; null counts as missing', () => {
    const body = pod({ containers: [{ name: 'a', imagePullPolicy: 'Never' }, { name: 'b', imagePullPolicy: 'Always' }, { name: 'c', imagePullPolicy: null }] });
    expect(run('container-field', body, { field: 'imagePullPolicy', forbidden: ['Never'] }).map((v) => v.path[2])).toEqual([0]);
    expect(run('container-field', body, { field: 'imagePullPolicy', allowed: ['Always'] }).map((v) => v.path[2])).toEqual([0]);
    expect(run('container-field', body, { field: 'imagePullPolicy', allowed: ['Always'], required: true }).map((v) => v.path[2])).toEqual([0, 2]);
  });

  test('objects without a pod template give nothing', () => {
    expect(run('container-field', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: {} }, params)).toEqual([]);
  });

  test('CronJob containers are found under the job template', () => {
    const body = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'x' }] } } } } } };
    expect(run('container-field', body, params)[0].path).toEqual(['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'securityContext', 'readOnlyRootFilesystem']);
  });
});

describe('pod-field and object-field', () => {
  test('pod-field with equals: missing fails at the missing path', () => {
    const params = { field: 'automountServiceAccountToken', equals: false };
    expect(run('pod-field', deployment({ containers: [] }), params)).toEqual([
      { path: ['spec', 'template', 'spec', 'automountServiceAccountToken'], message: 'automountServiceAccountToken is unset, which this rule does not allow.' }
    ]);
    expect(run('pod-field', deployment({ automountServiceAccountToken: false, containers: [] }), params)).toEqual([]);
    expect(run('pod-field', pod({ automountServiceAccountToken: true }), params)[0].path).toEqual(['spec', 'automountServiceAccountToken']);
  });

  test('pod-field default: a missing field is checked as its default', () => {
    const params = { field: 'serviceAccountName', default: 'default', forbidden: ['default'], message: '{field}={value}' };
    expect(run('pod-field', pod({}), params)).toEqual([{ path: ['spec', 'serviceAccountName'], message: 'serviceAccountName=default' }]);
    expect(run('pod-field', pod({ serviceAccountName: 'api' }), params)).toEqual([]);
  });

  test('object-field on the root, with {kind} and {name}', () => {
    const params = { field: 'metadata.namespace', forbidden: ['default'], message: '{kind} {name} in {value}' };
    expect(run('object-field', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }, params)).toEqual([
      { path: ['metadata', 'namespace'], message: 'ConfigMap c in default' }
    ]);
    expect(run('object-field', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, params)).toEqual([]);
  });

  test('structured values compare by content', () => {
    const params = { field: 'spec.strategy', forbidden: [{ type: 'Recreate' }] };
    expect(run('object-field', deployment({}, { strategy: { type: 'Recreate' } }), params)).toHaveLength(1);
    expect(run('object-field', deployment({}, { strategy: { type: 'RollingUpdate' } }), params)).toHaveLength(0);
  });
});

describe('image-reference', () => {
  const body = pod({
    initContainers: [{ name: 'init', image: `ghcr.io/acme/init@${DIGEST}` }],
    containers: [
      { name: 'untagged', image: 'nginx' },
      { name: 'latest', image: 'nginx:latest' },
      { name: 'pinned-latest', image: `nginx:latest@${DIGEST}` },
      { name: 'versioned', image: 'quay.io/acme/app:1.2' },
      { name: 'broken', image: 'Upper/Case:1' },
      { name: 'noimage' }
    ]
  });
  const names = (v: { path: readonly (string | number)[] }[]) => v.map((x) => `${x.path[1]}[${x.path[2]}]`);

  test('requireTag and forbidTags', () => {
    const v = run('image-reference', body, { requireTag: true, forbidTags: ['latest'] });
    expect(names(v)).toEqual(['containers[0]', 'containers[1]']);
    expect(v[0].path).toEqual(['spec', 'containers', 0, 'image']);
    expect(v[0].message).toMatch(/without a tag/);
    expect(v[1].message).toMatch(/mutable tag "latest"/);
  });

  test('requireDigest', () => {
    expect(names(run('image-reference', body, { requireDigest: true }))).toEqual(['containers[0]', 'containers[1]', 'containers[3]']);
  });

  test('allowedRegistries', () => {
    const v = run('image-reference', body, { allowedRegistries: ['ghcr.io', 'docker.io/library'] });
    expect(names(v)).toEqual(['containers[3]']);
    expect(v[0].message).toMatch(/from quay\.io/);
  });

  test('reportInvalid', () => {
    expect(names(run('image-reference', body, { reportInvalid: true }))).toEqual(['containers[4]']);
  });
});

describe('resources', () => {
  test('each missing entry is one violation at its path', () => {
    const body = deployment({
      containers: [
        { name: 'full', resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '1Gi' } } },
        { name: 'partial', resources: { requests: { cpu: '100m' } } },
        { name: 'none' }
      ]
    });
    const v = run('resources', body, { require: ['limits.memory', 'requests.cpu'] });
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'template', 'spec', 'containers', 1, 'resources', 'limits', 'memory'],
      ['spec', 'template', 'spec', 'containers', 2, 'resources', 'limits', 'memory'],
      ['spec', 'template', 'spec', 'containers', 2, 'resources', 'requests', 'cpu']
    ]);
    expect(v[0].message).toBe('Container "partial" has no memory limit (resources.limits.memory).');
  });
});

describe('numeric-bound', () => {
  const params = { field: 'spec.replicas', min: 2, max: 10, default: 1 };
  test.each([
    [3, 0],
    [2, 0],
    [10, 0],
    [1, 1],
    [11, 1],
    ['4', 0],
    ['many', 1],
    [undefined, 1]
  ])('replicas %j gives %i violations', (replicas, count) => {
    const v = run('numeric-bound', deployment({}, replicas === undefined ? {} : { replicas }), params);
    expect(v).toHaveLength(count);
    if (count) expect(v[0].path).toEqual(['spec', 'replicas']);
  });

  test('messages say the bound and the default', () => {
    expect(run('numeric-bound', deployment({}), params)[0].message).toBe('spec.replicas is 1 (the default); it should be between 2 and 10.');
    expect(run('numeric-bound', deployment({}), { field: 'spec.replicas', min: 2 })).toEqual([]);
    expect(run('numeric-bound', deployment({}), { field: 'spec.replicas', min: 2, required: true })[0].message).toBe('spec.replicas is not set.');
  });
});

describe('rbac-rules', () => {
  function role(rules: unknown[], kind = 'ClusterRole'): Record<string, unknown> {
    return { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r' }, rules };
  }

  test('wildcards point at the element', () => {
    const body = role([
      { apiGroups: ['*'], resources: ['pods'], verbs: ['get', '*'] },
      { apiGroups: [''], resources: ['*'], verbs: ['get'] }
    ]);
    expect(run('rbac-rules', body, { forbidWildcards: true }).map((v) => v.path)).toEqual([
      ['rules', 0, 'verbs', 1],
      ['rules', 1, 'resources', 0]
    ]);
    expect(run('rbac-rules', body, { forbidWildcards: ['apiGroups'] }).map((v) => v.path)).toEqual([['rules', 0, 'apiGroups', 0]]);
  });

  test('forbidVerbsOn follows RBAC matching', () => {
    const params = { forbidVerbsOn: [{ resources: ['secrets'], verbs: ['get', 'list', 'watch'] }] };
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]), params)).toEqual([
      { path: ['rules', 0, 'verbs'], message: 'Rule 0 grants list on secrets.' }
    ]);
    expect(run('rbac-rules', role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), params)).toHaveLength(1);
    expect(run('rbac-rules', role([{ apiGroups: ['apps'], resources: ['secrets'], verbs: ['get'] }]), params)).toEqual([]);
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'], verbs: ['get'] }]), params)).toEqual([]);
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['secrets'], verbs: ['create'] }]), params)).toEqual([]);
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }], 'Role'), params)).toEqual([]);
    const noWildcardVerbs = { forbidVerbsOn: [{ resources: ['secrets'], verbs: ['get'], wildcardVerbs: false }] };
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['secrets'], verbs: ['*'] }]), noWildcardVerbs)).toEqual([]);
  });

  test('subresources: */exec matches pods/exec', () => {
    const params = { forbidVerbsOn: [{ resources: ['pods/exec'], verbs: ['create'] }] };
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }]), params)).toHaveLength(1);
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }]), params)).toHaveLength(0);
  });

  test('forbidEscalation: bind, escalate, impersonate written out', () => {
    const params = { forbidEscalation: true };
    expect(run('rbac-rules', role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate'] }]), params)[0].message).toBe(
      'Rule 0 grants escalate on clusterroles.'
    );
    expect(run('rbac-rules', role([{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]), params)).toHaveLength(1);
    expect(run('rbac-rules', role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), params)).toHaveLength(0);
  });

  test('other kinds and missing rules give nothing', () => {
    expect(run('rbac-rules', { kind: 'ClusterRoleBinding', metadata: { name: 'b' } }, { forbidWildcards: true })).toEqual([]);
    expect(run('rbac-rules', { kind: 'ClusterRole', metadata: { name: 'agg' }, aggregationRule: {} }, { forbidWildcards: true })).toEqual([]);
  });
});

describe('ingress-tls', () => {
  function ingress(spec: Record<string, unknown>): Record<string, unknown> {
    return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'shop' }, spec };
  }
  const rule = (host?: string) => (host ? { host, http: { paths: [] } } : { http: { paths: [] } });

  test('no tls at all points at spec.tls', () => {
    expect(run('ingress-tls', ingress({ rules: [rule('a.example.com')] }))).toEqual([
      { path: ['spec', 'tls'], message: 'The Ingress has no TLS (spec.tls), so its traffic is served over plain HTTP.' }
    ]);
    expect(run('ingress-tls', ingress({ defaultBackend: { service: { name: 'x' } } }))).toHaveLength(1);
  });

  test('uncovered hosts point at their rule; wildcards cover one label', () => {
    const body = ingress({
      tls: [{ hosts: ['a.example.com', '*.api.example.com'], secretName: 's' }],
      rules: [rule('a.example.com'), rule('v1.api.example.com'), rule('x.v1.api.example.com'), rule('b.example.com'), rule()]
    });
    const v = run('ingress-tls', body);
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'rules', 2, 'host'],
      ['spec', 'rules', 3, 'host'],
      ['spec', 'rules', 4]
    ]);
  });

  test('a tls entry without hosts covers host-less rules; allowHosts exempts hosts', () => {
    expect(run('ingress-tls', ingress({ tls: [{ secretName: 's' }], rules: [rule()] }))).toEqual([]);
    expect(run('ingress-tls', ingress({ rules: [rule('internal.local')] }), { allowHosts: ['*.local', 'internal.local'] })).toEqual([]);
  });
});

describe('metadata-keys, secret-in-configmap, duplicate-env', () => {
  test('metadata-keys reports each forbidden key at its value, labels or annotations, with a value pattern', () => {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels: { tier: 'public' }, annotations: { 'a.io/x-snippet': 'y', 'a.io/other': 'z', 'a.io/y-snippet': 'w' } } };
    expect(run('metadata-keys', body, { keyPattern: '-snippet$', message: '{key} on {kind} {name}' })).toEqual([
      { path: ['metadata', 'annotations', 'a.io/x-snippet'], message: 'a.io/x-snippet on Service s' },
      { path: ['metadata', 'annotations', 'a.io/y-snippet'], message: 'a.io/y-snippet on Service s' }
    ]);
    expect(run('metadata-keys', body, { field: 'labels', keyPattern: '^tier$', valuePattern: '^public$' }).map((v) => v.path)).toEqual([['metadata', 'labels', 'tier']]);
    expect(run('metadata-keys', body, { field: 'labels', keyPattern: '^tier$', valuePattern: '^internal$' })).toEqual([]);
    expect(() => run('metadata-keys', body, {})).toThrow(/keyPattern is required/);
    expect(() => run('metadata-keys', body, { keyPattern: 'x', field: 'spec' })).toThrow(/annotations or labels/);
  });

  test('secret-in-configmap: secret-named literal values and credential-shaped values anywhere, never quoting them', () => {
    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'n' },
      data: {
        DB_PASSWORD: 'hunter2-long',
        ADMIN_TOKEN: 'true',
        TOKEN_PATH: '/var/run/token',
        'settings.yaml': 'password: set-elsewhere\n',
        'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        'notes.txt': 'clone https://bot:ghp_0123456789abcdefghijklmnopqrstuvwxyz@github.com/x/y\n'
      }
    };
    const v = run('secret-in-configmap', body);
    expect(v.map((x) => x.path)).toEqual([
      ['data', 'DB_PASSWORD'],
      ['data', 'notes.txt']
    ]);
    expect(v[1].message).toBe('ConfigMap key notes.txt holds a GitHub token; keep it in a Secret and reference it from there.');
    expect(v.map((x) => x.message).join(' ')).not.toContain('hunter2');
    expect(run('secret-in-configmap', { ...body, kind: 'Secret' })).toEqual([]);
  });

  test('duplicate-env reports each later entry of a name, in every container list', () => {
    const body = deployment({
      containers: [{ name: 'api', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }, { name: 'A', value: '3' }, { name: 'A', value: '4' }] }],
      initContainers: [{ name: 'init', env: [{ name: 'B', value: '1' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }]
    });
    const v = run('duplicate-env', body);
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'template', 'spec', 'containers', 0, 'env', 2, 'name'],
      ['spec', 'template', 'spec', 'containers', 0, 'env', 3, 'name'],
      ['spec', 'template', 'spec', 'initContainers', 0, 'env', 1, 'name']
    ]);
    expect(v[0].message).toBe('Container "api" sets A again (first at env[0]); the container gets only the last value.');
  });
});

describe('host-path-sensitive, capability-drop', () => {
  test('a host path is sensitive when it is, lies under or holds a listed path; `/` counts only itself', () => {
    const body = pod({
      containers: [{ name: 'c' }],
      volumes: [
        { name: 'sock', hostPath: { path: '/var/run/docker.sock' } },
        { name: 'var', hostPath: { path: '/var/' } },
        { name: 'conf', hostPath: { path: '/etc/nginx' } },
        { name: 'data', hostPath: { path: '/srv/data' } },
        { name: 'root', hostPath: { path: '//' } },
        { name: 'empty', emptyDir: {} }
      ]
    });
    const v = run('host-path-sensitive', body);
    expect(v.map((x) => x.path[2])).toEqual([0, 1, 2, 4]);
    expect(v.map((x) => x.message)).toEqual([
      'Volume "sock" mounts the node\'s /var/run/docker.sock: whoever runs in this pod can take over the node.',
      'Volume "var" mounts the node\'s /var, which holds /var/lib/kubelet: whoever runs in this pod can take over the node.',
      'Volume "conf" mounts the node\'s /etc/nginx, under /etc: whoever runs in this pod can take over the node.',
      'Volume "root" mounts the node\'s /: whoever runs in this pod can take over the node.'
    ]);
    expect(run('host-path-sensitive', body, { paths: ['/srv'] }).map((x) => [x.path[2], /node's (.*): whoever/.exec(x.message)?.[1]])).toEqual([
      [3, '/srv/data, under /srv'],
      [4, '/, which holds /srv']
    ]);
  });

  test('capability-drop: ALL or the capability itself (CAP_ prefix and case ignored); Windows pods pass', () => {
    const body = pod({
      containers: [
        { name: 'a', securityContext: { capabilities: { drop: ['all'] } } },
        { name: 'b', securityContext: { capabilities: { drop: ['CAP_NET_RAW'] } } },
        { name: 'c', securityContext: { capabilities: { drop: ['NET_ADMIN'] } } },
        { name: 'd' }
      ],
      initContainers: [{ name: 'init' }]
    });
    const v = run('capability-drop', body, { capabilities: ['NET_RAW'] });
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'containers', 2, 'securityContext', 'capabilities', 'drop'],
      ['spec', 'containers', 3, 'securityContext', 'capabilities', 'drop'],
      ['spec', 'initContainers', 0, 'securityContext', 'capabilities', 'drop']
    ]);
    expect(v[0].message).toBe('The container c keeps NET_RAW; drop it (or ALL) in securityContext.capabilities.drop.');
    expect(run('capability-drop', pod({ os: { name: 'windows' }, containers: [{ name: 'w' }] }), { capabilities: ['NET_RAW'] })).toEqual([]);
    expect(() => run('capability-drop', body, {})).toThrow(/capabilities must list/);
  });
});

describe('namespace-pss-level', () => {
  const namespace = (level?: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', ...(level ? { labels: { 'pod-security.kubernetes.io/enforce': level } } : {}) } });
  const at = (level: 'baseline' | 'restricted', body: Record<string, unknown>) =>
    genericTemplates.find((g) => g.name === 'namespace-pss-level')!.run({ object: { ...objectRefOf(body), body }, settings: { pss: { level, minor: 37 }, kubeMinor: 35 } }, {});

  test('a label below the scan level is reported at the label; equal, higher, missing or unknown levels are not', () => {
    expect(at('restricted', namespace('baseline'))).toEqual([
      { path: ['metadata', 'labels', 'pod-security.kubernetes.io/enforce'], message: 'The namespace enforces the baseline Pod Security level, below restricted: admission lets in pods that break the restricted level.' }
    ]);
    expect(at('baseline', namespace('privileged'))).toHaveLength(1);
    expect(at('baseline', namespace('baseline'))).toEqual([]);
    expect(at('baseline', namespace('restricted'))).toEqual([]);
    expect(at('restricted', namespace())).toEqual([]);
    expect(at('restricted', namespace('strict'))).toEqual([]);
  });
});

describe('network-policy-open-ingress', () => {
  const policy = (ingress: unknown[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, ingress } });

  test('every source (no from, 0.0.0.0/0, every namespace) on a sensitive port or on every port; named callers pass', () => {
    const v = run(
      'network-policy-open-ingress',
      policy([
        { ports: [{ port: 443 }] },
        { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 6379 }, { port: 5432 }] },
        { from: [{ namespaceSelector: {} }] },
        { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432 }] },
        { from: [{ podSelector: { matchLabels: { app: 'api' } } }] }
      ])
    );
    expect(v).toEqual([
      { path: ['spec', 'ingress', 1], message: 'Ingress rule 1 lets every source in (a peer is 0.0.0.0/0) on ports 6379, 5432.' },
      { path: ['spec', 'ingress', 2], message: 'Ingress rule 2 lets every source in (a peer selects every namespace) on every port, the sensitive ones included.' }
    ]);
    expect(run('network-policy-open-ingress', policy([{ ports: [{ port: 443 }] }]), { ports: [443] }).map((x) => x.path)).toEqual([['spec', 'ingress', 0]]);
    expect(() => run('network-policy-open-ingress', policy([]), { ports: ['http'] })).toThrow(/port numbers/);
  });
});

describe('secret-in-env', () => {
  test('literal secrets are reported at env[j].value; references, files and empty values are not', () => {
    const body = deployment({
      containers: [
        {
          name: 'api',
          env: [
            { name: 'DB_PASSWORD', value: 'hunter2' },
            { name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token' } } },
            { name: 'API_KEY', value: '' },
            { name: 'SECRET_FILE', value: '/run/secret' },
            { name: 'AUTH_TOKEN', value: '$(OTHER_TOKEN)' },
            { name: 'aws_secret_access_key', value: 'abc' },
            { name: 'LOG_LEVEL', value: 'debug' }
          ]
        }
      ],
      initContainers: [{ name: 'init', env: [{ name: 'PRIVATE_KEY', value: '-----BEGIN' }] }]
    });
    const v = run('secret-in-env', body);
    expect(v.map((x) => x.path)).toEqual([
      ['spec', 'template', 'spec', 'containers', 0, 'env', 0, 'value'],
      ['spec', 'template', 'spec', 'containers', 0, 'env', 5, 'value'],
      ['spec', 'template', 'spec', 'initContainers', 0, 'env', 0, 'value']
    ]);
    expect(v[0].message).toBe('Container "api" sets DB_PASSWORD to a literal value; read it from a Secret with valueFrom.secretKeyRef.');
  });

  test('custom name patterns', () => {
    // Values long enough to be credentials: one or two characters are never judged secrets.
    const body = pod({ containers: [{ name: 'c', env: [{ name: 'SIGNING_SEED', value: 'k3Jd92mQz' }, { name: 'DB_PASSWORD', value: 'p4ssw0rd-y' }] }] });
    expect(run('secret-in-env', body, { namePattern: 'SEED' }).map((v) => v.path[4])).toEqual([0]);
    expect(run('secret-in-env', body, { ignoreNamePattern: '^DB_' })).toEqual([]);
  });

  const envOf = (env: { name: string; value: string }[]) => pod({ containers: [{ name: 'c', env }] });
  const flagged = (name: string, value: string) => run('secret-in-env', envOf([{ name, value }])).map((v) => v.message);

  // Every value bitnami/charts writes in a secret-named variable (all 45 hits of the old rule were these), and the
  // other classes of values that configure a secret without holding one.
  test.each([
    ['ALLOW_EMPTY_PASSWORD', 'no'],
    ['RABBITMQ_UPDATE_PASSWORD', 'no'],
    ['RABBITMQ_SECURE_PASSWORD', 'yes'],
    ['PHPMYADMIN_ALLOW_NO_PASSWORD', 'true'],
    ['DB_PASSWORD_SET', 'FALSE'],
    ['REDIS_TLS_AUTH_CLIENTS', 'On'],
    ['CASSANDRA_NUM_TOKENS', '256'],
    ['TOKEN_LIFETIME', '24h'],
    ['API_TOKEN', '1'],
    ['API_TOKEN', '-'],
    ['API_TOKEN', 'none'],
    ['DB_PASSWORD', '   '],
    ['AIRFLOW__API__SECRET_KEY_CMD', 'cat /opt/bitnami/airflow/secrets/airflow-secret-key'],
    ['AIRFLOW__API_AUTH__JWT_SECRET', 'cat /opt/bitnami/airflow/secrets/airflow-jwt-secret-key'],
    ['ADMIN_PASSWORD', 'vault read -field=password kv/db'],
    ['DB_PASSWORD', '/run/secrets/db-password'],
    ['DB_PASSWORD', './secrets/db'],
    ['DB_PASSWORD', 'file:///run/secrets/db'],
    ['AUTH_TOKEN', '$(OTHER_TOKEN)'],
    ['AUTH_TOKEN', '${OTHER_TOKEN}'],
    ['AUTH_TOKEN', '{{ .Values.token }}'],
    ['API_KEY', '<path:kv/data/api#key>'],
    ['API_KEY', 'ref+vault://kv/api#key'],
    ['OIDC_TOKEN_ISSUER', 'https://auth.example.com/realms/shop'],
    ['ETCD_AUTH_TOKEN', 'jwt,priv-key=/opt/bitnami/etcd/certs/token/jwt-token.pem,sign-method=RS256,ttl=10m'],
    ['ETCD_INITIAL_CLUSTER_TOKEN', 'etcd-cluster-k8s'],
    ['REDIS_PASSWORD_FILE', '/opt/bitnami/redis/secrets/redis-password']
  ])('%s=%j is not a secret', (name, value) => {
    expect(flagged(name, value)).toEqual([]);
  });

  test.each([
    ['DB_PASSWORD', 'hunter2'],
    ['DB_PASSWORD', 'changeme'],
    ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['ADMIN_PASSWORD', 'correct horse battery staple'],
    ['DB_CONNECTION_PASSWORD', 'host=db,user=app,password=hunter2'],
    ['API_KEY', 'ab3'],
    ['DB_PASSWORD', 'true-but-not-a-boolean']
  ])('%s=%j is a secret by its name', (name, value) => {
    expect(flagged(name, value)).toEqual([`Container "c" sets ${name} to a literal value; read it from a Secret with valueFrom.secretKeyRef.`]);
  });

  // Known credential formats are reported under any name; the message names the format, never the value.
  test.each([
    ['GH_CONFIG', `gh${'p'}_${'A1b2C3d4E5'.repeat(3)}abcdef`, 'a GitHub token'],
    ['GITHUB_TOKEN_FILE', `github_pat_${'A1b2C3d4E5'.repeat(3)}`, 'a GitHub token'],
    ['CI_SETTINGS', `glpat-${'A1b2C3d4E5'.repeat(2)}`, 'a GitLab token'],
    ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['SLACK_HOOK_CONFIG', 'xoxb-123456789012-EXAMPLE', 'a Slack token'],
    ['PAYMENTS', `sk_live_${'A1b2C3d4E5'.repeat(3)}`, 'a Stripe live key'],
    ['MAPS', `AIza${'A1b2C3d4E5'.repeat(3)}abcde`, 'a Google API key'],
    ['NPMRC_AUTH_PATH', `npm_${'A1b2C3d4E5'.repeat(3)}abcdef`, 'an npm token'],
    ['SESSION', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'a JSON Web Token'],
    ['SIGNING_KEY_PATH', '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----', 'a PEM private key'],
    ['DATABASE_URL', 'postgres://api:hunter2@db.shop.svc:5432/api', 'a URL with a password'],
    ['AUTH_HEADER', 'bearer abc123def', 'an HTTP Authorization credential'],
    ['UPSTREAM_AUTHORIZATION', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'an HTTP Authorization credential']
  ])('%s holds %s whatever its name says', (name, value, shape) => {
    const messages = flagged(name, value);
    expect(messages).toEqual([`Container "c" sets ${name} to what looks like ${shape}; read it from a Secret with valueFrom.secretKeyRef.`]);
    expect(messages[0]).not.toContain(value);
  });

  test('public certificates, URLs with a password reference and credential-free URLs are not secrets', () => {
    expect(flagged('TLS_CERT_PEM', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')).toEqual([]);
    expect(flagged('DATABASE_URL', 'postgres://api:$(DB_PASSWORD)@db:5432/api')).toEqual([]);
    expect(flagged('DATABASE_URL', 'postgres://api@db:5432/api')).toEqual([]);
    expect(flagged('AUTH_HEADER', 'Bearer $(API_TOKEN)')).toEqual([]);
    expect(flagged('AUTH_SCHEME_HEADER', 'Bearer')).toEqual([]);
  });
});

describe('object-namespace', () => {
  const params = { forbidden: ['default'], message: 'written {namespace} {kind}/{name}', releaseMessage: 'release {namespace} {kind}/{name}' };
  const template = genericTemplates.find((g) => g.name === 'object-namespace')!;
  const check = (namespace: string | undefined, extra: Partial<CheckContext['object']> = {}) => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', ...(namespace === undefined ? {} : { namespace }) } };
    return template.run({ object: { ...objectRefOf(body), body, ...extra }, settings }, params);
  };
  const undeclared = { namespace: 'default', namespaceDeclared: false };
  const declaredDefault = { namespace: 'default', namespaceDeclared: true };

  test('manifests and kustomize output: a namespace written as default is reported, none is not', () => {
    expect(check('default')).toEqual([{ path: ['metadata', 'namespace'], message: 'written default ConfigMap/cm' }]);
    expect(check('shop')).toEqual([]);
    expect(check(undefined)).toEqual([]);
  });

  test('a Helm release whose namespace nobody declared: only a namespace the chart or its values wrote is reported', () => {
    // `.Release.Namespace` rendered with the assumed `default`: decided at deploy time, not reported.
    expect(check('default', { release: undeclared, namespaceSource: 'release' })).toEqual([]);
    expect(check(undefined, { release: undeclared })).toEqual([]);
    // `namespace: default` in the template's text or a values file.
    expect(check('default', { release: undeclared, namespaceSource: 'written' })).toEqual([{ path: ['metadata', 'namespace'], message: 'written default ConfigMap/cm' }]);
    // The helm binary renders without provenance: the release's own namespace counts as the release's.
    expect(check('default', { release: undeclared })).toEqual([]);
  });

  test('a Helm release declared in the default namespace: what it installs there is reported', () => {
    expect(check(undefined, { release: declaredDefault })).toEqual([{ path: ['metadata'], message: 'release default ConfigMap/cm' }]);
    expect(check('default', { release: declaredDefault, namespaceSource: 'release' })).toEqual([{ path: ['metadata', 'namespace'], message: 'release default ConfigMap/cm' }]);
    expect(check('default', { release: declaredDefault, namespaceSource: 'written' })).toEqual([{ path: ['metadata', 'namespace'], message: 'written default ConfigMap/cm' }]);
    // The chart writes its own namespace: the release's does not matter.
    expect(check('shop', { release: declaredDefault, namespaceSource: 'written' })).toEqual([]);
    expect(check(undefined, { release: { namespace: 'shop', namespaceDeclared: true } })).toEqual([]);
  });

  test('params are checked', () => {
    expect(() => validateTemplateParams('object-namespace', {}, 'rules/x.yaml')).toThrow(/params\.forbidden must list at least one namespace/);
    expect(() => validateTemplateParams('object-namespace', { forbidden: ['default'], field: 'x' }, 'rules/x.yaml')).toThrow(/unknown parameter "field"/);
  });
});

describe('service-type', () => {
  const svc = (type?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: type ? { type } : {} });
  test('forbidden types at spec.type; ClusterIP is the default', () => {
    expect(run('service-type', svc('NodePort'), { forbidden: ['NodePort'] })).toEqual([
      { path: ['spec', 'type'], message: 'The Service has type NodePort, which exposes it outside the cluster network.' }
    ]);
    expect(run('service-type', svc('LoadBalancer'), { forbidden: ['NodePort'] })).toEqual([]);
    expect(run('service-type', svc(), { forbidden: ['ClusterIP'] })).toHaveLength(1);
    expect(run('service-type', deployment({}), { forbidden: ['NodePort'] })).toEqual([]);
  });
});

describe('template params are validated', () => {
  test.each([
    ['container-field', {}, /template "container-field": params\.field is required/],
    ['container-field', { field: 'a' }, /give at least one of required, equals, forbidden, allowed/],
    ['container-field', { field: 'a', required: 'yes' }, /params\.required must be true or false/],
    ['container-field', { field: 'a', required: true, containerTypes: ['sidecars'] }, /"sidecars" is not one of/],
    ['pod-field', { field: 'a..b', required: true }, /invalid field path/],
    ['object-field', { field: 'a', required: true, colour: 1 }, /unknown parameter "colour"/],
    ['image-reference', {}, /give at least one of/],
    ['image-reference', { forbidTags: 'latest' }, /params\.forbidTags must be a list of strings/],
    ['resources', { require: ['limits.gpu'] }, /"limits\.gpu" is not/],
    ['resources', {}, /params\.require must list/],
    ['numeric-bound', { field: 'spec.replicas' }, /give min, max or both/],
    ['numeric-bound', { field: 'spec.replicas', min: 3, max: 1 }, /greater than/],
    ['rbac-rules', {}, /give at least one of/],
    ['rbac-rules', { forbidVerbsOn: [{ resources: ['secrets'] }] }, /forbidVerbsOn\[0\]\.verbs must be a non-empty list/],
    ['rbac-rules', { forbidWildcards: ['nouns'] }, /"nouns" is not one of/],
    ['secret-in-env', { namePattern: '(' }, /params\.namePattern is not a valid regular expression/],
    ['service-type', { forbidden: ['Public'] }, /"Public" is not a Service type/],
    ['ingress-tls', { tls: true }, /unknown parameter "tls"/]
  ])('%s %j', (template, params, error) => {
    expect(() => validateTemplateParams(template, params, 'rules/custom.yaml')).toThrow(error);
    expect(() => validateTemplateParams(template, params, 'rules/custom.yaml')).toThrow(/^rules\/custom\.yaml: /);
    expect(() => run(template, pod({ containers: [] }), params)).toThrow(error);
  });

  test('templates it does not own are left alone', () => {
    expect(() => validateTemplateParams('pss', { check: 'privileged' }, 'rules/pss-privileged.yaml')).not.toThrow();
  });

  test('every template has a unique name and a description', () => {
    const names = genericTemplates.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(
      ['api-lifecycle', 'capability-drop', 'container-field', 'duplicate-env', 'host-path-sensitive', 'image-reference', 'image-allow', 'ingress-tls', 'kubernetes-schema', 'metadata-keys', 'namespace-pss-level', 'network-policy-open-ingress', 'numeric-bound', 'object-field', 'object-namespace', 'pod-field', 'rbac-rules', 'resources', 'secret-in-configmap', 'secret-in-env', 'service-type'].sort()
    );
    for (const t of genericTemplates) expect(t.description.length).toBeGreaterThan(20);
  });
});

describe('api-lifecycle', () => {
  const at = (minor: number) => ({ pss: { level: 'restricted' as const, minor: 37 }, kubeMinor: minor });
  const lifecycle = genericTemplates.find((t) => t.name === 'api-lifecycle')!;
  const cronJob = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: {} };
  const check = (body: Record<string, unknown>, minor: number, stage: string) => lifecycle.run({ object: { ...objectRefOf(body), body }, settings: at(minor) }, { stage });

  test('a version is deprecated from its deprecation release and removed from its removal release, on the apiVersion line', () => {
    expect(check(cronJob, 20, 'deprecated')).toEqual([]);
    expect(check(cronJob, 21, 'deprecated')).toEqual([{ path: ['apiVersion'], message: 'batch/v1beta1 CronJob is deprecated since Kubernetes v1.21 and removed in v1.25; use batch/v1.' }]);
    expect(check(cronJob, 24, 'removed')).toEqual([]);
    expect(check(cronJob, 25, 'deprecated')).toEqual([]);
    expect(check(cronJob, 25, 'removed')).toEqual([{ path: ['apiVersion'], message: 'batch/v1beta1 CronJob was removed in Kubernetes v1.25: the cluster (v1.25) refuses it, so the sync fails; use batch/v1.' }]);
  });

  test('only the kinds the version served are matched; an API without replacement says so', () => {
    expect(check({ apiVersion: 'policy/v1beta1', kind: 'Eviction', metadata: { name: 'x' } }, 30, 'removed')).toEqual([]);
    expect(check({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'x' } }, 30, 'removed')[0].message).toContain('it has no replacement');
    expect(check({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'x' } }, 35, 'removed')).toEqual([]);
    expect(() => lifecycle.validate({ stage: 'soon' })).toThrow('params.stage must be deprecated or removed');
  });

  test('the Kubernetes minor version is read from what Helm is told', () => {
    expect([kubeMinorOf('v1.35.0'), kubeMinorOf('1.29'), kubeMinorOf('v2.0.0')]).toEqual([35, 29, 0]);
  });
});

describe('CEL', () => {
  const body = deployment(
    { containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 8080 }] }, { name: 'b', image: 'y' }], dnsPolicy: 'ClusterFirst' },
    { replicas: 3 }
  );
  const ctx = ctxOf(body);
  const check = (cel: string, path?: string) => runCelCheck({ cel, message: 'nope', ...(path === undefined ? {} : { path }) }, ctx);

  test('a syntax error names the rule source', () => {
    expect(() => compileCel('object.spec.(', 'rules/custom/bad.yaml')).toThrow(/^rules\/custom\/bad\.yaml: CEL expression "object\.spec\.\(" is invalid: /);
  });

  test('an unknown function is refused at compile time', () => {
    expect(() => compileCel('object.spec.frobnicate()', 'rules/x.yaml')).toThrow(/rules\/x\.yaml: .*unknown function frobnicate/);
  });

  test('compiled programs are cached per expression', () => {
    expect(compileCel('object.kind == "Pod"', 'a')).toBe(compileCel('object.kind == "Pod"', 'b'));
  });

  test('standard functions, macros and operators compile', () => {
    expect(() =>
      compileCel(
        'has(object.a) && size(object.l) >= 1 && object.l.all(c, c > 1) && object.l.exists(c, c == 1) && object.l.exists_one(c, true) && ' +
          'object.l.map(c, c + 1).filter(d, d - 1 < 2) != [] && object.s.matches("^a") && object.s.lowerAscii() == "b" && -1 < 2 && ' +
          '3 % 2 == 1 && (object.x ? 1 : 2) == 1 && !(object.y in object.l) && object.m["k"] == 1 && int("1") == 1 && string(1) == "1"',
        'test'
      )
    ).not.toThrow();
  });

  test('true passes; false is one violation at the path', () => {
    expect(check('object.spec.replicas >= 2')).toEqual([]);
    expect(check('object.spec.replicas >= 5', 'spec.replicas')).toEqual([{ path: ['spec', 'replicas'], message: 'nope' }]);
    expect(check('false')).toEqual([{ path: [], message: 'nope' }]);
    expect(check('false', 'spec.template.spec.containers[1].image')).toEqual([
      { path: ['spec', 'template', 'spec', 'containers', 1, 'image'], message: 'nope' }
    ]);
  });

  test('Kubernetes conventions: object, oldObject, ints, has/size/all/exists/map/filter', () => {
    const containers = 'object.spec.template.spec.containers';
    for (const expr of [
      'object.kind == "Deployment" && object.metadata.name == "api"',
      'oldObject == null',
      'object.spec.replicas == 3 && object.spec.replicas + 1 == 4 && object.spec.replicas > 2.5',
      `size(${containers}) == 2`,
      `${containers}.all(c, has(c.image))`,
      `${containers}.exists(c, has(c.ports) && c.ports.exists(p, p.containerPort == 8080))`,
      `${containers}.map(c, c.name) == ["a", "b"]`,
      `${containers}.filter(c, !c.image.contains(":")).size() == 1`,
      '!has(object.spec.template.spec.hostAliases)',
      'object.spec.template.spec.dnsPolicy in ["ClusterFirst", "Default"]',
      'object.metadata.name.startsWith("a") && object.metadata.namespace.upperAscii() == "SHOP"'
    ]) {
      expect([expr, check(expr)]).toEqual([expr, []]);
    }
  });

  test('evaluation errors and non-boolean results are a violation saying the rule errored', () => {
    const [missing] = check('object.spec.missing.field == 1', 'spec');
    expect(missing.path).toEqual(['spec']);
    expect(missing.message).toMatch(/^The rule's CEL check errored on this object: .*missing/);
    expect(check('object.spec.replicas')[0].message).toMatch(/returned the int 3 instead of true or false/);
    expect(runCelCheck({ cel: 'object.(', message: 'm' }, ctx)[0].message).toMatch(/errored/);
  });

  test('toCelValue binds whole numbers as int and others as double', () => {
    expect(toCelValue({ a: 1, b: 1.5, c: [2, 'x', null, true], d: undefined })).toEqual({ a: 1n, b: 1.5, c: [2n, 'x', null, true] });
  });
});

describe('built-in rules of this module (rules/*.yaml except pss-*)', () => {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync('schemas/rule.schema.json', 'utf8')));
  const files = readdirSync('rules').filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('pss-')).sort();
  const rules = files.map((f) => [f, parseYaml(readFileSync(`rules/${f}`, 'utf8')) as RuleDefinition] as const);

  function evaluate(rule: RuleDefinition, example: Record<string, unknown>) {
    if ('analyzer' in rule.check) {
      // An analyzer's example is a set rendered together; what it reports lands on the kinds the rule matches.
      const objects = (example.set as Record<string, unknown>[]).map((body, i) => makeObject(body, 'example', { locate: (p) => ({ location: { file: 'example.yaml', line: i + 1 }, related: [], foundPath: p }) }));
      return runSetRule(rule, objects);
    }
    const kind = String(example.kind);
    const matches = ruleMatches(rule, kind);
    expect([rule.id, kind, matches]).toEqual([rule.id, kind, true]);
    const ctx = ctxOf(example);
    if ('cel' in rule.check) return runCelCheck(rule.check, ctx);
    const check = rule.check as { template: string; params?: Record<string, unknown> };
    const template = genericTemplates.find((t) => t.name === check.template)!;
    return template.run(ctx, check.params ?? {});
  }

  test('there are enough of them, two or more in CEL', () => {
    expect(rules.length).toBeGreaterThanOrEqual(15);
    expect(rules.filter(([, r]) => 'cel' in r.check).length).toBeGreaterThanOrEqual(2);
  });

  test.each(rules)('%s is valid and its examples hold', (file, rule) => {
    expect(validate(rule) ? [] : validate.errors).toEqual([]);
    expect(file).toBe(`${rule.id}.yaml`);
    expect(rule.tags).toContain('security');
    expect(rule.tags.length).toBeGreaterThanOrEqual(2);
    const s = rule.securitySeverity;
    const expected = s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : 'low';
    expect(rule.severity).toBe(expected);
    expect(rule.remediation).toMatch(/```yaml/);
    if ('cel' in rule.check) compileCel(rule.check.cel, file);
    else if ('analyzer' in rule.check) ANALYZERS.get(rule.check.analyzer)!.validate(rule.check.params ?? {});
    else validateTemplateParams(rule.check.template, rule.check.params, file);
    for (const example of rule.examples.pass) expect([rule.id, 'pass', evaluate(rule, example)]).toEqual([rule.id, 'pass', []]);
    for (const example of rule.examples.fail) {
      const violations = evaluate(rule, example);
      expect([rule.id, 'fail', violations.length > 0]).toEqual([rule.id, 'fail', true]);
      for (const v of violations) expect(v.message).not.toMatch(/errored/);
    }
  });
});
