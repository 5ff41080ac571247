/**
 * remoteCharts: an umbrella chart with three remote dependencies (two in a loopback Helm repository, one in a
 * docker-registry on 127.0.0.1), scanned cold (empty cache) and warm (the same cache): wall time and the requests
 * each run made. The servers are the tests' own (__tests__/helpers/chart-servers.ts).
 */
import { run } from '../src/run.js';
import { chartArchive, helmIndex, pushChart, startHttpServer, startRegistry } from '../__tests__/helpers/chart-servers.js';
import { removeDir, tempDir, writeTree } from '../__tests__/helpers/temp-repo.js';

const workload = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { app: ${name} } }\n    spec:\n      containers:\n        - name: c\n          image: "{{ .Values.image }}"\n          securityContext: {{- toYaml .Values.securityContext | nindent 12 }}\n`;

export async function benchRemoteCharts() {
  const repo = await startHttpServer();
  const registry = await startRegistry();
  const root = tempDir('gg-bench-remote-');
  const cacheDir = tempDir('gg-bench-remote-cache-');
  try {
    const charts = ['api', 'worker', 'ui'].map((name) => ({
      name,
      archive: chartArchive(name, '1.2.3', { 'templates/deployment.yaml': workload(name), 'values.yaml': 'image: nginx:1.27\nsecurityContext: { runAsNonRoot: true }\n' })
    }));
    repo.routes.set('/charts/index.yaml', { body: helmIndex(charts.slice(0, 2).map((c) => ({ name: c.name, version: '1.2.3', url: `${c.name}-1.2.3.tgz`, archive: c.archive }))) });
    for (const c of charts.slice(0, 2)) repo.routes.set(`/charts/${c.name}-1.2.3.tgz`, { body: c.archive });
    await pushChart(registry.host, 'helm/ui', '1.2.3', charts[2].archive);
    const deps = charts.map((c, i) => `  - name: ${c.name}\n    version: "^1.0.0"\n    repository: ${i < 2 ? `${repo.url}/charts` : `oci://${registry.host}/helm`}\n`).join('');
    writeTree(root, {
      '.gitops-gate.yaml': `repositories:\n  allow:\n    - ${repo.url}/charts\n    - {url: "oci://${registry.host}/helm", plainHTTP: true}\n`,
      'umbrella/Chart.yaml': `apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n${deps}`,
      'umbrella/values.yaml': 'api:\n  securityContext: { privileged: true }\n'
    });
    const scan = async () => {
      const start = process.hrtime.bigint();
      const result = await run({ root, cacheDir });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const requests = Number(/(\d+) requests? made/.exec(result.notes.find((n) => n.startsWith('Remote charts rendered')) ?? '')?.[1] ?? NaN);
      return { ms: Math.round(ms), requests, objects: result.targets.reduce((n, t) => n + t.objects, 0), checked: result.targets.every((t) => t.checked) };
    };
    const cold = await scan();
    const warm = await scan();
    return { dependencies: 3, cold, warm, ratioWarmToCold: Number((warm.ms / cold.ms).toFixed(2)) };
  } finally {
    await repo.close();
    await registry.close();
    removeDir(root);
    removeDir(cacheDir);
  }
}
