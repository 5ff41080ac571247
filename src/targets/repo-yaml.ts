/**
 * The repository's YAML files as declarations look for the objects they name (sources, values, generators), read
 * once per scan: the declaration index and every lookup share the same texts.
 */
import { objectsFromYaml } from '../objects/manifests.js';
import type { KubeObject } from '../objects/types.js';
import type { RepoFiles } from '../repo/files.js';

export class YamlTexts {
  private texts: Map<string, string> | undefined;

  constructor(
    readonly repo: RepoFiles,
    private readonly files: readonly string[]
  ) {}

  /** Each readable `.yaml`/`.yml` file with its text (read the first time it is asked for); unreadable ones left out. */
  entries(): Iterable<[file: string, text: string]> {
    if (!this.texts) {
      this.texts = new Map();
      for (const file of this.files) {
        if (!/\.ya?ml$/i.test(file)) continue;
        try {
          this.texts.set(file, this.repo.readText(file));
        } catch {
          // Discovery and rendering report unreadable files.
        }
      }
    }
    return this.texts.entries();
  }

  /** The objects written in the files whose text matches `marker` (a cheap test before parsing) and `keep`. */
  objects(marker: RegExp, keep: (object: KubeObject) => boolean): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [file, text] of this.entries()) {
      if (marker.test(text)) out.push(...objectsFromYaml(text, file, 'declarations').objects.filter(keep));
    }
    return out;
  }
}
