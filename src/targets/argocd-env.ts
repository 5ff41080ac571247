/**
 * Argo CD's build environment (argoproj/argo-cd reposerver/repository/repository.go `newEnv`) and its substitution
 * (`Env.Envsubst`: Go's `os.Expand`, `$$` for a literal `$`, unknown names expand to nothing). The repo-server
 * substitutes it into Helm value-file and file-parameter paths and parameter values, and into kustomize images,
 * common labels and (when asked) common annotations; never into `values`/`valuesObject` nor inside files.
 */
import type { KubeObject } from '../objects/types.js';
import { isRecord } from '../objects/types.js';

export type BuildEnv = Record<string, string>;

/** Names whose value the gate does not know (the commit id outside a git checkout): using one is reported. */
export const REVISION_VARIABLES = ['ARGOCD_APP_REVISION', 'ARGOCD_APP_REVISION_SHORT', 'ARGOCD_APP_REVISION_SHORT_8'];

/**
 * The variables one source is built with. The application's name is `InstanceName`: the name, prefixed with its
 * namespace and `_` when the Application lives outside the control plane's namespace (`argocd`).
 */
export function buildEnv(app: KubeObject, source: Record<string, unknown>, revision: string | undefined, controlPlaneNamespace = 'argocd'): BuildEnv {
  const spec = isRecord(app.body.spec) ? app.body.spec : {};
  const destination = isRecord(spec.destination) ? spec.destination : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const env: BuildEnv = {
    ARGOCD_APP_NAME: instanceName(app, controlPlaneNamespace),
    ARGOCD_APP_NAMESPACE: text(destination.namespace),
    ARGOCD_APP_PROJECT_NAME: text(spec.project) || 'default',
    ARGOCD_APP_SOURCE_REPO_URL: text(source.repoURL),
    ARGOCD_APP_SOURCE_PATH: text(source.path),
    ARGOCD_APP_SOURCE_TARGET_REVISION: text(source.targetRevision)
  };
  if (revision !== undefined) {
    env.ARGOCD_APP_REVISION = revision;
    env.ARGOCD_APP_REVISION_SHORT = revision.slice(0, 7);
    env.ARGOCD_APP_REVISION_SHORT_8 = revision.slice(0, 8);
  }
  return env;
}

/** The name Argo CD knows an Application by: `<namespace>_<name>` outside the control plane's namespace. */
export function instanceName(app: KubeObject, controlPlaneNamespace = 'argocd'): string {
  return app.namespace === undefined || app.namespace === '' || app.namespace === controlPlaneNamespace ? app.name : `${app.namespace}_${app.name}`;
}

/** The variables a text names that the environment lacks but Argo CD would know (the revision), if any. */
export function unknownVariables(text: string, env: BuildEnv): string[] {
  const out = new Set<string>();
  expand(text, (name) => {
    if (!(name in env) && REVISION_VARIABLES.includes(name)) out.add(name);
    return '';
  });
  return [...out];
}

/** `Env.Envsubst`: `$NAME` and `${NAME}` replaced, `$$` is `$`, unknown names are empty. */
export function envsubst(text: string, env: BuildEnv): string {
  return expand(text, (name) => (name === '$' ? '$' : Object.hasOwn(env, name) ? env[name] : ''));
}

/** Go's `os.Expand`, character for character (src/os/env.go): invalid `${` syntax is eaten, a lone `$` kept. */
export function expand(s: string, mapping: (name: string) => string): string {
  let out: string | undefined;
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out ??= '';
      out += s.slice(i, j);
      const [name, w] = shellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // Invalid syntax: the characters are eaten.
      } else if (name === '') {
        out += s[j];
      } else {
        out += mapping(name);
      }
      j += w;
      i = j + 1;
    }
  }
  return out === undefined ? s : out + s.slice(i);
}

const isSpecial = (c: string | undefined) => c !== undefined && '*#$@!?-0123456789'.includes(c);
const isAlphaNum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Go's `getShellName`: the name after a `$` and how many characters it spans. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && isSpecial(s[1]) && s[2] === '}') return [s.slice(1, 2), 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? ['', 2] : [s.slice(1, i), i + 1];
    }
    return ['', 1];
  }
  if (isSpecial(s[0])) return [s.slice(0, 1), 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i])) i++;
  return [s.slice(0, i), i];
}
