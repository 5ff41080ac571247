/**
 * declarations: a generated home-ops layout (a cluster Flux Kustomization building the list of app Kustomizations,
 * APPS of them with postBuild variables, each app a HelmRelease of a chart in the repository), scanned whole and
 * as a pull request that edits one HelmRelease's values: wall time of each, targets reported, and their ratio.
 */
import { run } from '../src/run.js';
import { commitAll, gitRepo, removeDir, writeTree } from '../__tests__/helpers/temp-repo.js';

const APPS = 40;

const ks = (name: string, path: string, extra = '') =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;

const release = (name: string, privileged: boolean) =>
  `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: ./charts/app\n      sourceRef: { kind: GitRepository, name: flux-system, namespace: flux-system }\n  values:\n    image: ghcr.io/acme/\${APP}:1.0.0\n    privileged: ${privileged}\n`;

const TEMPLATE = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector: { matchLabels: { app: {{ .Release.Name }} } }\n  template:\n    metadata: { labels: { app: {{ .Release.Name }} } }\n    spec:\n      containers:\n        - name: app\n          image: {{ .Values.image }}\n          securityContext:\n            privileged: {{ .Values.privileged }}\n`;

export async function benchDeclarations() {
  const files: Record<string, string> = {
    'clusters/prod/apps.yaml': ks('cluster-apps', './apps'),
    'apps/kustomization.yaml': `resources:\n${Array.from({ length: APPS }, (_, i) => `  - app${i}/ks.yaml\n`).join('')}`,
    'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
    'charts/app/values.yaml': 'image: nginx:1.27\nprivileged: false\n',
    'charts/app/templates/deployment.yaml': TEMPLATE
  };
  for (let i = 0; i < APPS; i++) {
    const app = `app${i}`;
    files[`apps/${app}/ks.yaml`] = ks(app, `./apps/${app}/app`, `  targetNamespace: ${app}\n  postBuild:\n    substitute:\n      APP: ${app}\n`);
    files[`apps/${app}/app/kustomization.yaml`] = 'resources:\n  - helmrelease.yaml\n';
    files[`apps/${app}/app/helmrelease.yaml`] = release(app, false);
  }
  const root = gitRepo(files);
  try {
    const time = async (base?: string) => {
      const start = process.hrtime.bigint();
      const result = await run({ root, ...(base ? { base } : {}) });
      return { ms: Math.round(Number(process.hrtime.bigint() - start) / 1e6), targets: result.targets.length, checked: result.targets.filter((t) => t.checked).length, objects: result.targets.reduce((n, t) => n + t.objects, 0) };
    };
    const full = await time();
    writeTree(root, { 'apps/app7/app/helmrelease.yaml': release('app7', true) });
    commitAll(root, 'privileged app7');
    const pullRequest = await time('HEAD~1');
    return { apps: APPS, full, pullRequest, ratioPullRequestToFull: Number((pullRequest.ms / full.ms).toFixed(2)) };
  } finally {
    removeDir(root);
  }
}
