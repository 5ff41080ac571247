/**
 * Restricted checks on the user a container runs as: runAsNonRoot must be true, runAsUser must not be 0.
 *
 * Both relax at policy v1.35 for pods with their own user namespace (spec.hostUsers: false, KEP-127): uid 0
 * inside such a pod maps to an unprivileged uid on the node. Before v1.35 the relaxation sat behind the
 * perma-alpha UserNamespacesPodSecurityStandards gate; upstream dropped it from the older versions and made it
 * unconditional at v1.35.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import {
  describeContainer,
  POD_SECURITY_CONTEXT_PATH,
  podContainers,
  podSecurityContext,
  securityContextPath,
  unsetInheritedField,
  usesUserNamespace,
  violation,
  type PssPod
} from './pod.js';

const NON_ROOT_REASON = 'runAsNonRoot != true';

/**
 * runAsNonRoot must be true for every container, set on the container or inherited from the pod; an explicit
 * false anywhere is rejected even when the other level says true.
 */
function runAsNonRootV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  if (podSecurityContext(pod)?.runAsNonRoot === false) {
    out.push(violation([...POD_SECURITY_CONTEXT_PATH, 'runAsNonRoot'], NON_ROOT_REASON, 'pod must not set securityContext.runAsNonRoot=false'));
  }
  for (const container of podContainers(pod)) {
    if (container.securityContext?.runAsNonRoot === false) {
      out.push(
        violation(
          [...securityContextPath(container), 'runAsNonRoot'],
          NON_ROOT_REASON,
          `${describeContainer(container)} must not set securityContext.runAsNonRoot=false`
        )
      );
    }
  }
  out.push(
    ...unsetInheritedField(pod, {
      field: ['runAsNonRoot'],
      isSet: (sc) => typeof sc?.runAsNonRoot === 'boolean',
      reason: NON_ROOT_REASON,
      requirement: 'must set securityContext.runAsNonRoot=true'
    })
  );
  return out;
}

function runAsNonRootV1Dot35(pod: PssPod): Violation[] {
  return usesUserNamespace(pod) ? [] : runAsNonRootV1Dot0(pod);
}

/** runAsUser must not be 0 at pod or container level; unset is fine (runAsNonRoot covers the image's user). */
function runAsUserV1Dot23(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  if (podSecurityContext(pod)?.runAsUser === 0) {
    out.push(violation([...POD_SECURITY_CONTEXT_PATH, 'runAsUser'], 'runAsUser=0', 'pod must not set runAsUser=0'));
  }
  for (const container of podContainers(pod)) {
    if (container.securityContext?.runAsUser === 0) {
      out.push(violation([...securityContextPath(container), 'runAsUser'], 'runAsUser=0', `${describeContainer(container)} must not set runAsUser=0`));
    }
  }
  return out;
}

function runAsUserV1Dot35(pod: PssPod): Violation[] {
  return usesUserNamespace(pod) ? [] : runAsUserV1Dot23(pod);
}

export const runAsNonRoot: PssCheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { sinceMinor: 0, check: runAsNonRootV1Dot0 },
    { sinceMinor: 35, check: runAsNonRootV1Dot35 }
  ]
};

export const runAsUser: PssCheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  // Added to the standard in Kubernetes 1.23, so it applies from policy v1.23 only.
  versions: [
    { sinceMinor: 23, check: runAsUserV1Dot23 },
    { sinceMinor: 35, check: runAsUserV1Dot35 }
  ]
};
