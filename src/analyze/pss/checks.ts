/**
 * The registry of Pod Security Standards checks, as pod-security-admission registers them (policy/check_*.go):
 * every check, its level, and its implementation per policy version.
 */
import type { PssCheckDefinition } from './definition.js';
import { hostNamespaces, hostPorts, hostProbesAndHostLifecycle, windowsHostProcess } from './host.js';
import { allowPrivilegeEscalation, capabilitiesBaseline, capabilitiesRestricted, privileged } from './privilege.js';
import { procMount, procMountRestricted } from './proc-mount.js';
import { runAsNonRoot, runAsUser } from './run-as.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './seccomp.js';
import { appArmorProfile, seLinuxOptions } from './security-modules.js';
import { sysctls } from './sysctls.js';
import { hostPathVolumes, restrictedVolumes } from './volumes.js';

/** Baseline checks, then restricted ones, each group sorted by id (the order upstream reports them in). */
export const PSS_CHECK_DEFINITIONS: readonly PssCheckDefinition[] = [
  appArmorProfile,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  seLinuxOptions,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted
];

const BY_ID: ReadonlyMap<string, PssCheckDefinition> = new Map(PSS_CHECK_DEFINITIONS.map((d) => [d.id, d]));

export function pssCheckDefinition(id: string): PssCheckDefinition | undefined {
  return BY_ID.get(id);
}
