/** Scans a folder written from `files` (repository-relative path -> content) with the real pipeline, then removes it. */
import { run, type RunResult } from '../../src/run.js';
import { removeDir, tempDir, writeTree } from './temp-repo.js';

export async function scanTree(files: Record<string, string>, prefix = 'gg-scan-'): Promise<RunResult> {
  const root = tempDir(prefix);
  writeTree(root, files);
  try {
    return await run({ root });
  } finally {
    removeDir(root);
  }
}
