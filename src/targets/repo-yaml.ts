/** The repository's YAML files as declarations look for the objects they name (sources, values, generators). */
import { objectsFromYaml } from '../objects/manifests.js';
import type { KubeObject } from '../objects/types.js';
import type { RepoFiles } from '../repo/files.js';

/** Each readable `.yaml`/`.yml` file among `files` with its text; files that cannot be read are left out. */
export function* yamlTexts(repo: RepoFiles, files: readonly string[]): Generator<[file: string, text: string]> {
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file)) continue;
    let text: string;
    try {
      text = repo.readText(file);
    } catch {
      continue;
    }
    yield [file, text];
  }
}

/** The objects written in the YAML files whose text matches `marker` (a cheap test before parsing) and `keep`. */
export function objectsInFiles(repo: RepoFiles, files: readonly string[], marker: RegExp, keep: (object: KubeObject) => boolean): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [file, text] of yamlTexts(repo, files)) {
    if (marker.test(text)) out.push(...objectsFromYaml(text, file, 'declarations').objects.filter(keep));
  }
  return out;
}
