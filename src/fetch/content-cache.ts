/**
 * The chart cache on disk, content-addressed: archives under `blobs/sha256/<hex>`, verified against their digest
 * on every read (a wrong or tampered entry is removed and counts as a miss); what is known of a chart version
 * (location, chart, version -> digest) under `refs/`; Helm repository indexes with the time they were fetched
 * under `indexes/`. Shared by base and head and by later runs (the action saves and restores the folder).
 * Writes are atomic (a temporary file renamed into place), so a killed run leaves no half-written entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ChartRef {
  digest: string;
  /** The version the reference resolved to (for an exact request, the same). */
  version: string;
  /** Where the archive was downloaded from. */
  url: string;
}

export interface CachedIndex {
  fetchedAt: number;
  body: Buffer;
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function keyName(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export class ContentCache {
  constructor(readonly dir: string | undefined) {}

  /** The archive with this digest, verified; undefined when absent or when the bytes do not match. */
  readBlob(digest: string): Buffer | undefined {
    const file = this.blobPath(digest);
    if (!file) return undefined;
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return undefined;
    }
    if (sha256Digest(data) === digest) return data;
    rmSync(file, { force: true });
    return undefined;
  }

  writeBlob(data: Buffer): string {
    const digest = sha256Digest(data);
    const file = this.blobPath(digest);
    if (file) this.write(file, data);
    return digest;
  }

  readRef(location: string, chart: string, version: string): ChartRef | undefined {
    const value = this.readJson(this.refPath(location, chart, version));
    const ref = value as Partial<ChartRef> | undefined;
    return ref && typeof ref.digest === 'string' && typeof ref.version === 'string' && typeof ref.url === 'string' ? { digest: ref.digest, version: ref.version, url: ref.url } : undefined;
  }

  writeRef(location: string, chart: string, version: string, ref: ChartRef): void {
    const file = this.refPath(location, chart, version);
    if (file) this.write(file, Buffer.from(JSON.stringify(ref)));
  }

  readIndex(url: string): CachedIndex | undefined {
    const meta = this.readJson(this.dir && path.join(this.dir, 'indexes', `${keyName([url])}.json`)) as { fetchedAt?: number; digest?: string } | undefined;
    if (!meta || typeof meta.fetchedAt !== 'number' || typeof meta.digest !== 'string') return undefined;
    const body = this.readBlob(meta.digest);
    return body ? { fetchedAt: meta.fetchedAt, body } : undefined;
  }

  writeIndex(url: string, body: Buffer, fetchedAt: number): void {
    if (!this.dir) return;
    const digest = this.writeBlob(body);
    this.write(path.join(this.dir, 'indexes', `${keyName([url])}.json`), Buffer.from(JSON.stringify({ url, fetchedAt, digest })));
  }

  private blobPath(digest: string): string | undefined {
    const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
    return this.dir && hex ? path.join(this.dir, 'blobs', 'sha256', hex) : undefined;
  }

  private refPath(location: string, chart: string, version: string): string | undefined {
    return this.dir && path.join(this.dir, 'refs', `${keyName([location, chart, version])}.json`);
  }

  private readJson(file: string | undefined): unknown {
    if (!file) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  private write(file: string, data: Buffer): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, file);
  }
}
