/** Linux security modules: a pod must not switch off AppArmor or pick a privileged SELinux context. */
import type { JsonPath } from '../../objects/types.js';
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import {
  describeContainer,
  POD_SECURITY_CONTEXT_PATH,
  podContainers,
  podSecurityContext,
  quote,
  recordOf,
  securityContextPath,
  stringOf,
  violation,
  type PssPod
} from './pod.js';

const APPARMOR_REASON = 'forbidden AppArmor profile';
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** The security contexts of a pod (pod level first, then each container) with their paths and who set them. */
function securityContexts(pod: PssPod): { who: string; path: JsonPath; securityContext: Record<string, unknown> | undefined }[] {
  return [
    { who: 'pod', path: POD_SECURITY_CONTEXT_PATH, securityContext: podSecurityContext(pod) },
    ...podContainers(pod).map((c) => ({ who: describeContainer(c), path: securityContextPath(c), securityContext: c.securityContext }))
  ];
}

/**
 * AppArmor profile: the securityContext.appArmorProfile field (pod or container) must be RuntimeDefault or
 * Localhost, and the deprecated container.apparmor.security.beta.kubernetes.io/* annotations must be empty,
 * runtime/default or localhost/*. Upstream added the field to this v1.0 implementation when the field arrived
 * (Kubernetes 1.30) instead of adding a policy version, so both are checked at every version.
 */
function appArmorProfileV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const { who, path, securityContext } of securityContexts(pod)) {
    const profile = recordOf(securityContext?.appArmorProfile);
    if (profile && profile.type !== 'RuntimeDefault' && profile.type !== 'Localhost') {
      out.push(
        violation([...path, 'appArmorProfile', 'type'], APPARMOR_REASON, `${who} must not set AppArmor profile type to ${quote(stringOf(profile.type) ?? '')}`)
      );
    }
  }
  const annotations = recordOf(pod.metadata.annotations) ?? {};
  for (const key of Object.keys(annotations).sort()) {
    const value = stringOf(annotations[key]);
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && value !== undefined && !allowedAppArmorAnnotation(value)) {
      out.push(violation(['metadata', 'annotations', key], APPARMOR_REASON, `${key}=${quote(value)}`));
    }
  }
  return out;
}

const SELINUX_TYPES_V1_0: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
/** v1.31 allows container_engine_t, the type for running container engines in pods (upstream 840e4a82d). */
const SELINUX_TYPES_V1_31: ReadonlySet<string> = new Set([...SELINUX_TYPES_V1_0, 'container_engine_t']);

/** seLinuxOptions.type must be one of `allowedTypes`; seLinuxOptions.user and .role must not be set. */
function seLinuxOptionsCheck(allowedTypes: ReadonlySet<string>): (pod: PssPod) => Violation[] {
  return (pod) => {
    const out: Violation[] = [];
    for (const { who, path, securityContext } of securityContexts(pod)) {
      const options = recordOf(securityContext?.seLinuxOptions);
      if (!options) continue;
      const optionsPath = [...path, 'seLinuxOptions'];
      const forbidden = (field: string, what: string) =>
        out.push(violation([...optionsPath, field], 'seLinuxOptions', `${who} set forbidden securityContext.seLinuxOptions: ${what}`));
      const type = stringOf(options.type) ?? '';
      if (!allowedTypes.has(type)) forbidden('type', `type ${quote(type)}`);
      if (stringOf(options.user)) forbidden('user', 'user may not be set');
      if (stringOf(options.role)) forbidden('role', 'role may not be set');
    }
    return out;
  };
}

export const appArmorProfile: PssCheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: appArmorProfileV1Dot0 }]
};

export const seLinuxOptions: PssCheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { sinceMinor: 0, check: seLinuxOptionsCheck(SELINUX_TYPES_V1_0) },
    { sinceMinor: 31, check: seLinuxOptionsCheck(SELINUX_TYPES_V1_31) }
  ]
};
