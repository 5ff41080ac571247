/** The rule engine over one object: located findings, and one finding per field where PSS checks overlap. */
import { describe, expect, test } from '@jest/globals';
import { checkObject } from '../../src/analyze/engine.js';
import { objectsFromYaml } from '../../src/objects/manifests.js';
import { activeRules } from '../../src/policy/scopes.js';
import { loadBuiltinRules } from '../../src/rules/load.js';
import { defaultSettings } from '../../src/settings/config.js';

const settings = defaultSettings('.');
const rules = activeRules(loadBuiltinRules(), settings).filter((r) => r.rule.id.startsWith('pss-'));

function pssFindings(yaml: string) {
  const [object] = objectsFromYaml(yaml, 'pod.yaml', 'manifests:.').objects;
  return checkObject(object, rules, { pss: settings.pss, kubeMinor: 35 }).map((f) => `${f.ruleId} ${f.path.join('.')}`);
}

const pod = (spec: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: { type: RuntimeDefault }
${spec}`;

describe('overlapping Pod Security checks', () => {
  test('a hostPath volume is one finding (baseline), not also the restricted volume-type one', () => {
    const found = pssFindings(pod(`  containers:
    - name: c
      image: busybox:1.36
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
  volumes:
    - name: logs
      hostPath: { path: /var/log }
`));
    expect(found).toEqual(['pss-host-path-volumes spec.volumes.0.hostPath']);
  });

  test('a volume type only restricted forbids is still reported', () => {
    const found = pssFindings(pod(`  containers:
    - name: c
      image: busybox:1.36
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
  volumes:
    - name: share
      nfs: { server: nfs.local, path: /export }
`));
    expect(found).toEqual(['pss-restricted-volumes spec.volumes.0.nfs']);
  });

  test('an added capability is one finding; not dropping ALL is another, on its own field', () => {
    const found = pssFindings(pod(`  containers:
    - name: c
      image: busybox:1.36
      securityContext: { allowPrivilegeEscalation: false, capabilities: { add: [NET_ADMIN] } }
`));
    expect(found.sort()).toEqual(['pss-capabilities-baseline spec.containers.0.securityContext.capabilities.add.0', 'pss-capabilities-restricted spec.containers.0.securityContext.capabilities.drop']);
  });
});
