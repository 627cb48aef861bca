// A fresh task root per instance, like Lambda unpacking the deployment package into a new sandbox.
// The unpack is timed (it is the platform's cost for a bigger package) and the folder is always
// removed afterwards, whatever happened in between.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractZip } from '../package/zip.js';

export interface TaskRoot {
  /** Temporary folder holding the task root (and scratch files such as the profile). */
  base: string;
  dir: string;
  /** A fresh, private temporary folder (TMPDIR) per instance, like Lambda's /tmp of a new sandbox:
   * anything cached there (the fallback store's restored files …) must not survive into the next cold start. */
  tmp: string;
  unpackMs: number;
}

export function isZip(input: string): boolean {
  return input.toLowerCase().endsWith('.zip');
}

/** Creates the temporary folder; the caller removes `base` in a finally block. */
export async function makeBase(): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), 'faaslight-measure-'));
}

/** Extracts the zip or copies the folder into `<base>/task`; throws on a corrupt or unsafe zip. */
export async function unpackInto(base: string, input: string): Promise<TaskRoot> {
  const dir = path.join(base, 'task');
  const t0 = performance.now();
  if (isZip(input)) {
    await extractZip(input, dir);
  } else {
    // Links are copied as written, so a relative link inside the package still resolves in the copy.
    await fsp.cp(input, dir, { recursive: true, verbatimSymlinks: true });
  }
  const unpackMs = performance.now() - t0;
  const tmp = path.join(base, 'tmp');
  await fsp.mkdir(tmp);
  return { base, dir, tmp, unpackMs };
}

export async function removeBase(base: string): Promise<void> {
  await fsp.rm(base, { recursive: true, force: true, maxRetries: 3 });
}
