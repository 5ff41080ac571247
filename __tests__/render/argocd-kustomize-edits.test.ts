/**
 * An Argo CD kustomize source's settings as the repo-server applies them with `kustomize edit` (util/kustomize
 * kustomize.go, kustomize's edit/add/addmetadata.go), rendered with the real kustomize: labels without selectors and
 * with templates, an existing key refused unless forced, patches read from files with their options.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { renderTarget } from '../../src/render/index.js';
import { applicationTargets } from '../../src/targets/argocd-application.js';
import { discoverTargets } from '../../src/targets/discover.js';
import type { Target } from '../../src/targets/types.js';
import type { KubeObject } from '../../src/objects/types.js';
import { lines, makeFixtureRepo, type FixtureRepo } from '../helpers/kustomize-fixture.js';

const OPTIONS = { timeoutMs: 60_000 };
const DEPLOYMENT = lines(
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  selector: { matchLabels: { app: web } }',
  '  template:',
  '    metadata: { labels: { app: web } }',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27'
);
const application = (kustomize: string[]) =>
  lines('apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata:', '  name: web', '  namespace: argocd', 'spec:', '  source:', '    repoURL: https://github.com/acme/gitops', '    path: apps/web', '    kustomize:', ...kustomize.map((l) => `      ${l}`), '  destination:', '    namespace: web');

let fixtures: FixtureRepo[] = [];
afterEach(() => {
  for (const f of fixtures) f.remove();
  fixtures = [];
});

/** The Application's target and what it renders. */
async function renderApplication(kustomization: string, kustomize: string[], extra: Record<string, string> = {}) {
  const f = makeFixtureRepo({ 'apps/web/kustomization.yaml': kustomization, 'apps/web/deployment.yaml': DEPLOYMENT, 'argocd/web.yaml': application(kustomize), ...extra });
  fixtures.push(f);
  const producer = discoverTargets(f.repo, { include: [], exclude: [], targets: [] }).targets.find((t) => t.id === 'manifests:argocd') as Target;
  const declared = await renderTarget(producer, f.repo, OPTIONS);
  const app = declared.objects.find((o) => o.kind === 'Application') as KubeObject;
  const [target] = applicationTargets(app, producer, f.repo, () => 'this');
  const output = await renderTarget(target, f.repo, OPTIONS);
  const deployment = output.objects.find((o) => o.kind === 'Deployment');
  return { target, output, deployment };
}

describe('Argo CD kustomize edits', () => {
  it('commonLabels go into selectors; labelWithoutSelector leaves selectors and templates alone; labelIncludeTemplates labels the pods', async () => {
    const common = await renderApplication(lines('resources: [deployment.yaml]'), ['commonLabels:', '  team: shop']);
    expect(common.deployment?.body).toMatchObject({ metadata: { labels: { team: 'shop' } }, spec: { selector: { matchLabels: { app: 'web', team: 'shop' } }, template: { metadata: { labels: { team: 'shop' } } } } });

    const plain = await renderApplication(lines('resources: [deployment.yaml]'), ['commonLabels:', '  team: shop', 'labelWithoutSelector: true']);
    expect(plain.target.problems).toBeUndefined();
    expect(plain.deployment?.body).toMatchObject({ metadata: { labels: { team: 'shop' } }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } } } } });
    expect((plain.deployment?.body.spec as { selector: { matchLabels: object } }).selector.matchLabels).toEqual({ app: 'web' });
    expect((plain.deployment?.body.spec as { template: { metadata: { labels: object } } }).template.metadata.labels).toEqual({ app: 'web' });

    const templates = await renderApplication(lines('resources: [deployment.yaml]'), ['commonLabels:', '  team: shop', 'labelWithoutSelector: true', 'labelIncludeTemplates: true']);
    expect((templates.deployment?.body.spec as { selector: { matchLabels: object } }).selector.matchLabels).toEqual({ app: 'web' });
    expect((templates.deployment?.body.spec as { template: { metadata: { labels: object } } }).template.metadata.labels).toEqual({ app: 'web', team: 'shop' });
  });

  it('a label joins the first labels entry of the same settings, as kustomize edit add label writes it', async () => {
    const kustomization = lines('resources: [deployment.yaml]', 'labels:', '  - pairs: { tier: front }', '    includeTemplates: true', '  - pairs: { owner: alice }');
    const { deployment } = await renderApplication(kustomization, ['commonLabels:', '  team: shop', 'labelWithoutSelector: true']);
    expect(deployment?.body.metadata).toMatchObject({ labels: { tier: 'front', owner: 'alice', team: 'shop' } });
    expect((deployment?.body.spec as { template: { metadata: { labels: object } } }).template.metadata.labels).toEqual({ app: 'web', tier: 'front' });
  });

  it('a key the kustomization already sets fails the edit unless forced, on the key line; labelIncludeTemplates alone fails', async () => {
    const kustomization = lines('resources: [deployment.yaml]', 'commonLabels: { team: ops }', 'commonAnnotations: { owner: ops }');
    const refused = await renderApplication(kustomization, ['commonLabels:', '  team: shop']);
    expect(refused.target.problems).toEqual([expect.objectContaining({ file: 'argocd/web.yaml', line: 12, ruleId: 'declaration-not-rendered' })]);
    expect(refused.target.problems?.[0].reason).toContain('label team already in kustomization file. Use --force to override.');
    const annotation = await renderApplication(kustomization, ['commonAnnotations:', '  owner: shop', 'forceCommonLabels: true']);
    expect(annotation.target.problems?.[0]).toMatchObject({ line: 12 });
    expect(annotation.target.problems?.[0].reason).toContain('annotation owner already in kustomization file');

    const forced = await renderApplication(kustomization, ['commonLabels:', '  team: shop', 'forceCommonLabels: true', 'commonAnnotations:', '  owner: shop', 'forceCommonAnnotations: true']);
    expect(forced.target.problems).toBeUndefined();
    expect(forced.deployment?.body.metadata).toMatchObject({ labels: { team: 'shop' }, annotations: { owner: 'shop' } });

    const alone = await renderApplication(lines('resources: [deployment.yaml]'), ['commonLabels:', '  team: shop', 'labelIncludeTemplates: true']);
    expect(alone.target).toMatchObject({ renderable: false });
    expect(alone.target.problems?.[0]).toMatchObject({ file: 'argocd/web.yaml', line: 13 });
    expect(alone.target.problems?.[0].reason).toContain('--without-selector flag must be specified for --include-templates to work');
  });

  it('a patch from a file is read from the kustomization folder, its findings in that file; options are kept', async () => {
    const patch = lines('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', '  template:', '    spec:', '      hostNetwork: true');
    const { output, deployment, target } = await renderApplication(lines('resources: [deployment.yaml]'), ['patches:', '  - path: host.yaml', '  - target: { kind: Deployment }', '    options: { allowNameChange: true }', '    patch: |', '      - op: replace', '        path: /metadata/name', '        value: api'], { 'apps/web/host.yaml': patch });
    expect(output.errors).toEqual([]);
    expect(target.reads).toContain('apps/web/host.yaml');
    expect(deployment?.name).toBe('api');
    expect((deployment?.body.spec as { template: { spec: object } }).template.spec).toMatchObject({ hostNetwork: true });
    expect(deployment?.sourceMap.locate(['spec', 'template', 'spec', 'hostNetwork']).location).toMatchObject({ file: 'apps/web/host.yaml', line: 8 });
  });
});
