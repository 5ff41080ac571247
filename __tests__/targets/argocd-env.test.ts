/**
 * Argo CD's build environment and its substitution: `newEnv` (reposerver/repository/repository.go) and
 * `Env.Envsubst` (pkg/apis/application/v1alpha1), which is Go's `os.Expand` with `$$` for a literal `$`. The
 * expansion cases are Go's own (src/os/env_test.go `expandTests`) with its test mapping.
 */
import { describe, expect, test } from '@jest/globals';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { buildEnv, envsubst, expand, instanceName, unknownVariables } from '../../src/targets/argocd-env.js';

// src/os/env_test.go `testGetenv`.
function testGetenv(s: string): string {
  switch (s) {
    case '*':
      return 'all the args';
    case '#':
      return 'NARGS';
    case '$':
      return 'PID';
    case '1':
      return 'ARGUMENT1';
    case 'HOME':
      return '/usr/gopher';
    case 'H':
      return '(Value of H)';
    case 'home_1':
      return '/usr/foo';
    case '_':
      return 'underscore';
  }
  return '';
}

// src/os/env_test.go `expandTests`.
const EXPAND: [string, string][] = [
  ['', ''],
  ['$*', 'all the args'],
  ['$$', 'PID'],
  ['${*}', 'all the args'],
  ['$1', 'ARGUMENT1'],
  ['${1}', 'ARGUMENT1'],
  ['now is the time', 'now is the time'],
  ['$HOME', '/usr/gopher'],
  ['$home_1', '/usr/foo'],
  ['${HOME}', '/usr/gopher'],
  ['${H}OME', '(Value of H)OME'],
  ['A$$$#$1$H$home_1*B', 'APIDNARGSARGUMENT1(Value of H)/usr/foo*B'],
  ['start$+middle$^end$', 'start$+middle$^end$'],
  ['mixed$|bag$$$', 'mixed$|bagPID$'],
  ['$', '$'],
  ['$}', '$}'],
  ['${', ''],
  ['${}', '']
];

const app = (yaml: string) => objectsFromYaml(yaml, 'apps/a.yaml', 't').objects[0];
const APP = app('apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: team-a\nspec:\n  project: shop\n  destination:\n    namespace: prod\n');

describe("Go's os.Expand", () => {
  test.each(EXPAND)('%j expands to %j', (input, expected) => {
    expect(expand(input, testGetenv)).toBe(expected);
  });
});

describe('Argo CD build environment', () => {
  test('newEnv: the instance name outside the control plane namespace, destination namespace, project, source, revision cut to 7 and 8', () => {
    const env = buildEnv(APP, { repoURL: 'https://github.com/acme/gitops', path: 'apps/web', targetRevision: 'main' }, '0123456789abcdef');
    expect(env).toEqual({
      ARGOCD_APP_NAME: 'team-a_web',
      ARGOCD_APP_NAMESPACE: 'prod',
      ARGOCD_APP_PROJECT_NAME: 'shop',
      ARGOCD_APP_SOURCE_REPO_URL: 'https://github.com/acme/gitops',
      ARGOCD_APP_SOURCE_PATH: 'apps/web',
      ARGOCD_APP_SOURCE_TARGET_REVISION: 'main',
      ARGOCD_APP_REVISION: '0123456789abcdef',
      ARGOCD_APP_REVISION_SHORT: '0123456',
      ARGOCD_APP_REVISION_SHORT_8: '01234567'
    });
    expect(instanceName(app('apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n'))).toBe('web');
  });

  test('Envsubst: $$ is a dollar, unknown names are empty, ${} forms', () => {
    const env = buildEnv(APP, { path: 'apps/web' }, undefined);
    expect(envsubst('values-$ARGOCD_APP_NAMESPACE.yaml', env)).toBe('values-prod.yaml');
    expect(envsubst('${ARGOCD_APP_NAME}/x', env)).toBe('team-a_web/x');
    expect(envsubst('cost: $$5 $UNKNOWN.', env)).toBe('cost: $5 .');
  });

  test('without a known commit the revision variables are named as unknown, and only they', () => {
    const env = buildEnv(APP, {}, undefined);
    expect(unknownVariables('tag-$ARGOCD_APP_REVISION_SHORT and $ARGOCD_APP_NAME and $OTHER', env)).toEqual(['ARGOCD_APP_REVISION_SHORT']);
    expect(unknownVariables('tag-$ARGOCD_APP_REVISION', buildEnv(APP, {}, 'abc'))).toEqual([]);
  });
});
