#!/usr/bin/env node
// Optimizes corpus apps (verify and measure off) and prints the sha256 of each zip, so that a refactor
// or a speed change can show that its output is byte-identical:
//   node scripts/zip-hashes.mjs [--only App23JS,App3] [--modes default,bundle] [--out /tmp/zip-hashes] > hashes.txt
// One line per app and mode: `<app> <mode> <sha256|error: …>`. Exits 1 when an app fails to optimize.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODES = { default: [], bundle: ['--bundle'] };
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const apps = (
  opt('--only') ??
  fs
    .readdirSync(path.join(ROOT, 'apps'))
    .filter((a) => /^App\d/.test(a))
    .join(',')
).split(',');
const modes = (opt('--modes') ?? 'default').split(',');
const out = path.resolve(opt('--out') ?? path.join(os.tmpdir(), 'faaslight-zip-hashes'));
fs.mkdirSync(out, { recursive: true });
let failed = false;
for (const app of apps) {
  for (const mode of modes) {
    if (!MODES[mode]) throw new Error(`unknown mode ${mode} (${Object.keys(MODES).join(', ')})`);
    // Python apps have no bundle mode.
    if (mode !== 'default' && !fs.existsSync(path.join(ROOT, 'apps', app, 'package.json'))) continue;
    const dest = path.join(out, `${app}.${mode}`);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.rmSync(`${dest}.zip`, { force: true });
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/faaslight.js'), 'optimize', path.join(ROOT, 'apps', app), '--out', dest, ...MODES[mode]], {
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      failed = true;
      console.log(`${app} ${mode} error: exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`);
      continue;
    }
    console.log(
      `${app} ${mode} ${createHash('sha256')
        .update(fs.readFileSync(`${dest}.zip`))
        .digest('hex')}`,
    );
  }
}
process.exit(failed ? 1 : 0);
