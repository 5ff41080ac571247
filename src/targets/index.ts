/** File -> targets: which render targets a changed file affects. */
import path from 'node:path';
import type { Target } from './types.js';

const normalize = (file: string): string => {
  const n = path.posix.normalize(file.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/$/, '');
  return n === '.' ? '' : n;
};

export class TargetIndex {
  private readonly byFile = new Map<string, Target[]>();
  private readonly folderTargets: Target[];

  constructor(readonly targets: Target[]) {
    for (const t of targets) {
      for (const file of new Set([...t.inputs, ...(t.files ?? [])])) {
        const key = normalize(file);
        const list = this.byFile.get(key);
        if (list) list.push(t);
        else this.byFile.set(key, [t]);
      }
    }
    // A chart owns every file under its folder, also files added by the change that discovery has not seen.
    this.folderTargets = targets.filter((t) => t.kind === 'helm');
  }

  /** The targets that read `file` (a repository-relative path), in target order. */
  targetsForFile(file: string): Target[] {
    const key = normalize(file);
    const out = new Set<Target>(this.byFile.get(key) ?? []);
    for (const t of this.folderTargets) {
      if (t.path === '' || key === t.path || key.startsWith(`${t.path}/`)) out.add(t);
    }
    return this.targets.filter((t) => out.has(t));
  }

  /** The targets any of `changedFiles` reaches, each once, in target order. */
  affectedBy(changedFiles: string[]): Target[] {
    const hit = new Set<Target>();
    for (const file of changedFiles) for (const t of this.targetsForFile(file)) hit.add(t);
    return this.targets.filter((t) => hit.has(t));
  }
}
