/** Which cluster a declaration deploys to: what `relations: revision` groups by and what sets its kubeVersion. */
import { describe, expect, test } from '@jest/globals';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { destinationOf } from '../../src/targets/declared.js';
import type { ClusterConfig, Target } from '../../src/targets/types.js';

const object = (yaml: string) => objectsFromYaml(yaml, 'd.yaml', 'manifests:').objects[0];
const producer = (destination?: Target['destination']): Target => ({ id: 'manifests:', kind: 'manifests', path: '', inputs: [], renderable: true, ...(destination ? { destination } : {}) });
const clusters: ClusterConfig[] = [
  { name: 'prod', server: 'https://prod.example.com', kubeVersion: 'v1.31.0' },
  { name: 'in-cluster', server: 'https://kubernetes.default.svc', kubeVersion: 'v1.34.2' }
];
const app = (destination: string) => object(`apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: a, namespace: argocd }\nspec:\n  destination: ${destination}\n`);
const kustomization = (extra = '') => object(`apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: k, namespace: flux-system }\nspec:\n  path: ./x\n${extra}`);

describe('destinationOf', () => {
  test('an Argo CD Application: the configured cluster its server or name names, else the server or name itself', () => {
    expect(destinationOf(app('{ server: "https://prod.example.com/" }'), producer(), clusters)).toEqual({ key: 'prod', kubeVersion: 'v1.31.0' });
    expect(destinationOf(app('{ name: prod }'), producer(), clusters)).toEqual({ key: 'prod', kubeVersion: 'v1.31.0' });
    expect(destinationOf(app('{ server: "https://other.example.com" }'), producer(), clusters)).toEqual({ key: 'server:https://other.example.com' });
    expect(destinationOf(app('{ name: staging }'), producer(), [])).toEqual({ key: 'name:staging' });
  });

  test('in-cluster, by server, by name or by default, is the in-cluster entry whatever made the declaration', () => {
    const remote = producer({ key: 'prod', kubeVersion: 'v1.31.0' });
    expect(destinationOf(app('{ server: "https://kubernetes.default.svc" }'), remote, clusters)).toEqual({ key: 'in-cluster', kubeVersion: 'v1.34.2' });
    expect(destinationOf(app('{ name: in-cluster }'), remote, [])).toBeUndefined();
    expect(destinationOf(app('{ namespace: web }'), remote, clusters)).toEqual({ key: 'in-cluster', kubeVersion: 'v1.34.2' });
  });

  test("Flux: kubeConfig is another cluster; without it, the cluster of what applied the declaration", () => {
    expect(destinationOf(kustomization('  kubeConfig:\n    secretRef: { name: prod-kubeconfig }\n'), producer(), clusters)).toEqual({ key: 'kubeConfig:flux-system/secret/prod-kubeconfig' });
    // Workload identity: a ConfigMap names the cluster; two of them are two clusters.
    expect(destinationOf(kustomization('  kubeConfig:\n    configMapRef: { name: eks-prod }\n'), producer(), clusters)).toEqual({ key: 'kubeConfig:flux-system/configmap/eks-prod' });
    expect(destinationOf(kustomization('  kubeConfig:\n    configMapRef: { name: eks-dev }\n'), producer(), clusters)).toEqual({ key: 'kubeConfig:flux-system/configmap/eks-dev' });
    expect(destinationOf(kustomization(), producer({ key: 'kubeConfig:flux-system/secret/prod-kubeconfig' }), clusters)).toEqual({ key: 'kubeConfig:flux-system/secret/prod-kubeconfig' });
    expect(destinationOf(kustomization(), producer(), clusters)).toEqual({ key: 'in-cluster', kubeVersion: 'v1.34.2' });
    expect(destinationOf(kustomization(), producer(), [])).toBeUndefined();
  });
});
