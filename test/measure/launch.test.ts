// Node flags that Lambda's own runtime passes, applied to local runs (verify and measure alike).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { lambdaNodeFlags } from '../../src/measure/launch.js';
import { harnessCommand } from '../../src/verify/run.js';
import type { HandlerSpec } from '../../src/types.js';

const known = process.allowedNodeEnvironmentFlags.has('--experimental-require-module');

test.each([
  ['nodejs20.x', 'aws', known],
  ['nodejs22.x', 'aws', known],
  ['nodejs24.x', 'aws', false],
  [undefined, 'aws', false],
  ['nodejs20.x', 'gcf', false],
] as const)('%s (%s): --no-experimental-require-module %s', (runtimeId, style, expected) => {
  expect(lambdaNodeFlags({ runtimeId, style })).toEqual(expected ? ['--no-experimental-require-module'] : []);
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
