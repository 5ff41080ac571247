/**
 * The chart cache folder carried between workflow runs by the Actions cache service (@actions/cache). Restored
 * before the scan from the newest entry this ref may read (a pull request reads its own and the default branch's
 * entries, and writes only its own: it cannot poison what main uses), saved after it under a key made of the
 * digests it holds, so an unchanged set is not saved again. Every entry is verified by digest when read, so a
 * wrong cache can only cost time. Problems are warnings: the cache never changes a verdict.
 */
import { createHash } from 'node:crypto';
import * as cache from '@actions/cache';
import type { RemoteChartUse } from '../run.js';

const PREFIX = 'gitops-gate-charts-v1-';

export interface CacheLog {
  info(message: string): void;
  warning(message: string): void;
}

/** Restores the folder; returns the key it came from, if any. */
export async function restoreChartCache(dir: string, log: CacheLog): Promise<string | undefined> {
  if (!cache.isFeatureAvailable()) return undefined;
  try {
    const key = await cache.restoreCache([dir], PREFIX, [PREFIX]);
    if (key) log.info(`Chart cache restored from ${key}.`);
    return key;
  } catch (err) {
    log.warning(`The chart cache could not be restored: ${(err as Error).message}`);
    return undefined;
  }
}

/** The key for a set of charts: the same charts, the same key. */
export function chartCacheKey(charts: readonly RemoteChartUse[]): string {
  const digests = [...new Set(charts.map((c) => c.digest))].sort();
  return `${PREFIX}${createHash('sha256').update(digests.join('\n')).digest('hex').slice(0, 32)}`;
}

/** Saves the folder when the run used remote charts and their set is not the restored one. */
export async function saveChartCache(dir: string, charts: readonly RemoteChartUse[], restored: string | undefined, log: CacheLog): Promise<void> {
  if (charts.length === 0 || !cache.isFeatureAvailable()) return;
  const key = chartCacheKey(charts);
  if (key === restored) return;
  try {
    await cache.saveCache([dir], key);
    log.info(`Chart cache saved as ${key}.`);
  } catch (err) {
    log.warning(`The chart cache could not be saved: ${(err as Error).message}`);
  }
}
