// The two packages to deploy: A = the app as given, B = --vs or the app optimized by faaslight
// (library optimizeApp, into a temporary folder). Both are zipped deterministically; the input is
// never written.
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../diagnostics.js';
import { findHandler } from '../measure/handlers.js';
import { extractZip, writeZip } from '../package/zip.js';
import { optimizeApp } from '../pipeline.js';
import type { OptimizeSummary } from '../report/summary.js';
import type { HandlerSpec } from '../types.js';
import { DIRECT_UPLOAD_LIMIT } from './aws/local-endpoint.js';
import type { InvokeOptions } from './types.js';

export interface PreparedPackage {
  label: 'A' | 'B';
  /** As given by the user (or the optimized folder for B). */
  input: string;
  zipPath: string;
  zipBytes: number;
  handler: HandlerSpec;
}

export interface Prepared {
  packages: [PreparedPackage, PreparedPackage];
  notes: string[];
  /** Removes the temporary folder. */
  dispose(): Promise<void>;
}

const isZip = (p: string) => p.toLowerCase().endsWith('.zip');

async function one(label: 'A' | 'B', input: string, opts: InvokeOptions, tmp: string): Promise<PreparedPackage> {
  const st = await fsp.stat(input).catch(() => undefined);
  if (!st) throw new UsageError(`package not found: ${input}`);
  const gcf = opts.provider === 'gcf';
  let dir = input;
  let zipPath = path.join(tmp, `${label}.zip`);
  if (isZip(input)) {
    if (opts.provider === 'aws' && !opts.s3Bucket && st.size > DIRECT_UPLOAD_LIMIT) throw tooLarge(input, st.size);
    zipPath = input;
    dir = path.join(tmp, `${label}-unzipped`);
    // Only to find the handler inside; what is deployed is the zip itself.
    await extractZip(input, dir).catch((e: Error) => {
      throw new UsageError(`cannot open the zip ${input}: ${e.message}`);
    });
  } else if (!st.isDirectory()) throw new UsageError(`${input} is neither a folder nor a .zip`);
  const handler = await findHandler(dir, gcf ? undefined : opts.handler, gcf ? opts.handler : undefined);
  if (!isZip(input)) await writeZip(input, zipPath);
  return { label, input, zipPath, zipBytes: (await fsp.stat(zipPath)).size, handler };
}

export function tooLarge(input: string, bytes: number): UsageError {
  return new UsageError(
    `${input}: the zip is ${(bytes / 1048576).toFixed(1)} MB, over Lambda's 50 MB direct-upload limit: pass --s3-bucket <bucket> (in the same region) to upload it through S3`,
  );
}

export async function preparePackages(opts: InvokeOptions): Promise<Prepared> {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'faaslight-invoke-'));
  const dispose = () => fsp.rm(tmp, { recursive: true, force: true });
  try {
    const notes: string[] = [];
    const a = await one('A', opts.input, opts, tmp);
    let b: PreparedPackage;
    if (opts.vs) b = await one('B', opts.vs, opts, tmp);
    else {
      if (isZip(opts.input)) throw new UsageError('a zip cannot be optimized here: pass the app folder, or give the other package with --vs');
      const out = path.join(tmp, 'optimized');
      const zipPath = path.join(tmp, 'optimized.zip');
      const { summary } = await optimizeApp({
        input: opts.input,
        out,
        zipPath,
        // The handler found for A (by descriptor or convention) is the one optimized.
        handlers: opts.provider === 'aws' ? [a.handler.handler] : undefined,
        target: opts.provider === 'gcf' ? a.handler.exportName : undefined,
      });
      notes.push(`B is ${opts.input} optimized by faaslight (${describe(summary)})`);
      b = { label: 'B', input: `${opts.input} (optimized)`, zipPath, zipBytes: (await fsp.stat(zipPath)).size, handler: { ...a.handler } };
    }
    if (a.handler.runtime !== b.handler.runtime) throw new UsageError(`A and B have different runtimes (${a.handler.runtime} vs ${b.handler.runtime})`);
    return { packages: [a, b], notes, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

function describe(s: OptimizeSummary): string {
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  const pkg = s.package ? `, zip ${kb(s.package.before.zipBytes)} → ${kb(s.package.after.zipBytes)}` : '';
  return `${s.counts.lazy} lazy import(s), ${s.counts.stripped} file(s) stripped${pkg}`;
}
