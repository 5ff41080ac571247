/**
 * Seccomp: baseline forbids turning the runtime's syscall filter off; restricted requires one to be chosen.
 *
 * Policy versions before v1.19 read the alpha annotations (seccomp.security.alpha.kubernetes.io/...), because
 * the securityContext.seccompProfile field only arrived in Kubernetes 1.19; from v1.19 only the field counts.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import {
  describeContainer,
  isWindowsPod,
  POD_SECURITY_CONTEXT_PATH,
  podContainers,
  podSecurityContext,
  quote,
  recordOf,
  securityContextPath,
  stringOf,
  unsetInheritedField,
  violation,
  type PssPod
} from './pod.js';

const REASON = 'seccompProfile';
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** v1.0: the pod and per-container seccomp annotations must name runtime/default, docker/default or localhost/*. */
function seccompProfileBaselineV1Dot0(pod: PssPod): Violation[] {
  const annotations = recordOf(pod.metadata.annotations) ?? {};
  const keys = [POD_ANNOTATION, ...podContainers(pod).map((c) => CONTAINER_ANNOTATION_PREFIX + c.name)];
  const out: Violation[] = [];
  for (const key of new Set(keys)) {
    const value = stringOf(annotations[key]);
    if (value !== undefined && !validAnnotationValue(value)) {
      out.push(violation(['metadata', 'annotations', key], REASON, `forbidden annotation ${key}=${quote(value)}`));
    }
  }
  return out;
}

function validProfileType(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/** Pod and containers that set seccompProfile to anything but RuntimeDefault or Localhost (e.g. Unconfined). */
function explicitlyBadProfiles(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  const podProfile = recordOf(podSecurityContext(pod)?.seccompProfile);
  if (podProfile && !validProfileType(podProfile.type)) {
    out.push(
      violation(
        [...POD_SECURITY_CONTEXT_PATH, 'seccompProfile', 'type'],
        REASON,
        `pod must not set securityContext.seccompProfile.type to ${quote(stringOf(podProfile.type) ?? '')}`
      )
    );
  }
  for (const container of podContainers(pod)) {
    const profile = recordOf(container.securityContext?.seccompProfile);
    if (profile && !validProfileType(profile.type)) {
      out.push(
        violation(
          [...securityContextPath(container), 'seccompProfile', 'type'],
          REASON,
          `${describeContainer(container)} must not set securityContext.seccompProfile.type to ${quote(stringOf(profile.type) ?? '')}`
        )
      );
    }
  }
  return out;
}

/** v1.19: a seccompProfile, where set on the pod or a container, must be RuntimeDefault or Localhost. */
function seccompProfileBaselineV1Dot19(pod: PssPod): Violation[] {
  return explicitlyBadProfiles(pod);
}

/** Every container must run under RuntimeDefault or Localhost, set on the container or inherited from the pod. */
function seccompProfileRestrictedV1Dot19(pod: PssPod): Violation[] {
  return [
    ...explicitlyBadProfiles(pod),
    ...unsetInheritedField(pod, {
      field: ['seccompProfile', 'type'],
      isSet: (sc) => recordOf(sc?.seccompProfile) !== undefined,
      reason: REASON,
      requirement: 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"'
    })
  ];
}

/** v1.25: Windows pods are exempt; pod validation rejects seccompProfile on a pod with spec.os.name=windows. */
function seccompProfileRestrictedV1Dot25(pod: PssPod): Violation[] {
  return isWindowsPod(pod) ? [] : seccompProfileRestrictedV1Dot19(pod);
}

export const seccompProfileBaseline: PssCheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { sinceMinor: 0, check: seccompProfileBaselineV1Dot0 },
    { sinceMinor: 19, check: seccompProfileBaselineV1Dot19 }
  ]
};

export const seccompProfileRestricted: PssCheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { sinceMinor: 19, check: seccompProfileRestrictedV1Dot19 },
    { sinceMinor: 25, check: seccompProfileRestrictedV1Dot25 }
  ],
  // Everything the baseline check rejects (an explicit Unconfined) this one rejects too.
  overrides: 'seccompProfile_baseline'
};
