/**
 * The one door to the repository's files. Every read goes through here so that the rules for untrusted input
 * hold everywhere: paths stay inside the root (also through symlinks), files have a size limit, and text must
 * be valid UTF-8. Problems are InputErrors that name the file and the reason.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

/** A problem with one input file: becomes a finding on that file, and the scan goes on. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly ruleId: string = 'invalid-input',
    readonly line?: number,
    readonly column?: number
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}

export interface RepoFilesOptions {
  maxFileBytes?: number;
  /** Folder names never walked into. */
  skipDirs?: readonly string[];
}

const DEFAULT_SKIP_DIRS = ['.git', 'node_modules', '.github'];

/** A path joined to the root as `securejoin` joins it (Flux's source paths): `..` stops at the root. */
export function underRoot(p: string): string {
  return path.posix.normalize(`/${p}`).replace(/^\/+/, '');
}

export class RepoFiles {
  readonly root: string;
  private readonly realRoot: string;
  readonly maxFileBytes: number;
  private readonly skipDirs: ReadonlySet<string>;

  constructor(root: string, options: RepoFilesOptions = {}) {
    this.root = path.resolve(root);
    this.realRoot = realpathSync(this.root);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.skipDirs = new Set(options.skipDirs ?? DEFAULT_SKIP_DIRS);
  }

  /** Normalises a repository-relative path ('a/./b/../c' -> 'a/c'); throws when it climbs out of the root. */
  normalize(rel: string, from = rel): string {
    if (path.isAbsolute(rel)) throw new InputError(from, `absolute path "${rel}" is not allowed; paths must stay inside the repository`, 'path-outside-repository');
    const norm = path.posix.normalize(rel.split(path.sep).join('/'));
    if (norm === '..' || norm.startsWith('../')) {
      throw new InputError(from, `path "${rel}" leaves the repository`, 'path-outside-repository');
    }
    return norm === '.' ? '' : norm.replace(/\/$/, '');
  }

  /** Joins a path written in `fromFile`'s folder (like a kustomization's `resources:` entry) to a repo path. */
  resolveFrom(dir: string, rel: string, fromFile: string): string {
    if (path.isAbsolute(rel)) throw new InputError(fromFile, `absolute path "${rel}" is not allowed; paths must stay inside the repository`, 'path-outside-repository');
    return this.normalize(path.posix.join(dir, rel), fromFile);
  }

  absolute(rel: string): string {
    return path.join(this.root, this.normalize(rel));
  }

  /** Resolves symlinks and checks that the real file is still inside the repository. */
  private confined(rel: string): string {
    const abs = this.absolute(rel);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      throw new InputError(rel, 'file not found', 'file-not-found');
    }
    if (real !== this.realRoot && !real.startsWith(this.realRoot.endsWith(path.sep) ? this.realRoot : this.realRoot + path.sep)) {
      throw new InputError(rel, 'symlink points outside the repository; not read', 'path-outside-repository');
    }
    return real;
  }

  /**
   * The repository-relative real path of a file or folder (symbolic links resolved), as programs that follow
   * links see it; throws an InputError when it does not exist or leaves the repository.
   */
  canonical(rel: string): string {
    const real = this.confined(rel);
    return real === this.realRoot ? '' : path.relative(this.realRoot, real).split(path.sep).join('/');
  }

  exists(rel: string): boolean {
    try {
      this.confined(rel);
      return true;
    } catch {
      return false;
    }
  }

  isDirectory(rel: string): boolean {
    try {
      return statSync(this.confined(rel)).isDirectory();
    } catch {
      return false;
    }
  }

  isFile(rel: string): boolean {
    try {
      return statSync(this.confined(rel)).isFile();
    } catch {
      return false;
    }
  }

  readBytes(rel: string): Buffer {
    const real = this.confined(rel);
    const stat = statSync(real);
    if (!stat.isFile()) throw new InputError(rel, 'not a regular file', 'invalid-input');
    if (stat.size > this.maxFileBytes) {
      throw new InputError(rel, `file is ${stat.size} bytes, over the ${this.maxFileBytes}-byte limit; not scanned`, 'file-too-large');
    }
    return readFileSync(real);
  }

  /** Reads a file as text; invalid UTF-8 is an InputError naming the byte offset. */
  readText(rel: string): string {
    return decodeUtf8(this.readBytes(rel), rel);
  }

  /**
   * Lists the entries of a folder (names only), sorted. Every entry is listed, also a symbolic link that leaves the
   * repository or points nowhere (as a file): reading it reports why, so nothing vanishes without a word.
   */
  list(dirRel: string): { name: string; isDir: boolean }[] {
    const real = this.confined(dirRel);
    const out: { name: string; isDir: boolean }[] = [];
    for (const entry of readdirSync(real, { withFileTypes: true })) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDir = statSync(this.confined(rel)).isDirectory();
        } catch {
          isDir = false;
        }
      }
      out.push({ name: entry.name, isDir });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Every file under `dirRel` (repository-relative paths, sorted), not following symlinked folders and skipping
   * `.git` and friends. Symlinked files inside the repository are listed (reading them follows the link); a link
   * that leaves the repository is not listed but reported in `problems`, as Argo CD refuses such links too.
   */
  walk(dirRel = '', problems?: InputError[]): string[] {
    const files: string[] = [];
    const visit = (dir: string): void => {
      let entries;
      try {
        entries = readdirSync(path.join(this.root, dir), { withFileTypes: true });
      } catch (err) {
        problems?.push(new InputError(dir || '.', `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); nothing in it is checked`, 'invalid-input'));
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!this.skipDirs.has(entry.name)) visit(rel);
        } else if (entry.isSymbolicLink()) {
          const where = this.linkTarget(rel);
          if (where === 'outside') {
            problems?.push(new InputError(rel, `symbolic link points outside the repository (${readlinkSync(path.join(this.root, rel))}); not followed`, 'path-outside-repository'));
          } else if (where !== 'dir') files.push(rel);
        } else if (entry.isFile()) {
          files.push(rel);
        }
      }
    };
    visit(this.normalize(dirRel));
    return files;
  }

  /** The text of a symbolic link at a repository path, as written (undefined when the path is not a link). */
  readLink(rel: string): string | undefined {
    try {
      return readlinkSync(path.join(this.root, rel));
    } catch {
      return undefined;
    }
  }

  /**
   * The first link (in walk order) whose text leaves the repository, read as Argo CD's `CheckOutOfBoundsSymlinks`
   * reads it: absolute targets, and relative ones any step of which goes above the root, whether the target exists
   * or not. `.git` is not walked; nor is anything through a link.
   */
  firstEscapingLink(): string | undefined {
    const visit = (dir: string): string | undefined => {
      let entries;
      try {
        entries = readdirSync(path.join(this.root, dir), { withFileTypes: true });
      } catch {
        return undefined;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (entry.name === '.git' && dir === '') continue;
          const found = visit(rel);
          if (found !== undefined) return found;
        } else if (entry.isSymbolicLink()) {
          const target = this.readLink(rel);
          if (target === undefined) continue;
          if (path.isAbsolute(target)) return rel;
          let current = path.posix.dirname(rel);
          for (const part of target.split(path.sep)) {
            current = path.posix.join(current, part);
            if (current === '..' || current.startsWith('../')) return rel;
          }
        }
      }
      return undefined;
    };
    return visit('');
  }

  /** Where a symbolic link leads: a folder or a file inside the repository, outside it, or nowhere. */
  private linkTarget(rel: string): 'dir' | 'file' | 'outside' | 'missing' {
    try {
      return statSync(this.confined(rel)).isDirectory() ? 'dir' : 'file';
    } catch (err) {
      return err instanceof InputError && err.ruleId === 'path-outside-repository' ? 'outside' : 'missing';
    }
  }

  /**
   * A digest of a file's content, read in bounded chunks (at most `maxBytes`, the size counted in), for deciding
   * whether content the gate could not check changed between two revisions. Links and missing files digest what
   * they are ('outside:<target>', 'missing').
   */
  contentDigest(rel: string, maxBytes = 64 * 1024 * 1024): string {
    let real: string;
    try {
      real = this.confined(rel);
    } catch (err) {
      if (err instanceof InputError && err.ruleId === 'path-outside-repository') {
        try {
          return `outside:${readlinkSync(path.join(this.root, this.normalize(rel)))}`;
        } catch {
          return 'outside';
        }
      }
      return 'missing';
    }
    const stat = statSync(real);
    if (!stat.isFile()) return stat.isDirectory() ? 'folder' : 'not-a-file';
    const hash = createHash('sha256').update(`size:${stat.size}\0`);
    const fd = openSync(real, 'r');
    try {
      const chunk = Buffer.alloc(1024 * 1024);
      for (let done = 0; done < Math.min(stat.size, maxBytes); ) {
        const n = readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes - done), done);
        if (n <= 0) break;
        hash.update(chunk.subarray(0, n));
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    return hash.digest('hex');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(file, `not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(bytes)})`, 'invalid-encoding');
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const n = b < 0x80 ? 1 : b >> 5 === 0b110 ? 2 : b >> 4 === 0b1110 ? 3 : b >> 3 === 0b11110 ? 4 : 0;
    if (n === 0 || i + n > bytes.length) return i;
    for (let k = 1; k < n; k++) if (bytes[i + k] >> 6 !== 0b10) return i;
    i += n;
  }
  return i;
}
