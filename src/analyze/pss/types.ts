/** Pod Security Standards: levels and versions as pod-security-admission names them. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** The newest policy version this build knows (v1.<LATEST_PSS_MINOR>). */
export const LATEST_PSS_MINOR = 37;

export interface PssSettings {
  level: PssLevel;
  /** Minor version of the policy, e.g. 37 for v1.37. */
  minor: number;
}

/** Parses 'latest', 'v1.30' or '1.30' into a minor number; undefined when it is none of these. */
export function parsePssVersion(text: string): number | undefined {
  if (text === 'latest') return LATEST_PSS_MINOR;
  const m = /^v?1\.(\d+)$/.exec(text);
  if (!m) return undefined;
  const minor = Number(m[1]);
  return minor <= LATEST_PSS_MINOR ? minor : undefined;
}
