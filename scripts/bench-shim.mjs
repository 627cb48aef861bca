#!/usr/bin/env node
// Cost of the faaslight runtime shim when nothing is missing: cold `node` starts of the fixture
// handler with and without the shim line, interleaved, in a clean environment (no NODE_OPTIONS,
// no NODE_EXTRA_CA_CERTS). Prints medians and their ratio for the CommonJS handler and for the ESM
// handler (which also registers the ESM hooks thread).
//   node scripts/bench-shim.mjs [runs=20]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(repo, 'fixtures/package/app');
const runner = path.join(repo, 'fixtures/package/run.cjs');
const runs = Number(process.argv[2] ?? 20);
const SHIM = '// faaslight: restores stripped files on demand';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-bench-shim-'));
const plain = path.join(base, 'plain');
const shimmed = path.join(base, 'shimmed');
fs.cpSync(app, plain, { recursive: true });
fs.cpSync(app, shimmed, { recursive: true });

// The shimmed copy: runtime files, a one-file store (never read: nothing is missing), shim lines.
const fl = path.join(shimmed, '.faaslight');
fs.mkdirSync(path.join(fl, 'fallback'), { recursive: true });
for (const f of ['shim.cjs', 'restore.cjs', 'esm-hooks.mjs']) fs.copyFileSync(path.join(repo, 'runtime/node', f), path.join(fl, f));
const gz = zlib.gzipSync(Buffer.from('module.exports = 1;\n'));
fs.writeFileSync(path.join(fl, 'fallback/store.bin'), gz);
fs.writeFileSync(
  path.join(fl, 'fallback/index.json'),
  JSON.stringify({ version: 1, files: { 'lib/unused.js': { offset: 0, length: gz.length, size: 20, mode: 420, sha256: '' } } }),
);
const cjs = path.join(shimmed, 'handler.js');
fs.writeFileSync(cjs, fs.readFileSync(cjs, 'utf8').replace("'use strict';\n", `'use strict';\nrequire('./.faaslight/shim.cjs'); ${SHIM}\n`));
const esm = path.join(shimmed, 'esm-handler.mjs');
fs.writeFileSync(esm, `import './.faaslight/shim.cjs'; ${SHIM}\n${fs.readFileSync(esm, 'utf8')}`);
// CommonJS variant without the ESM hooks file, as packaged for CommonJS-only handlers.
const cjsOnly = path.join(base, 'shimmed-cjs');
fs.cpSync(shimmed, cjsOnly, { recursive: true });
fs.rmSync(path.join(cjsOnly, '.faaslight/esm-hooks.mjs'));

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', TZ: 'UTC', HOME: '/tmp' };
function once(handler) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [runner, handler, '{}'], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stderr) throw new Error(`${handler} failed: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function compare(label, without, withShim) {
  once(without); // warm the file cache for both
  once(withShim);
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(once(without));
    b.push(once(withShim));
  }
  const [ma, mb] = [median(a), median(b)];
  console.log(
    `${label}: without ${ma.toFixed(1)} ms, with shim ${mb.toFixed(1)} ms, ratio ${(mb / ma).toFixed(3)} (+${(mb - ma).toFixed(1)} ms), medians of ${runs}`,
  );
}

try {
  console.log(`node ${process.version}, ${os.cpus().length} cpu(s)`);
  compare('CommonJS handler', path.join(plain, 'handler.js'), path.join(cjsOnly, 'handler.js'));
  compare('ESM handler (+ hooks thread)', path.join(plain, 'esm-handler.mjs'), esm);
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
