/** `image-allow` (image-registry-not-allowed): config images.allow globs over each image's normalised repository. */
import { describe, expect, test } from '@jest/globals';
import { objectRefOf } from '../../src/objects/types.js';
import { genericTemplates } from '../../src/rules/templates/generic.js';

const template = genericTemplates.find((t) => t.name === 'image-allow')!;

function pod(images: Record<string, string[]>) {
  const spec = Object.fromEntries(Object.entries(images).map(([field, list]) => [field, list.map((image, i) => ({ name: `c${i}`, image }))]));
  const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec };
  return { ...objectRefOf(body), body };
}

function refused(images: Record<string, string[]>, allow?: string[]): string[] {
  return template
    .run({ object: pod(images), settings: { pss: { level: 'restricted', minor: 37 }, kubeMinor: 35, ...(allow ? { imagesAllow: allow } : {}) } }, {})
    .map((v) => `${v.path.join('.')}: ${v.message}`);
}

describe('images.allow', () => {
  test('without it, every image is allowed', () => {
    expect(refused({ containers: ['evil.example.com/miner:1'] })).toEqual([]);
  });

  test("Docker Hub's short names are matched as docker.io/library/<name>; * stays in one segment, ** crosses them", () => {
    const allow = ['docker.io/library/*', 'ghcr.io/acme/**'];
    expect(refused({ containers: ['nginx:1.27', 'library/redis:7', 'docker.io/library/postgres:16@sha256:' + 'a'.repeat(64), 'ghcr.io/acme/team/api:1.0'] }, allow)).toEqual([]);
    expect(refused({ containers: ['bitnami/kubectl:1.31', 'ghcr.io/acmecorp/api:1.0', 'docker.io/library/a/b:1'] }, allow)).toEqual([
      'spec.containers.0.image: Container "c0" runs image "bitnami/kubectl:1.31" from docker.io/bitnami/kubectl, which no images.allow entry of the configuration allows.',
      'spec.containers.1.image: Container "c1" runs image "ghcr.io/acmecorp/api:1.0" from ghcr.io/acmecorp/api, which no images.allow entry of the configuration allows.',
      'spec.containers.2.image: Container "c2" runs image "docker.io/library/a/b:1" from docker.io/library/a/b, which no images.allow entry of the configuration allows.'
    ]);
    // ** also matches nothing at all: the namespace's own repository.
    expect(refused({ containers: ['ghcr.io/acme:1.0'] }, allow)).toEqual([]);
  });

  test('init and ephemeral containers are checked too; a registry with a port is part of the name', () => {
    const found = refused({ initContainers: ['busybox:1.36'], ephemeralContainers: ['localhost:5000/debug:1'], containers: ['ghcr.io/acme/api:1'] }, ['ghcr.io/acme/**']);
    expect(found.map((f) => f.split(':')[0])).toEqual(['spec.initContainers.0.image', 'spec.ephemeralContainers.0.image']);
    expect(refused({ containers: ['localhost:5000/debug:1'] }, ['localhost:5000/*'])).toEqual([]);
  });

  test('a reference that cannot be parsed is left to image-tag-latest', () => {
    expect(refused({ containers: ['UPPER/Case:1'] }, ['ghcr.io/acme/**'])).toEqual([]);
  });
});
