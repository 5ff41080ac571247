/**
 * Baseline checks that keep a pod off the node's own resources: host namespaces, host ports, probe and
 * lifecycle hosts, and Windows HostProcess containers.
 */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import {
  describeContainer,
  listOf,
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

const HOST_NAMESPACE_FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false. */
function hostNamespacesV1Dot0(pod: PssPod): Violation[] {
  return HOST_NAMESPACE_FIELDS.filter((field) => pod.spec[field] === true).map((field) =>
    violation(['spec', field], 'host namespaces', `${field}=true`)
  );
}

/** Every container port's hostPort must be unset or 0. */
function hostPortsV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const container of podContainers(pod)) {
    listOf(container.container.ports).forEach((port, index) => {
      const hostPort = recordOf(port)?.hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0) {
        out.push(violation([...container.path, 'ports', index, 'hostPort'], 'hostPort', `${describeContainer(container)} uses hostPort ${hostPort}`));
      }
    });
  }
  return out;
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const LIFECYCLE_HANDLERS = ['postStart', 'preStop'] as const;
/** tcpSocket is not a real lifecycle handler any more, but the API keeps it and upstream checks it too. */
const HANDLER_ACTIONS = ['httpGet', 'tcpSocket'] as const;

/**
 * A probe or lifecycle handler must not name a host (v1.34+): with `host` the kubelet connects wherever the
 * pod author says, from the node's network, which turns probes into a way to reach node-local services.
 */
function hostProbesAndHostLifecycleV1Dot34(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const container of podContainers(pod)) {
    const handlers: { path: (string | number)[]; handler: Record<string, unknown> | undefined }[] = [
      ...PROBES.map((probe) => ({ path: [probe], handler: recordOf(container.container[probe]) })),
      ...LIFECYCLE_HANDLERS.map((name) => ({
        path: ['lifecycle', name],
        handler: recordOf(recordOf(container.container.lifecycle)?.[name])
      }))
    ];
    for (const { path, handler } of handlers) {
      for (const action of HANDLER_ACTIONS) {
        const host = stringOf(recordOf(handler?.[action])?.host);
        if (host) {
          out.push(
            violation(
              [...container.path, ...path, action, 'host'],
              'probe or lifecycle host',
              `${describeContainer(container)} uses probe or lifecycle host ${quote(host)}`
            )
          );
        }
      }
    }
  }
  return out;
}

const HOST_PROCESS_DETAIL = 'must not set securityContext.windowsOptions.hostProcess=true';

/** securityContext.windowsOptions.hostProcess must be unset or false, at pod and container level. */
function windowsHostProcessV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  if (recordOf(podSecurityContext(pod)?.windowsOptions)?.hostProcess === true) {
    out.push(violation([...POD_SECURITY_CONTEXT_PATH, 'windowsOptions', 'hostProcess'], 'hostProcess', `pod ${HOST_PROCESS_DETAIL}`));
  }
  for (const container of podContainers(pod)) {
    if (recordOf(container.securityContext?.windowsOptions)?.hostProcess === true) {
      out.push(
        violation([...securityContextPath(container), 'windowsOptions', 'hostProcess'], 'hostProcess', `${describeContainer(container)} ${HOST_PROCESS_DETAIL}`)
      );
    }
  }
  return out;
}

export const hostNamespaces: PssCheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: hostNamespacesV1Dot0 }]
};

export const hostPorts: PssCheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: hostPortsV1Dot0 }]
};

export const hostProbesAndHostLifecycle: PssCheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ sinceMinor: 34, check: hostProbesAndHostLifecycleV1Dot34 }]
};

export const windowsHostProcess: PssCheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: windowsHostProcessV1Dot0 }]
};
