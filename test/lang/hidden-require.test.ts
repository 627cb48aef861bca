// Issue 16's apollo case in small: protobufjs loads long at init through an eval'd require
// (util.inquire("long")). The optimized package must load long without the fallback store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { optimizeApp } from '../../src/pipeline.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'faaslight-hidden-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** fixtures/checks/<name> with `_node_modules` → `node_modules` (installed trees are git-ignored). */
function fixture(name: string): string {
  const dest = path.join(tmp, name);
  fs.cpSync(path.resolve('fixtures/checks', name), dest, { recursive: true });
  fs.renameSync(path.join(dest, '_node_modules'), path.join(dest, 'node_modules'));
  return dest;
}

test('a dependency required only through util.inquire at init is kept, and loads without a fallback', async () => {
  const input = fixture('hidden-require');
  const { job } = await optimizeApp({
    input,
    out: path.join(tmp, 'out'),
    handlers: ['handler.handler'],
    verifyEvents: [path.join(input, 'events/one.json')],
  });
  const files = new Map(job.plan.files.map((f) => [f.file, `${f.decision} ${f.reason.code}`]));
  expect([...files].filter(([f]) => f.startsWith('node_modules/long/'))).toEqual([
    ['node_modules/long/index.js', expect.stringMatching(/^keep /)],
    ['node_modules/long/package.json', expect.stringMatching(/^keep /)],
    ['node_modules/long/src/long.js', expect.stringMatching(/^keep /)],
  ]);
  // @protobufjs/inquire's own eval of a computed string is an unknown require: that package is kept whole.
  expect(job.diagnostics.filter((d) => d.id === 'FL103').map((d) => d.message)).toEqual([
    expect.stringMatching(/^node_modules\/@protobufjs\/inquire\/index.js:7: require\(<unknown>\) at line 7 has an unknown specifier/),
  ]);
  const verify = job.verify!;
  expect(verify.events.map((e) => [e.identical, e.fallbackLoads, e.optimized.ok])).toEqual([[true, [], true]]);
  expect(verify.events[0].optimized.output).toEqual({ id: 'Long(42)', hasLong: true });
  expect(verify.ok).toBe(true);
}, 60_000);
