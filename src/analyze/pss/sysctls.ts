/**
 * Sysctls: only namespaced sysctls that are isolated from other pods on the node ("safe" ones) may be set.
 * The allowed list grows as the kubelet marks more sysctls safe; each addition is a new policy version so that
 * a namespace pinned to an older version keeps the older, narrower list.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import { listOf, podSecurityContext, recordOf, stringOf, violation, type PssPod } from './pod.js';

const SAFE_V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start'
];
/** Kubernetes 1.27 made ip_local_reserved_ports safe. */
const SAFE_V1_27 = [...SAFE_V1_0, 'net.ipv4.ip_local_reserved_ports'];
/** Kubernetes 1.29 made the per-namespace TCP keepalive and FIN timeout settings safe. */
const SAFE_V1_29 = [
  ...SAFE_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes'
];
/** Kubernetes 1.32 made the per-namespace TCP buffer sizes safe (PR #125234). */
const SAFE_V1_32 = [...SAFE_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
/** Kubernetes 1.37 made tcp_slow_start_after_idle and tcp_notsent_lowat safe (PR #138389). */
const SAFE_V1_37 = [...SAFE_V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** spec.securityContext.sysctls[*].name must be in `safe` (sysctls can only be set at pod level). */
function sysctlsCheck(safe: readonly string[]): (pod: PssPod) => Violation[] {
  const allowed = new Set(safe);
  return (pod) => {
    const out: Violation[] = [];
    listOf(podSecurityContext(pod)?.sysctls).forEach((sysctl, index) => {
      const name = stringOf(recordOf(sysctl)?.name) ?? '';
      if (!allowed.has(name)) out.push(violation(['spec', 'securityContext', 'sysctls', index, 'name'], 'forbidden sysctls', name));
    });
    return out;
  };
}

export const sysctls: PssCheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { sinceMinor: 0, check: sysctlsCheck(SAFE_V1_0) },
    { sinceMinor: 27, check: sysctlsCheck(SAFE_V1_27) },
    { sinceMinor: 29, check: sysctlsCheck(SAFE_V1_29) },
    { sinceMinor: 32, check: sysctlsCheck(SAFE_V1_32) },
    { sinceMinor: 37, check: sysctlsCheck(SAFE_V1_37) }
  ]
};
