/** Config images.allow through a scan: the finding on the image line, nothing without the config, a bad config refused. */
import { describe, expect, test } from '@jest/globals';
import { scanTree } from '../helpers/scan-tree.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  initContainers:\n    - name: init\n      image: busybox:1.36\n  containers:\n    - name: web\n      image: ghcr.io/acme/web:1.0.0\n';

const notAllowed = async (files: Record<string, string>) =>
  (await scanTree(files, 'gg-images-')).findings.filter((f) => f.ruleId === 'image-registry-not-allowed').map((f) => [f.location.file, f.location.line, f.severity, f.message]);

describe('images.allow', () => {
  test('an image from a repository no glob allows: high, on its image line', async () => {
    expect(await notAllowed({ '.gitops-gate.yaml': 'images:\n  allow: [ghcr.io/acme/**]\n', 'apps/pod.yaml': POD })).toEqual([
      ['apps/pod.yaml', 9, 'high', 'Pod shop/web: Container "init" runs image "busybox:1.36" from docker.io/library/busybox, which no images.allow entry of the configuration allows. (at spec.initContainers[0].image)']
    ]);
    expect(await notAllowed({ '.gitops-gate.yaml': 'images:\n  allow: [ghcr.io/acme/**, docker.io/library/*]\n', 'apps/pod.yaml': POD })).toEqual([]);
  });

  test('without images.allow the rule says nothing', async () => {
    expect(await notAllowed({ 'apps/pod.yaml': POD })).toEqual([]);
  });

  test('a malformed images.allow is a config error, not an allow-all', async () => {
    await expect(scanTree({ '.gitops-gate.yaml': 'images:\n  allow: ghcr.io/acme/**\n', 'apps/pod.yaml': POD }, 'gg-images-')).rejects.toThrow(/images/);
  });
});
