/**
 * /proc mount type: the default /proc masks hide kernel interfaces from the container and must stay on.
 *
 * Policy v1.35 (PR #132157, which also dropped the UserNamespacesPodSecurityStandards gate) splits the check:
 * baseline allows any procMount in a pod with its own user namespace (hostUsers: false), where an unmasked
 * /proc cannot reach the host's kernel settings as root; restricted adds procMount_restricted, which keeps the
 * v1.0 rule for every pod and replaces the relaxed baseline check there.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import { describeContainer, podContainers, quote, securityContextPath, usesUserNamespace, violation, type PssPod } from './pod.js';

/** securityContext.procMount must be unset or "Default". */
function procMountV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const container of podContainers(pod)) {
    const procMount = container.securityContext?.procMount;
    if (typeof procMount === 'string' && procMount !== 'Default') {
      out.push(
        violation(
          [...securityContextPath(container), 'procMount'],
          'procMount',
          `${describeContainer(container)} must not set securityContext.procMount to ${quote(procMount)}`
        )
      );
    }
  }
  return out;
}

/** v1.35 baseline: user-namespaced pods are exempt (pod validation still checks the value is well formed). */
function procMountBaselineV1Dot35(pod: PssPod): Violation[] {
  return usesUserNamespace(pod) ? [] : procMountV1Dot0(pod);
}

export const procMount: PssCheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { sinceMinor: 0, check: procMountV1Dot0 },
    { sinceMinor: 35, check: procMountBaselineV1Dot35 }
  ]
};

export const procMountRestricted: PssCheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ sinceMinor: 35, check: procMountV1Dot0 }],
  overrides: 'procMount'
};
