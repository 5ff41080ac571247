import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { parseYaml } from '../../src/objects/yaml-source.js';
import { RepoFiles, type InputError } from '../../src/repo/files.js';
import { tempDir, writeTree } from '../helpers/temp-repo.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          securityContext:
            privileged: true
        - name: sidecar
          image: envoy
`;

describe('source map of plain YAML', () => {
  test('each field maps to the line and column of its key', () => {
    const { objects, errors } = objectsFromYaml(deployment, 'apps/api.yaml', 'manifests:apps');
    expect(errors).toEqual([]);
    const located = objects[0].sourceMap.locate(['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'privileged']);
    expect(located.location).toEqual({ file: 'apps/api.yaml', line: 13, column: 13 });
    expect(located.foundPath).toHaveLength(7);
  });

  test('a missing field lands on its nearest existing parent', () => {
    const { objects } = objectsFromYaml(deployment, 'apps/api.yaml', 't');
    const located = objects[0].sourceMap.locate(['spec', 'template', 'spec', 'containers', 1, 'securityContext', 'runAsNonRoot']);
    expect(located.location.line).toBe(14);
    expect(located.foundPath).toEqual(['spec', 'template', 'spec', 'containers', 1]);
  });

  test('documents after the first keep their own lines', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# comment\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n`;
    const { objects } = objectsFromYaml(text, 'x.yaml', 't');
    expect(objects.map((o) => o.name)).toEqual(['a', 'b']);
    expect(objects[1].sourceMap.locate(['metadata', 'name']).location.line).toBe(10);
  });

  test('kind: List is expanded into its items with their own lines', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: one\n`;
    const { objects } = objectsFromYaml(text, 'list.yaml', 't');
    expect(objects).toHaveLength(1);
    expect(objects[0].kind).toBe('ConfigMap');
    expect(objects[0].sourceMap.locate(['metadata', 'name']).location.line).toBe(7);
  });
});

describe('bad input becomes an error naming the file and the reason, and the good documents are kept', () => {
  test('malformed YAML', () => {
    const { objects, errors } = objectsFromYaml(`${deployment}---\nkey: [unclosed\n`, 'bad.yaml', 't');
    expect(objects).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe('bad.yaml');
    expect(errors[0].ruleId).toBe('invalid-yaml');
    expect(errors[0].reason).toMatch(/invalid YAML in document 2/);
  });

  test('duplicate keys', () => {
    const { errors } = parseYaml('a: 1\nb: 2\na: 3\n', 'dup.yaml');
    expect(errors[0].ruleId).toBe('duplicate-key');
    expect(errors[0].line).toBe(3);
    expect(errors[0].reason).toMatch(/unique/);
  });

  test('a key repeated with the same value is a low finding, and the document is still read', () => {
    const { documents, errors } = parseYaml('a: 1\nb:\n  c: [x, z]\nb:\n  c: [x, z]\n', 'repeat.yaml');
    expect(documents).toHaveLength(1);
    expect(documents[0].value).toEqual({ a: 1, b: { c: ['x', 'z'] } });
    expect(errors.map((e) => [e.ruleId, e.line])).toEqual([['repeated-key', 4]]);
  });

  test('keys compare as their JSON text: 1 and "1" with different values are a duplicate, not a silent last-wins', () => {
    const { documents, errors } = parseYaml('"1": one\n1: two\n', 'dup.yaml');
    expect(documents).toHaveLength(0);
    expect(errors[0].ruleId).toBe('duplicate-key');
    expect(errors[0].reason).toMatch(/"1" appears twice .* different values/);
  });

  test('a conflicting repeat is reported even after a harmless one in the same document', () => {
    const { documents, errors } = parseYaml('a: 1\na: 1\nb: 2\nb: 3\n', 'dup.yaml');
    expect(documents).toHaveLength(0);
    expect(errors.map((e) => [e.ruleId, e.line])).toEqual([['duplicate-key', 4]]);
  });

  test('alias bomb (billion laughs) is refused quickly', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = Date.now();
    const { documents, errors } = parseYaml(levels.join('\n'), 'bomb.yaml');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(documents).toHaveLength(0);
    expect(errors[0].reason).toMatch(/billion laughs/);
  });

  test('deeply nested document', () => {
    const depth = 5000;
    const { documents, errors } = parseYaml(`a: ${'['.repeat(depth)}${']'.repeat(depth)}`, 'deep.yaml');
    expect(documents).toHaveLength(0);
    expect(errors[0].file).toBe('deep.yaml');
    expect(errors[0].reason).toMatch(/nests deeper than 200|invalid YAML|cannot/);
  });

  test('a key that is a mapping or a list (also through an alias) is an ambiguous-yaml error at the key; the other documents are kept', () => {
    const { documents, errors } = parseYaml('a: 1\n---\nlabels:\n  ? [x, y]\n  : z\n---\nbase: &k { x: 1 }\nkeys:\n  ? *k\n  : v\n', 'keys.yaml');
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(errors.map((e) => [e.ruleId, e.file, e.line, e.column])).toEqual([
      ['ambiguous-yaml', 'keys.yaml', 4, 5],
      ['ambiguous-yaml', 'keys.yaml', 9, 5]
    ]);
    expect(errors[0].reason).toBe('document 2 has a mapping key that is itself a list: Kubernetes takes only text keys, and YAML readers disagree on what such a key becomes; not read');
    expect(errors[1].reason).toMatch(/^document 3 has a mapping key that is itself a mapping: /);
  });

  test('YAML that is not a Kubernetes object', () => {
    const { objects, errors } = objectsFromYaml('name: not-an-object\nreplicas: 3\n', 'values.yaml', 't');
    expect(objects).toHaveLength(0);
    expect(errors[0].ruleId).toBe('not-a-kubernetes-object');
    expect(errors[0].reason).toMatch(/document 1 is not a Kubernetes object/);
  });
});

describe('repository reads', () => {
  test('invalid UTF-8 names the file and the offset', () => {
    const root = tempDir();
    writeTree(root, { 'bad.yaml': Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]) });
    const repo = new RepoFiles(root);
    expect(() => repo.readText('bad.yaml')).toThrow(/bad\.yaml: not valid UTF-8 \(first bad byte at offset 3\)/);
  });

  test('a file over the size limit is not read', () => {
    const root = tempDir();
    writeTree(root, { 'big.yaml': 'a'.repeat(2048) });
    const repo = new RepoFiles(root, { maxFileBytes: 1024 });
    expect(() => repo.readText('big.yaml')).toThrow(/big\.yaml: file is 2048 bytes, over the 1024-byte limit/);
  });

  test('a symlink that points outside the repository is not followed', () => {
    const outside = tempDir();
    writeFileSync(path.join(outside, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\n');
    const root = tempDir();
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, 'link.yaml'));
    const repo = new RepoFiles(root);
    expect(() => repo.readText('link.yaml')).toThrow(/link\.yaml: symlink points outside the repository/);
    const problems: InputError[] = [];
    expect(repo.walk('', problems)).toEqual([]);
    expect(problems.map((e) => [e.file, e.ruleId])).toEqual([['link.yaml', 'path-outside-repository']]);
  });

  test('paths that climb out of the root are refused', () => {
    const repo = new RepoFiles(tempDir());
    expect(() => repo.resolveFrom('apps', '../../etc/passwd', 'apps/kustomization.yaml')).toThrow(/leaves the repository/);
    expect(repo.resolveFrom('apps/prod', '../base', 'apps/prod/kustomization.yaml')).toBe('apps/base');
  });
});
