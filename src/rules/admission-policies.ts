/**
 * The organisation's ValidatingAdmissionPolicies (config `admissionPolicies`: files and folders of the repository,
 * read from the base revision in a pull request): every ValidatingAdmissionPolicy and binding in them, and the other
 * objects as the params bindings may select. A file that cannot be read or parsed is a configuration error naming
 * it; a policy that cannot be evaluated is kept, and reported as not checked on the objects it matches.
 */
import type { AdmissionPolicies } from '../analyze/admission/findings.js';
import { isBinding, isPolicy, readBinding, readPolicy } from '../analyze/admission/policy.js';
import { objectsFromYaml } from '../objects/manifests.js';
import type { KubeObject } from '../objects/types.js';
import type { RepoFiles } from '../repo/files.js';
import { ConfigError } from '../settings/config.js';

export function loadAdmissionPolicies(repo: RepoFiles, paths: readonly string[]): AdmissionPolicies {
  const objects: KubeObject[] = [];
  for (const p of paths) {
    if (!repo.exists(p)) throw new ConfigError(`admissionPolicies: ${p} does not exist in the repository`);
    const files = repo.isDirectory(p) ? repo.walk(p).filter((f) => /\.(ya?ml|json)$/.test(f)) : [p];
    for (const file of files) {
      let text: string;
      try {
        text = repo.readText(file);
      } catch (err) {
        throw new ConfigError(`admissionPolicies: ${file}: ${(err as Error).message}`);
      }
      const parsed = objectsFromYaml(text, file, `admission-policies:${p}`);
      const error = parsed.errors[0];
      if (error) throw new ConfigError(`admissionPolicies: ${error.file}${error.line ? `:${error.line}` : ''}: ${error.message}`);
      objects.push(...parsed.objects);
    }
  }
  return {
    policies: objects.filter(isPolicy).map(readPolicy),
    bindings: objects.filter(isBinding).map(readBinding),
    params: objects.filter((o) => !isPolicy(o) && !isBinding(o))
  };
}
