import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/diagnostics.js';
import type { HandlerSpec } from '../../src/types.js';
import { eventLabels, expandEvents } from '../../src/verify/events.js';
import { sameOutcome, verify, verifyDiagnostics } from '../../src/verify/verify.js';

const FIX = path.resolve(__dirname, '../../fixtures/verify');
const spec: HandlerSpec = { handler: 'index.handler', file: 'index.js', exportName: 'handler', runtime: 'nodejs', style: 'aws', source: 'test' };

describe('verify', () => {
  it('original vs optimized: only the differing event is not identical; fallback loads are collected', async () => {
    const events = await expandEvents(['events/*.json'], FIX);
    const res = await verify(path.join(FIX, 'orig'), path.join(FIX, 'opt'), [spec], events);
    expect(res.ok).toBe(false);
    expect(
      res.events.map((e) => ({
        event: e.event,
        handler: e.handler,
        identical: e.identical,
        original: e.original.output,
        optimized: e.optimized.output,
        fallbackLoads: e.fallbackLoads,
      })),
    ).toEqual([
      {
        event: 'ada.json',
        handler: 'index.handler',
        identical: true,
        original: { message: 'hello ada' },
        optimized: { message: 'hello ada' },
        fallbackLoads: ['node_modules/greeter/index.js'],
      },
      {
        event: 'bob.json',
        handler: 'index.handler',
        identical: false,
        original: { message: 'hello bob' },
        optimized: { message: 'hi bob' },
        fallbackLoads: ['node_modules/greeter/index.js'],
      },
    ]);
    expect(verifyDiagnostics(res).map((d) => `${d.id} ${d.message}`)).toEqual([
      'FL302 index.handler with ada.json: node_modules/greeter/index.js was loaded from the fallback store',
      'FL301 index.handler with bob.json: output differs after optimization',
      'FL302 index.handler with bob.json: node_modules/greeter/index.js was loaded from the fallback store',
    ]);
  });

  it('identical packages verify ok', async () => {
    const events = await expandEvents(['events/ada.json', 'events/bob.json'], FIX);
    const res = await verify(path.join(FIX, 'orig'), path.join(FIX, 'orig'), [spec], events);
    expect(res.ok).toBe(true);
    expect(res.events.map((e) => [e.event, e.identical, e.fallbackLoads])).toEqual([
      ['ada.json', true, []],
      ['bob.json', true, []],
    ]);
  });
});

describe('sameOutcome', () => {
  it.each([
    [{ ok: true, output: { a: 1 } }, { ok: true, output: { a: 1 } }, true],
    [{ ok: true, output: { a: 1 } }, { ok: true, output: { a: 2 } }, false],
    [{ ok: true, output: null }, { ok: false, output: null, error: { name: 'E', message: 'm' } }, false],
    [{ ok: false, output: null, error: { name: 'E', message: 'm' } }, { ok: false, output: null, error: { name: 'E', message: 'm' }, stderr: 'x' }, true],
    [{ ok: false, output: null, error: { name: 'E', message: 'm' } }, { ok: false, output: null, error: { name: 'E', message: 'other' } }, false],
    [
      { ok: false, output: null, error: { name: 'FaaslightTimeout', message: 't' } },
      { ok: false, output: null, error: { name: 'FaaslightTimeout', message: 't' } },
      false,
    ],
  ])('%j vs %j → %s', (a, b, expected) => expect(sameOutcome(a, b)).toBe(expected));
});

describe('expandEvents', () => {
  it('expands globs sorted and keeps literal files in argument order, without duplicates', async () => {
    const files = await expandEvents(['events/bob.json', 'events/*.json'], FIX);
    expect(files.map((f) => path.relative(FIX, f))).toEqual(['events/bob.json', 'events/ada.json']);
  });
  it('labels by base name unless two collide', () => {
    expect([...eventLabels(['/a/x.json', '/b/x.json', '/c/y.json']).values()]).toEqual(['/a/x.json', '/b/x.json', 'y.json']);
  });
  it.each([
    [['harness/broken-event.txt'], /^event file .*broken-event\.txt: not valid JSON/],
    [['events/nope.json'], /^event file .*events\/nope\.json: not found$/],
    [['nothing/*.json'], /^event file nothing\/\*\.json: no file matches this pattern$/],
  ])('%j is a usage error naming the file', async (patterns, message) => {
    const err = (await expandEvents(patterns, FIX).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.diagnostic?.id).toBe('FL011');
    expect(err.message).toMatch(message);
  });
  it('an absolute glob works too', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'faaslight-ev-'));
    try {
      await writeFile(path.join(dir, 'one.json'), '{}');
      expect(await expandEvents([path.join(dir, '*.json')])).toEqual([path.join(dir, 'one.json')]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
