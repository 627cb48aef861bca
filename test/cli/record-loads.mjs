// Preload for `node --import <this> bin/faaslight.js …`: appends the path of every module file the
// process loads to $FL_RECORD_LOADS, one per line. ES modules (and CommonJS ones imported from ESM) are
// seen by a load hook, which runs on the loader thread; CommonJS files required from CommonJS never reach
// that hook on Node 20, so the CommonJS cache is added when the process exits. Both together are every
// file on disk that ran, whatever the module format, and none of it depends on timing.
import fs from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';

let out = process.env.FL_RECORD_LOADS;

/** Loader thread: receives the output file from register() below. */
export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  if (url.startsWith('file:')) fs.appendFileSync(out, `${fileURLToPath(url)}\n`);
  return next(url, context);
}

if (isMainThread) {
  if (!out) throw new Error('record-loads: set FL_RECORD_LOADS to the file to write');
  register(import.meta.url, { data: { out } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () =>
    fs.appendFileSync(
      out,
      Object.keys(cache)
        .map((f) => `${f}\n`)
        .join(''),
    ),
  );
}
