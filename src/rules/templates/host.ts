/**
 * Templates about what a pod takes from its node.
 *
 * `host-path-sensitive`: hostPath volumes on the node's most sensitive paths — container runtime sockets, the
 * kubelet's state, `/etc`, `/proc`, `/` — whether mounted read-only or not (a runtime socket is an API, a
 * read-only `/etc` still hands over `shadow` and the kubelet's credentials). A path is sensitive when it is one of
 * `paths`, lies under one of them (except under `/`, which only counts itself), or holds one of them (`/var` holds
 * `/var/run/docker.sock`). Params: `paths` (a list; default the list below). Violations point at
 * volumes[i].hostPath.path.
 *
 * `capability-drop`: every container must drop the given Linux capabilities (or `ALL`). Params: `capabilities`
 * (required), `containerTypes`. Violations point at securityContext.capabilities.drop (its nearest written parent
 * when missing). Windows pods (`spec.os.name: windows`) have no Linux capabilities and pass.
 */
import path from 'node:path';
import type { Violation } from '../../analyze/types.js';
import { podTemplateOf } from '../../objects/podspec.js';
import { getAt, isRecord } from '../../objects/types.js';
import { containerLabel, containersIn, defineTemplate, type GenericTemplate } from './util.js';

export const SENSITIVE_HOST_PATHS = [
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/home',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/etcd',
  '/etc/kubernetes',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd',
  '/run/containerd',
  '/var/run/crio',
  '/run/crio',
  '/var/run/cri-dockerd.sock',
  '/var/log'
];

/** How a host path touches the sensitive ones: the words a report uses, or undefined when it does not. */
function sensitivity(hostPath: string, paths: readonly string[]): string | undefined {
  const clean = (x: string) => path.posix.normalize(`/${x}`).replace(/\/+$/, '') || '/';
  const p = clean(hostPath);
  for (const q of paths.map(clean)) {
    if (p === q) return p;
    if (q !== '/' && p.startsWith(`${q}/`)) return `${p}, under ${q}`;
    if (p === '/' || q.startsWith(`${p}/`)) return `${p}, which holds ${q}`;
  }
  return undefined;
}

export const hostPathSensitiveTemplate: GenericTemplate = defineTemplate(
  'host-path-sensitive',
  "hostPath volumes must not mount the node's runtime sockets, kubelet state or system folders.",
  (read) => {
    read.only(['paths']);
    return { paths: read.stringList('paths') ?? SENSITIVE_HOST_PATHS };
  },
  (ctx, p) => {
    const pod = podTemplateOf(ctx.object.kind, ctx.object.body);
    if (!pod || !Array.isArray(pod.spec.volumes)) return [];
    const out: Violation[] = [];
    pod.spec.volumes.forEach((volume, i) => {
      const hostPath = isRecord(volume) ? getAt(volume, ['hostPath', 'path']) : undefined;
      if (typeof hostPath !== 'string') return;
      const what = sensitivity(hostPath, p.paths);
      if (what === undefined) return;
      const name = isRecord(volume) && typeof volume.name === 'string' ? volume.name : `#${i}`;
      out.push({ path: [...pod.podPath, 'spec', 'volumes', i, 'hostPath', 'path'], message: `Volume "${name}" mounts the node's ${what}: whoever runs in this pod can take over the node.` });
    });
    return out;
  }
);

export const capabilityDropTemplate: GenericTemplate = defineTemplate(
  'capability-drop',
  'Every container must drop the given Linux capabilities (or ALL).',
  (read) => {
    read.only(['capabilities', 'containerTypes']);
    const capabilities = read.stringList('capabilities') ?? [];
    if (capabilities.length === 0) read.fail('params.capabilities must list capabilities');
    return { capabilities: capabilities.map((c) => c.toUpperCase().replace(/^CAP_/, '')), types: read.containerFields() };
  },
  (ctx, p) => {
    const pod = podTemplateOf(ctx.object.kind, ctx.object.body);
    if (!pod || getAt(pod.spec, ['os', 'name']) === 'windows') return [];
    const out: Violation[] = [];
    for (const c of containersIn(ctx, p.types)) {
      const dropped = getAt(c.container, ['securityContext', 'capabilities', 'drop']);
      const list = Array.isArray(dropped) ? dropped.map((d) => String(d).toUpperCase().replace(/^CAP_/, '')) : [];
      if (list.includes('ALL')) continue;
      const missing = p.capabilities.filter((cap) => !list.includes(cap));
      if (missing.length === 0) continue;
      out.push({ path: [...c.fullPath, 'securityContext', 'capabilities', 'drop'], message: `The ${containerLabel(c)} keeps ${missing.join(', ')}; drop it (or ALL) in securityContext.capabilities.drop.` });
    }
    return out;
  }
);
