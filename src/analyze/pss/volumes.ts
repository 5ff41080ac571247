/** Volume checks: no hostPath (baseline), and only the ephemeral/projected kinds of volume (restricted). */
import type { Violation } from '../types.js';
import type { PssCheckDefinition } from './definition.js';
import { listOf, quote, recordOf, stringOf, violation, type PssPod } from './pod.js';

interface PodVolume {
  index: number;
  name: string;
  volume: Record<string, unknown>;
}

function podVolumes(pod: PssPod): PodVolume[] {
  const out: PodVolume[] = [];
  listOf(pod.spec.volumes).forEach((value, index) => {
    const volume = recordOf(value);
    if (volume) out.push({ index, name: stringOf(volume.name) ?? '', volume });
  });
  return out;
}

/** spec.volumes[*].hostPath must be unset. */
function hostPathVolumesV1Dot0(pod: PssPod): Violation[] {
  return podVolumes(pod)
    .filter(({ volume }) => recordOf(volume.hostPath) !== undefined)
    .map(({ index, name }) => violation(['spec', 'volumes', index, 'hostPath'], 'hostPath volumes', `volume ${quote(name)}`));
}

/**
 * Volume sources restricted pods may use. `image` was added to the v1.0 implementation upstream (PR #130394,
 * Kubernetes 1.33) rather than as a new policy version, so it is allowed at every version.
 */
const ALLOWED_VOLUME_SOURCES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret'
]);

/** The volume sources upstream names in its denial; any other source is reported as "unknown". */
const KNOWN_RESTRICTED_SOURCES: ReadonlySet<string> = new Set([
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos'
]);

/**
 * Every volume must use one of the allowed sources. A volume that names no source at all passes: the API
 * server defaults it to emptyDir before admission sees it.
 */
function restrictedVolumesV1Dot0(pod: PssPod): Violation[] {
  const out: Violation[] = [];
  for (const { index, name, volume } of podVolumes(pod)) {
    const sources = Object.keys(volume).filter((key) => key !== 'name' && volume[key] !== null && volume[key] !== undefined);
    if (sources.length === 0 || sources.some((source) => ALLOWED_VOLUME_SOURCES.has(source))) continue;
    const source = sources.find((s) => KNOWN_RESTRICTED_SOURCES.has(s));
    const type = source ?? 'unknown';
    out.push(
      violation(
        ['spec', 'volumes', index, ...(source ? [source] : [])],
        'restricted volume types',
        `volume ${quote(name)} uses restricted volume type ${quote(type)}`
      )
    );
  }
  return out;
}

export const hostPathVolumes: PssCheckDefinition = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ sinceMinor: 0, check: hostPathVolumesV1Dot0 }]
};

export const restrictedVolumes: PssCheckDefinition = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ sinceMinor: 0, check: restrictedVolumesV1Dot0 }],
  // Every hostPath volume is also a restricted volume type, so restricted namespaces run only this check.
  overrides: 'hostPathVolumes'
};
