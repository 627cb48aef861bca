// The file-system hooks of a run. Analysis reads through these (never node:fs directly), so it runs the
// same on a folder on disk and on an in-memory fixture; a zip or an overlay is one more implementation.
import fs from 'node:fs';
import path from 'node:path';

export interface FileStat {
  size: number;
  isFile: boolean;
  isDirectory: boolean;
}

/** Absolute paths in, like node:fs; a missing file throws an error with code ENOENT, like node:fs. */
export interface FileSystem {
  readFile(absPath: string): Buffer;
  /** The first `bytes` bytes (fewer when the file is shorter): a file's magic number without reading all of it. */
  readHead(absPath: string, bytes: number): Buffer;
  stat(absPath: string): FileStat;
}

export const nodeFileSystem: FileSystem = {
  readFile: (p) => fs.readFileSync(p),
  readHead(p, bytes) {
    const fd = fs.openSync(p, 'r');
    try {
      const buf = Buffer.alloc(bytes);
      return buf.subarray(0, fs.readSync(fd, buf, 0, bytes, 0));
    } finally {
      fs.closeSync(fd);
    }
  },
  stat: (p) => {
    const s = fs.statSync(p);
    return { size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory() };
  },
};

function enoent(op: string, p: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${op} '${p}'`), { code: 'ENOENT', syscall: op, path: p });
}

/**
 * Files held in memory, keyed by path relative to `root` (POSIX separators), as esbuild's mock FS:
 * tests give a table of sources instead of writing a fixture folder. Directories are implied by the files.
 */
export function memoryFileSystem(root: string, files: Record<string, string | Buffer>): FileSystem {
  const base = path.resolve(root);
  const data = new Map<string, Buffer>();
  const dirs = new Set<string>([base]);
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(base, rel);
    data.set(p, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    for (let d = path.dirname(p); d.startsWith(base) && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
  }
  return {
    readFile(p) {
      const b = data.get(path.resolve(p));
      if (!b) throw enoent('open', p);
      return b;
    },
    readHead(p, bytes) {
      return this.readFile(p).subarray(0, bytes);
    },
    stat(p) {
      const abs = path.resolve(p);
      const b = data.get(abs);
      if (b) return { size: b.length, isFile: true, isDirectory: false };
      if (dirs.has(abs)) return { size: 0, isFile: false, isDirectory: true };
      throw enoent('stat', p);
    },
  };
}
