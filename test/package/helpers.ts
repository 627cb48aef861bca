// Shared helpers of the packaging tests: temp folders, tree hashes, running a handler for real.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../../src/util/env.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/package/', import.meta.url));
export const APP = path.join(FIXTURES, 'app');
export const RUNNER = path.join(FIXTURES, 'run.cjs');

/** How the runtime and packaging tests split the fixture app. */
export const KEEP = ['esm-handler.mjs', 'handler.js', 'lib/kept.js', 'node_modules/kept-pkg/index.js', 'node_modules/kept-pkg/package.json', 'package.json'];
export const STRIP = [
  'lib/stripped-esm.mjs',
  'lib/stripped-rel.js',
  'lib/uses-kept.js',
  'node_modules/kept-pkg/lib/extra.js',
  'node_modules/left-pad/index.js',
  'node_modules/left-pad/package.json',
  'node_modules/left-pad/repeat.js',
];

export function tmpDir(prefix = 'fl-pkg-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** sha256 over every entry below `dir` (path, type, mode, content or link text), in path order. */
export function hashTree(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string, rel: string): void => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      h.update(`${r}\0${st.mode}\0`);
      if (st.isSymbolicLink()) h.update(fs.readlinkSync(p));
      else if (st.isDirectory()) walk(p, r);
      else h.update(fs.readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

export function sha256File(p: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

export interface RunResult {
  status: number | null;
  out: unknown;
  stdout: string;
  stderr: string;
  /** `faaslight: fallback load <rel>` lines, in order. */
  fallbackLoads: string[];
}

/** Runs `handlerFile` with `event` in a child node with a clean environment. */
export function runHandler(handlerFile: string, event: object, opts: { mirror?: string; uid?: number; gid?: number } = {}): RunResult {
  const r = spawnSync(process.execPath, [RUNNER, handlerFile, JSON.stringify(event)], {
    env: cleanEnv({ FAASLIGHT_FALLBACK_DIR: opts.mirror }),
    encoding: 'utf8',
    uid: opts.uid,
    gid: opts.gid,
    timeout: 30_000,
  });
  let out: unknown;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    out = undefined;
  }
  const fallbackLoads = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('faaslight: fallback load '))
    .map((l) => l.slice('faaslight: fallback load '.length));
  return { status: r.status, out, stdout: r.stdout, stderr: r.stderr, fallbackLoads };
}
