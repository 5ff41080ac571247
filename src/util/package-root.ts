/** Finds files shipped with gitops-gate (rules/, schemas/) from wherever the code runs: src/ in tests, dist/ when bundled. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(path.join(dir, 'rules')) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'gitops-gate') {
      return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('gitops-gate: cannot find the package folder holding rules/ and schemas/');
    dir = parent;
  }
}

export function packageFile(...parts: string[]): string {
  return path.join(packageRoot(), ...parts);
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version as string;
}
