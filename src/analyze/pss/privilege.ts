/**
 * Checks on what a container may do as root: privileged mode, privilege escalation, and Linux capabilities.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import {
  describeContainer,
  isWindowsPod,
  listOf,
  podContainers,
  quote,
  recordOf,
  securityContextPath,
  violation,
  type PodContainer,
  type PssPod
} from './pod.js';

/** securityContext.privileged must be unset or false. */
function privilegedV1Dot0(pod: PssPod): Violation[] {
  return podContainers(pod)
    .filter((c) => c.securityContext?.privileged === true)
    .map((c) =>
      violation([...securityContextPath(c), 'privileged'], 'privileged', `${describeContainer(c)} must not set securityContext.privileged=true`)
    );
}

/** securityContext.allowPrivilegeEscalation must be explicitly false (unset means allowed by the runtime). */
function allowPrivilegeEscalationV1Dot8(pod: PssPod): Violation[] {
  return podContainers(pod)
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) =>
      violation(
        [...securityContextPath(c), 'allowPrivilegeEscalation'],
        'allowPrivilegeEscalation != false',
        `${describeContainer(c)} must set securityContext.allowPrivilegeEscalation=false`
      )
    );
}

/**
 * v1.25: Windows pods are exempt. Pod validation rejects allowPrivilegeEscalation on a pod with
 * spec.os.name=windows, so a Windows pod could never satisfy the check.
 */
function allowPrivilegeEscalationV1Dot25(pod: PssPod): Violation[] {
  return isWindowsPod(pod) ? [] : allowPrivilegeEscalationV1Dot8(pod);
}

function capabilities(container: PodContainer): Record<string, unknown> | undefined {
  return recordOf(container.securityContext?.capabilities);
}

function capabilitiesPath(container: PodContainer, list: 'add' | 'drop'): (string | number)[] {
  return [...securityContextPath(container), 'capabilities', list];
}

/** Each entry of capabilities.add that `allowed` rejects, with its index. */
function addedCapabilities(container: PodContainer, allowed: (capability: string) => boolean): { index: number; capability: string }[] {
  const out: { index: number; capability: string }[] = [];
  listOf(capabilities(container)?.add).forEach((value, index) => {
    const capability = String(value);
    if (!allowed(capability)) out.push({ index, capability });
  });
  return out;
}

/** The capabilities container runtimes grant by default; adding any of these back is harmless. */
const DEFAULT_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT'
]);

/** capabilities.add may only name default capabilities (compared as written: no CAP_ prefix, case-sensitive). */
function capabilitiesBaselineV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const container of podContainers(pod)) {
    for (const { index, capability } of addedCapabilities(container, (c) => DEFAULT_CAPABILITIES.has(c))) {
      out.push(
        violation(
          [...capabilitiesPath(container, 'add'), index],
          'non-default capabilities',
          `${describeContainer(container)} must not include ${quote(capability)} in securityContext.capabilities.add`
        )
      );
    }
  }
  return out;
}

/** Containers must drop ALL and may add back only NET_BIND_SERVICE. */
function capabilitiesRestrictedV1Dot22(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const container of podContainers(pod)) {
    const drop = listOf(capabilities(container)?.drop);
    if (!drop.includes('ALL')) {
      out.push(
        violation(
          capabilitiesPath(container, 'drop'),
          'unrestricted capabilities',
          `${describeContainer(container)} must set securityContext.capabilities.drop=["ALL"]`
        )
      );
    }
    for (const { index, capability } of addedCapabilities(container, (c) => c === 'NET_BIND_SERVICE')) {
      out.push(
        violation(
          [...capabilitiesPath(container, 'add'), index],
          'unrestricted capabilities',
          `${describeContainer(container)} must not include ${quote(capability)} in securityContext.capabilities.add`
        )
      );
    }
  }
  return out;
}

/** v1.25: Windows pods are exempt; pod validation rejects capabilities on a pod with spec.os.name=windows. */
function capabilitiesRestrictedV1Dot25(pod: PssPod): Violation[] {
  return isWindowsPod(pod) ? [] : capabilitiesRestrictedV1Dot22(pod);
}

export const privileged: PssCheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: privilegedV1Dot0 }]
};

export const allowPrivilegeEscalation: PssCheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  // The field (and no_new_privs) exists since Kubernetes 1.8, so earlier policy versions cannot require it.
  versions: [
    { sinceMinor: 8, check: allowPrivilegeEscalationV1Dot8 },
    { sinceMinor: 25, check: allowPrivilegeEscalationV1Dot25 }
  ]
};

export const capabilitiesBaseline: PssCheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: capabilitiesBaselineV1Dot0 }]
};

export const capabilitiesRestricted: PssCheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { sinceMinor: 22, check: capabilitiesRestrictedV1Dot22 },
    { sinceMinor: 25, check: capabilitiesRestrictedV1Dot25 }
  ],
  // Anything the baseline check rejects (a non-default add) this one rejects too.
  overrides: 'capabilities_baseline'
};
