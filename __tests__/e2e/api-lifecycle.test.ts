/**
 * Deprecated and removed API versions are judged against the Kubernetes version the objects deploy to: the config's
 * `kubeVersion` (default: what released Helm reports), or a chart's own.
 */
import { describe, expect, test } from '@jest/globals';
import { run } from '../../src/run.js';
import { removeDir, tempDir, writeTree } from '../helpers/temp-repo.js';

const CRONJOB = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: "0 1 * * *"\n  jobTemplate: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: c, image: busybox:1.36 }] } } } }\n';

async function lifecycle(files: Record<string, string>) {
  const root = tempDir('gg-api-');
  try {
    writeTree(root, files);
    const result = await run({ root });
    return result.findings.filter((f) => f.ruleId.startsWith('api-version-')).map((f) => [f.ruleId, f.location.file, f.location.line, f.severity]);
  } finally {
    removeDir(root);
  }
}

describe('API versions and the configured Kubernetes version', () => {
  test('removed at the default version: high, on the apiVersion line', async () => {
    expect(await lifecycle({ 'jobs/cron.yaml': CRONJOB })).toEqual([['api-version-removed', 'jobs/cron.yaml', 1, 'high']]);
  });

  test('only deprecated for a cluster of v1.22; neither for v1.20', async () => {
    expect(await lifecycle({ '.gitops-gate.yaml': 'kubeVersion: v1.22.3\n', 'jobs/cron.yaml': CRONJOB })).toEqual([['api-version-deprecated', 'jobs/cron.yaml', 1, 'low']]);
    expect(await lifecycle({ '.gitops-gate.yaml': 'kubeVersion: v1.20.0\n', 'jobs/cron.yaml': CRONJOB })).toEqual([]);
  });

  test("a chart's own kubeVersion wins for its release", async () => {
    const chart = { 'chart/Chart.yaml': 'apiVersion: v2\nname: jobs\nversion: 0.1.0\n', 'chart/templates/cron.yaml': CRONJOB };
    expect(await lifecycle({ '.gitops-gate.yaml': 'charts:\n  - path: chart\n    kubeVersion: v1.24.0\n', ...chart })).toEqual([['api-version-deprecated', 'chart/templates/cron.yaml', 1, 'low']]);
  });
});
