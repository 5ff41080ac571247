/**
 * Flux Operator ResourceSets are built as the operator builds them and what they generate is checked under
 * `flux-rset:<namespace>/<name>`: `resources` and `resourcesTemplate` per input set, Static input providers by name
 * and selector, Flatten and Permute, deduplication, the reconcile-disabled annotation, steps, owner labels and
 * commonMetadata; a finding lands on the input line that set the value (the template line related) or the template
 * line; generated HelmReleases are rendered in turn; live providers and template errors leave the set not checked.
 */
import { describe, expect, test } from '@jest/globals';
import { renderTarget } from '../../src/render/index.js';
import { run } from '../../src/run.js';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { RepoFiles } from '../../src/repo/files.js';
import type { Target } from '../../src/targets/types.js';
import { commitAll, gitRepo, removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const RESOURCES_SET = lines(
  'apiVersion: fluxcd.controlplane.io/v1',
  'kind: ResourceSet',
  'metadata:',
  '  name: tenants',
  '  namespace: flux-system',
  'spec:',
  '  commonMetadata:',
  '    labels:',
  '      team: platform',
  '  inputs:',
  '    - tenant: red',
  '      privileged: false',
  '    - tenant: blue',
  '      privileged: true',
  '  resources:',
  '    - apiVersion: v1',
  '      kind: Namespace',
  '      metadata:',
  '        name: shared',
  '    - apiVersion: v1',
  '      kind: Pod',
  '      metadata:',
  '        name: << inputs.tenant >>',
  '        namespace: shared',
  '      spec:',
  '        containers:',
  '          - name: app',
  '            image: nginx:1.27',
  '            securityContext:',
  '              privileged: << inputs.privileged >>'
);

const TEMPLATE_SET = lines(
  'apiVersion: fluxcd.controlplane.io/v1',
  'kind: ResourceSet',
  'metadata:',
  '  name: apps',
  '  namespace: apps',
  'spec:',
  '  inputsFrom:',
  '    - selector: { matchLabels: { set: apps } }',
  '  resourcesTemplate: |',
  '    << range $app := inputs.apps >>',
  '    ---',
  '    apiVersion: v1',
  '    kind: Pod',
  '    metadata:',
  '      name: << $app.name | slugify >>',
  '      namespace: apps',
  '    spec:',
  '      hostNetwork: << $app.host >>',
  '      containers:',
  '        - name: app',
  '          image: nginx:1.27',
  '    << end >>'
);

const STATIC_PROVIDER = lines(
  'apiVersion: fluxcd.controlplane.io/v1',
  'kind: ResourceSetInputProvider',
  'metadata:',
  '  name: app-list',
  '  namespace: apps',
  '  labels: { set: apps }',
  'spec:',
  '  type: Static',
  '  defaultValues:',
  '    apps:',
  '      - { name: "Web Shop", host: false }',
  '      - { name: "Metrics Agent", host: true }'
);

async function scan(files: Record<string, string>) {
  const root = tempDir('gg-rset-');
  try {
    writeTree(root, files);
    return await run({ root });
  } finally {
    removeDir(root);
  }
}

describe('Flux Operator ResourceSets', () => {
  test('resources per input, deduplicated; a value from an input found on the input line, the template line related', async () => {
    const result = await scan({ 'clusters/tenants.yaml': RESOURCES_SET });
    expect(result.targets.find((t) => t.id === 'flux-rset:flux-system/tenants')).toMatchObject({ checked: true, objects: 3 });
    const privileged = result.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).toMatchObject({ target: 'flux-rset:flux-system/tenants', object: { kind: 'Pod', name: 'blue', namespace: 'shared' }, location: { file: 'clusters/tenants.yaml', line: 14 } });
    expect(privileged[0].related).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'clusters/tenants.yaml', line: 30, label: 'template' })]));
    expect(result.declarations.find((d) => d.kind === 'ResourceSet')).toMatchObject({ name: 'tenants', targets: ['flux-rset:flux-system/tenants'], status: 'checked' });
  });

  test('a multi-document template over a Static provider found by selector: a value read through a range variable found on its input line', async () => {
    const result = await scan({ 'apps/set.yaml': TEMPLATE_SET, 'apps/provider.yaml': STATIC_PROVIDER });
    expect(result.targets.find((t) => t.id === 'flux-rset:apps/apps')).toMatchObject({ checked: true, objects: 2 });
    const host = result.findings.filter((f) => f.ruleId === 'pss-host-namespaces');
    expect(host.map((f) => [f.object?.name, f.location.file, f.location.line])).toEqual([['metrics-agent', 'apps/provider.yaml', 12]]);
    expect(host[0].related).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'apps/set.yaml', line: 18, label: 'template' })]));
    // A field the template writes as text is on its template line.
    const image = result.findings.find((f) => f.ruleId === 'image-not-pinned-by-digest' && f.object?.name === 'web-shop');
    expect(image?.location).toMatchObject({ file: 'apps/set.yaml', line: 21 });
  });

  test('a live input provider, a provider not in the repository, or a template error: not checked, with the reason on its line', async () => {
    const live = STATIC_PROVIDER.replace('type: Static', 'type: GitHubPullRequest');
    const cases: [Record<string, string>, string, number, string][] = [
      [{ 'apps/set.yaml': TEMPLATE_SET, 'apps/provider.yaml': live }, 'apps/set.yaml', 7, 'of type GitHubPullRequest'],
      [{ 'apps/set.yaml': TEMPLATE_SET.replace('- selector: { matchLabels: { set: apps } }', '- name: nowhere') }, 'apps/set.yaml', 8, 'ResourceSetInputProvider apps/nowhere is not in the repository'],
      [{ 'clusters/tenants.yaml': RESOURCES_SET.replace('<< inputs.tenant >>', '<< inputs.team >>') }, 'clusters/tenants.yaml', 20, 'map has no entry for key "team"']
    ];
    for (const [files, file, line, reason] of cases) {
      const result = await scan(files);
      const target = result.targets.find((t) => t.id.startsWith('flux-rset:'));
      expect(target).toMatchObject({ checked: false, unchecked: ['declaration-not-rendered'] });
      const problem = result.findings.find((f) => f.ruleId === 'declaration-not-rendered');
      expect(problem).toMatchObject({ location: { file, line } });
      expect(problem?.message).toContain(reason);
      expect(result.blocking.some((f) => f.ruleId === 'declaration-not-rendered')).toBe(true);
    }
  });

  test('a generated HelmRelease of a chart in this repository is rendered in turn, under its own name', async () => {
    const set = lines(
      'apiVersion: fluxcd.controlplane.io/v1',
      'kind: ResourceSet',
      'metadata: { name: releases, namespace: flux-system }',
      'spec:',
      '  inputs:',
      '    - { name: web, hostPID: true }',
      '  resources:',
      '    - apiVersion: helm.toolkit.fluxcd.io/v2',
      '      kind: HelmRelease',
      '      metadata: { name: << inputs.name >>, namespace: apps }',
      '      spec:',
      '        chart:',
      '          spec:',
      '            chart: ./charts/web',
      '            sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }',
      '        values:',
      '          hostPID: << inputs.hostPID >>'
    );
    const result = await scan({
      'clusters/releases.yaml': set,
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charts/web/values.yaml': 'hostPID: false\n',
      'charts/web/templates/pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hostPID: {{ .Values.hostPID }}\n  containers:\n    - name: app\n      image: nginx:1.27\n'
    });
    expect(result.targets.find((t) => t.id === 'flux:apps/web')).toMatchObject({ checked: true, objects: 1 });
    const finding = result.findings.find((f) => f.ruleId === 'pss-host-namespaces' && f.target === 'flux:apps/web');
    expect(finding?.location).toMatchObject({ file: 'clusters/releases.yaml', line: 6 });
  });

  test('a pull request editing a provider value renders the set and reports the new finding on the edited line', async () => {
    const root = gitRepo({ 'apps/set.yaml': TEMPLATE_SET, 'apps/provider.yaml': STATIC_PROVIDER.replace('host: true', 'host: false'), 'other/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    try {
      writeTree(root, { 'apps/provider.yaml': STATIC_PROVIDER });
      commitAll(root, 'host network for the agent');
      const result = await run({ root, base: 'HEAD~1' });
      expect(result.blocking.map((f) => [f.ruleId, f.object?.name, f.location.file, f.location.line, f.status])).toEqual([['pss-host-namespaces', 'metrics-agent', 'apps/provider.yaml', 12, 'new']]);
    } finally {
      removeDir(root);
    }
  });
});

describe('ResourceSet builds', () => {
  const build = async (set: string, extra: Record<string, string> = {}, timeoutMs = 60_000) => {
    const root = tempDir('gg-rset-');
    writeTree(root, { 'set.yaml': set, ...extra });
    const repo = new RepoFiles(root);
    const parse = (file: string) => objectsFromYaml(repo.readText(file), file, 'manifests:.').objects;
    const providers = Object.keys(extra).flatMap(parse);
    const target: Target = { id: 'flux-rset:x', kind: 'manifests', path: '', inputs: [], renderable: true, resourceSet: { object: parse('set.yaml')[0], providers } };
    try {
      return await renderTarget(target, repo, { timeoutMs });
    } finally {
      removeDir(root);
    }
  };
  const head = lines('apiVersion: fluxcd.controlplane.io/v1', 'kind: ResourceSet', 'metadata: { name: s, namespace: ns }', 'spec:');

  test('Permute: the cartesian product, each provider under its normalized name, with a stable id', async () => {
    const provider = (name: string, values: string) => lines('apiVersion: fluxcd.controlplane.io/v1', 'kind: ResourceSetInputProvider', `metadata: { name: ${name}, namespace: ns }`, 'spec:', '  type: Static', `  defaultValues: ${values}`);
    const out = await build(
      head +
        lines(
          '  inputStrategy: { name: Permute }',
          '  inputsFrom: [ { name: Env-List }, { name: region } ]',
          '  resources:',
          '    - apiVersion: v1',
          '      kind: ConfigMap',
          '      metadata: { name: "cm-<< inputs.env_list.env >>-<< inputs.region.region >>", namespace: ns }',
          '      data: { id: "<< inputs.id | quote >>", provider: "<< inputs.region.provider.kind >>" }'
        ),
      { 'a.yaml': provider('Env-List', '{ env: prod }'), 'b.yaml': provider('region', '{ region: eu }') }
    );
    expect(out.errors).toEqual([]);
    // One input each: one permutation; its id is adler32 of "env_list=0/region=0".
    expect(out.objects.map((o) => [o.name, (o.body.data as Record<string, string>).provider])).toEqual([['cm-prod-eu', 'ResourceSetInputProvider']]);
    expect((out.objects[0].body.data as Record<string, string>).id).toBe('1225590514');
  });

  test('no inputs: each resource once, duplicates kept; with inputs: duplicates and disabled objects dropped; owner labels', async () => {
    const cm = (name: string, extra = '') => `    - { apiVersion: v1, kind: ConfigMap, metadata: { name: ${name}, namespace: ns${extra} } }`;
    const none = await build(head + lines('  resources:', cm('a'), cm('a')));
    expect(none.objects.map((o) => o.name)).toEqual(['a', 'a']);
    expect(none.objects[0].body.metadata).toMatchObject({ labels: { 'resourceset.fluxcd.controlplane.io/name': 's', 'resourceset.fluxcd.controlplane.io/namespace': 'ns' } });
    const some = await build(head + lines('  inputs: [ { app: x, state: enabled }, { app: y, state: disabled } ]', '  resources:', cm('shared'), cm('"<< inputs.app >>"', ', annotations: { fluxcd.controlplane.io/reconcile: "<< inputs.state >>" }')));
    expect(some.objects.map((o) => o.name)).toEqual(['shared', 'x']);
  });

  test('steps: built in order; a resource in two steps is refused', async () => {
    const step = (name: string, cm: string) => lines(`    - name: ${name}`, '      resources:', `        - { apiVersion: v1, kind: ConfigMap, metadata: { name: ${cm}, namespace: ns } }`);
    const ok = await build(head + '  steps:\n' + step('first', 'one') + step('second', 'two'));
    expect(ok.objects.map((o) => o.name)).toEqual(['one', 'two']);
    const twice = await build(head + '  steps:\n' + step('first', 'one') + step('second', 'one'));
    expect(twice.objects).toEqual([]);
    expect(twice.errors[0].reason).toContain('duplicate resource ConfigMap/ns/one in step "second", already defined in step "first"');
    const mixed = await build(head + '  resourcesTemplate: "x"\n  steps:\n' + step('first', 'one'));
    expect(mixed.errors[0].reason).toContain('spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate');
  });

  test('toYaml keeps its newline; a value is typed after templating (quoted in the set or not), unless the template quotes it; slugify cuts at 63', async () => {
    const out = await build(
      head +
        lines(
          '  inputs: [ { cfg: { k1: v1, k2: 2 }, port: "8080", long: "' + 'word-'.repeat(20) + '" } ]',
          '  resources:',
          '    - apiVersion: v1',
          '      kind: ConfigMap',
          '      metadata: { name: "<< inputs.long | slugify >>", namespace: ns }',
          '      data: << inputs.cfg | toYaml | nindent 2 >>',
          '    - apiVersion: v1',
          '      kind: Service',
          '      metadata: { name: svc, namespace: ns }',
          '      spec: { ports: [ { port: << inputs.port | int >>, name: "<< inputs.port >>", appProtocol: "<< inputs.port | quote >>" } ] }'
        )
    );
    expect(out.errors).toEqual([]);
    expect(out.objects[0].name).toBe('word-'.repeat(11) + 'word');
    expect(out.objects[0].body.data).toEqual({ k1: 'v1', k2: 2 });
    expect((out.objects[1].body.spec as { ports: unknown[] }).ports).toEqual([{ port: 8080, name: 8080, appProtocol: '8080' }]);
  });

  test('a hostile template is stopped: output beyond the budget, or work past the time limit; the set is not checked', async () => {
    const flood = await build(head + lines('  resourcesTemplate: |', '    << range until 100000 >><< printf "%0200d" 0 >><< end >>'));
    expect(flood.objects).toEqual([]);
    expect(flood.errors[0]).toMatchObject({ file: 'set.yaml', line: 5, ruleId: 'declaration-not-rendered' });
    expect(flood.errors[0].reason).toMatch(/output|limit|exceed/i);
    const started = Date.now();
    const slow = await build(head + lines('  resourcesTemplate: |', '    << range until 20000 >><< range until 20000 >><< end >><< end >>'), {}, 300);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(slow.objects).toEqual([]);
    expect(slow.errors[0].reason).toMatch(/time|deadline|limit/i);
  });
});
