// Node flags that Lambda's own runtime passes, applied to local runs (verify, measure, the code cache).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { lambdaNodeFlags, lambdaV8Flags, harnessCommand } from '../../src/sandbox/index.js';
import type { HandlerSpec } from '../../src/types.js';

const known = process.allowedNodeEnvironmentFlags.has('--experimental-require-module');

const V8_1024 = ['--expose-gc', '--max-semi-space-size=51', '--max-old-space-size=922'];
test.each([
  ['nodejs20.x', 'aws', known, V8_1024],
  ['nodejs22.x', 'aws', known, V8_1024],
  ['nodejs24.x', 'aws', false, V8_1024],
  [undefined, 'aws', false, V8_1024],
  ['nodejs20.x', 'gcf', false, []],
] as const)("%s (%s): --no-experimental-require-module %s, then the V8 flags of Lambda's bootstrap", (runtimeId, style, esm, v8) => {
  expect(lambdaNodeFlags({ runtimeId, style })).toEqual([...(esm ? ['--no-experimental-require-module'] : []), ...v8]);
});

test.each([
  [128, ['--expose-gc', '--max-semi-space-size=6', '--max-old-space-size=116']],
  [1769, ['--expose-gc', '--max-semi-space-size=88', '--max-old-space-size=1593']],
  [10240, ['--expose-gc', '--max-semi-space-size=512', '--max-old-space-size=9216']],
] as const)('lambdaV8Flags(%i MB): a tenth young generation in two semi-spaces, the rest old space', (mb, flags) => {
  expect(lambdaV8Flags(mb)).toEqual(flags);
  expect(lambdaNodeFlags({ runtimeId: 'nodejs24.x', style: 'aws' }, mb)).toEqual(flags);
});

test.runIf(known)('a nodejs20.x handler that requires an ES module fails locally as it does on Lambda', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fl-reqesm-'));
  try {
    fs.writeFileSync(path.join(dir, 'esm.mjs'), 'export const x = 1;\n');
    fs.writeFileSync(path.join(dir, 'handler.js'), "exports.handler = async () => require('./esm.mjs').x;\n");
    fs.writeFileSync(path.join(dir, 'event.json'), '{}');
    const handler = { handler: 'handler.handler', file: 'handler.js', runtime: 'nodejs', style: 'aws', runtimeId: 'nodejs20.x' } as unknown as HandlerSpec;
    const run = (h: HandlerSpec) => {
      const c = harnessCommand(dir, h, path.join(dir, 'event.json'));
      return spawnSync(c.command, c.args, { encoding: 'utf8' }).stdout;
    };
    expect(run(handler)).toMatch(/require\(\) of ES Module/);
    expect(run({ ...handler, runtimeId: 'nodejs24.x' })).not.toMatch(/require\(\) of ES Module/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
