/**
 * Reading chart archives (`.tgz`): gunzip (node:zlib) and a small, strict tar reader.
 * Archives are untrusted input, so every limit is enforced while reading: decompressed size, entry count and
 * per-entry size, no absolute or `..` paths, no links. The size and count limits are one budget per chart load,
 * drawn on by the chart's archive and every archive nested in it at any depth, so a small archive of archives
 * cannot multiply them. Problems are ArchiveErrors with Helm-like wording, naming the archive being read.
 */
import { gunzipSync } from 'node:zlib';

export interface ArchiveLimits {
  /** Most bytes the chart's archives may expand to, together (Helm: MaxDecompressedChartSize, 100 MiB). */
  maxTotalBytes: number;
  /** Most bytes one file may have (Helm: MaxDecompressedFileSize, 5 MiB). */
  maxEntryBytes: number;
  /** Most entries (files, folders, headers) in the chart's archives, together. */
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 64 * 1024 * 1024,
  maxEntryBytes: 5 * 1024 * 1024,
  maxEntries: 10_000
};

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

const SHARED = 'the chart and every archive nested in it count together';

/**
 * What is left of one chart load's limits. Every archive read with it (the chart's own and each nested one) takes
 * its decompressed bytes and entries from what the ones before it left.
 */
export class ArchiveBudget {
  private bytesLeft: number;
  private entriesLeft: number;

  constructor(readonly limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) {
    this.bytesLeft = limits.maxTotalBytes;
    this.entriesLeft = limits.maxEntries;
  }

  /** What the archives read so far took. */
  get used(): { bytes: number; entries: number } {
    return { bytes: this.limits.maxTotalBytes - this.bytesLeft, entries: this.limits.maxEntries - Math.max(0, this.entriesLeft) };
  }

  /** Gunzips `data`, never holding more than what is left of the budget, and takes the bytes it expands to. */
  gunzip(data: Buffer, archive: string): Buffer {
    const tooLarge = () => new ArchiveError(`decompressed chart is larger than the maximum size ${this.limits.maxTotalBytes} (reading ${archive}; ${SHARED})`);
    if (this.bytesLeft < 1) throw tooLarge();
    let out: Buffer;
    try {
      out = gunzipSync(data, { maxOutputLength: this.bytesLeft });
    } catch (err) {
      if (err instanceof RangeError || (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw new ArchiveError(`cannot gunzip archive ${archive}: ${(err as Error).message}`);
    }
    this.bytesLeft -= out.length;
    return out;
  }

  /** Takes one tar entry. */
  entry(archive: string): void {
    if (--this.entriesLeft < 0) throw new ArchiveError(`decompressed chart has more than ${this.limits.maxEntries} entries (reading ${archive}; ${SHARED})`);
  }

  /** Checks one file's size. */
  file(name: string, size: number, archive: string): void {
    if (size > this.limits.maxEntryBytes) {
      throw new ArchiveError(`decompressed chart file "${name}" is larger than the maximum file size ${this.limits.maxEntryBytes} (reading ${archive})`);
    }
  }
}

export interface ArchiveEntry {
  /** Path inside the archive, '/'-separated, normalised (no leading './'). */
  name: string;
  data: Buffer;
}

function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Gunzips and reads a chart archive (named `archive` in messages) into its regular files, drawing on `budget`:
 * pass the same budget for every archive of one chart.
 */
export function readTarGz(data: Buffer, budget: ArchiveBudget = new ArchiveBudget(), archive = 'archive'): ArchiveEntry[] {
  if (!isGzip(data)) throw new ArchiveError('file does not appear to be a gzipped archive; got \'application/octet-stream\'');
  return readTar(budget.gunzip(data, archive), budget, archive);
}

function cstring(buf: Buffer, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && buf[end] !== 0) end++;
  return buf.toString('utf8', start, end);
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 encoding for large numbers
  if (buf[start] & 0x80) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i];
    return v;
  }
  const s = cstring(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ArchiveError(`invalid tar header: bad number "${s}"`);
  return parseInt(s, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.toString('utf8', pos, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.toString('utf8', sp + 1, pos + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Normalises an entry name; throws on absolute paths and parent references (as Helm's loader does). */
export function cleanEntryName(raw: string): string {
  const name = raw.replace(/\\/g, '/');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ArchiveError('chart illegally contains absolute paths');
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') throw new ArchiveError('chart illegally references parent directory');
    parts.push(p);
  }
  return parts.join('/');
}

/** Reads an uncompressed tar stream. Only regular files are returned; links are refused. */
function readTar(tar: Buffer, budget: ArchiveBudget, archive: string): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let pos = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  while (pos + 512 <= tar.length) {
    const header = tar.subarray(pos, pos + 512);
    if (header.every((b) => b === 0)) break;
    budget.entry(archive);
    // checksum
    const sum = octal(header, 148, 8);
    let calc = 0;
    for (let i = 0; i < 512; i++) calc += i >= 148 && i < 156 ? 0x20 : header[i];
    if (sum !== calc) throw new ArchiveError('invalid tar header checksum');
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    let name = cstring(header, 0, 100);
    const magic = header.toString('latin1', 257, 262);
    if (magic === 'ustar') {
      const prefix = cstring(header, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    const dataStart = pos + 512;
    const dataEnd = dataStart + size;
    if (dataEnd > tar.length) throw new ArchiveError('unexpected end of tar archive');
    pos = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      if (size > 64 * 1024) throw new ArchiveError('tar long name too long');
      longName = cstring(tar, dataStart, size);
      continue;
    }
    if (type === 'x') {
      if (size > 1024 * 1024) throw new ArchiveError('tar extended header too long');
      pax = parsePax(tar.subarray(dataStart, dataEnd));
      continue;
    }
    if (type === 'g') continue;
    if (longName !== undefined) name = longName;
    if (pax.path !== undefined) name = pax.path;
    longName = undefined;
    pax = {};
    if (type === '5') continue; // directory
    if (type === '1' || type === '2') throw new ArchiveError(`archive entry "${name}" is a link; links are not allowed in chart archives`);
    if (type !== '0' && type !== '7') continue; // devices, fifos, ...: skipped
    if (name === 'pax_global_header') continue;
    const clean = cleanEntryName(name);
    budget.file(clean, size, archive);
    entries.push({ name: clean, data: Buffer.from(tar.subarray(dataStart, dataEnd)) });
  }
  return entries;
}

/** Builds a tar stream from files (used by tests to make archives). */
export function writeTar(files: { name: string; data: Buffer | string; type?: string; linkname?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const data = typeof f.data === 'string' ? Buffer.from(f.data) : f.data;
    const h = Buffer.alloc(512);
    h.write(f.name.slice(0, 100), 0, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write(f.type ?? '0', 156);
    if (f.linkname) h.write(f.linkname.slice(0, 100), 157);
    h.write('ustar\0', 257);
    h.write('00', 263);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
