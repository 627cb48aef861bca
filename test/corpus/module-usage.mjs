#!/usr/bin/env node
// Which packages does each event of a corpus app use beyond what init already used?
//   node test/corpus/module-usage.mjs <appDir> <handlerString> <event.json>...
// Runs the handler once with no event (init only) and once per event, each in a fresh process with
// V8 precise coverage. A file is "used by the event" when it was loaded only then, or when any of its
// functions ran a different number of times than in the init-only run. Prints, per event, the packages
// (and newly loaded files) it used beyond init, and which of them no other event used.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function cleanEnv(extra) {
  return { PATH: process.env.PATH, TZ: 'UTC', LANG: 'C.UTF-8', HOME: '/tmp', ...extra };
}

function run(appDir, handler, eventFile) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'usage-'));
  const out = path.join(tmp, 'out.json');
  const args = [path.join(here, 'usage-runner.cjs'), appDir, handler, out];
  if (eventFile) args.push(path.resolve(eventFile));
  const r = spawnSync(process.execPath, args, { env: cleanEnv({ NODE_V8_COVERAGE: path.join(tmp, 'cov') }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${eventFile || 'init'}: exit ${r.status}\n${r.stderr}`);
  const counts = new Map(); // file -> "count,count,..."
  for (const f of fs.readdirSync(path.join(tmp, 'cov'))) {
    for (const s of JSON.parse(fs.readFileSync(path.join(tmp, 'cov', f), 'utf8')).result) {
      if (!s.url.startsWith('file://')) continue;
      const file = fileURLToPath(s.url);
      if (!file.startsWith(appDir + path.sep)) continue;
      counts.set(path.relative(appDir, file), s.functions.map((fn) => `${fn.ranges[0].startOffset}:${fn.ranges[0].count}`).join(','));
    }
  }
  const { cache, result } = JSON.parse(fs.readFileSync(out, 'utf8'));
  for (const f of cache) if (f.startsWith(appDir + path.sep) && !counts.has(path.relative(appDir, f))) counts.set(path.relative(appDir, f), 'loaded');
  fs.rmSync(tmp, { recursive: true, force: true });
  return { counts, result };
}

function packageOf(rel) {
  const m = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(rel);
  return m ? m[1] : '(app)';
}

/** Per event: packages/files it used beyond init, and the packages no other event used. */
export function moduleUsage(appDir, handler, events) {
  appDir = path.resolve(appDir);
  const init = run(appDir, handler, null);
  const used = {};
  for (const ev of events) {
    const { counts } = run(appDir, handler, ev);
    const files = [...counts].filter(([f, c]) => init.counts.get(f) !== c).map(([f]) => f);
    used[ev] = { files, packages: [...new Set(files.map(packageOf))].sort(), newlyLoaded: files.filter((f) => !init.counts.has(f)) };
  }
  for (const ev of events) {
    const others = events.filter((e) => e !== ev);
    const otherPackages = new Set(others.flatMap((e) => used[e].packages));
    const otherFiles = new Set(others.flatMap((e) => used[e].files));
    used[ev].onlyPackages = used[ev].packages.filter((p) => !otherPackages.has(p));
    used[ev].onlyFiles = used[ev].files.filter((f) => !otherFiles.has(f));
  }
  return used;
}

function main() {
  const [appArg, handler, ...events] = process.argv.slice(2);
  if (!appArg || !handler || events.length === 0) {
    console.error('usage: module-usage.mjs <appDir> <handler> <event.json>...');
    process.exit(2);
  }
  const used = moduleUsage(appArg, handler, events);
  const more = (list, n) => `${list.slice(0, n).join(', ')}${list.length > n ? ` (+${list.length - n})` : ''}`;
  for (const ev of events) {
    const u = used[ev];
    console.log(`${path.basename(ev)}: uses ${u.packages.join(', ') || '-'}`);
    console.log(`  only this event: ${u.onlyPackages.join(', ') || '-'}`);
    if (u.onlyFiles.length) console.log(`  files only this event: ${more(u.onlyFiles, 6)}`);
    if (u.newlyLoaded.length) console.log(`  loaded after init: ${more(u.newlyLoaded, 8)}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
