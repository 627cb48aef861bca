// The target interpreter (src/sandbox/interpreter.ts): looked up by the runtime id's minor and
// checked by running it. This machine has 3.11 only (pyenv's python3.12/python3.13 shims exit 127), so
// the python3.12/python3.13 targets exercise the refusal path with real interpreters: PATH folders are
// built per test from symlinks to /usr/bin/python3.11, which lie about the minor in their name.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  interpreterDiagnostics,
  LEGACY_PYTHON,
  probeInterpreter,
  pycInterpreter,
  resolveInterpreter,
  runInterpreter,
  targetVersion,
} from '../../src/sandbox/interpreter.js';
import { FaaslightError } from '../../src/diagnostics.js';
import { cleanupTmp, tmpDir } from './helpers.js';
import { cli, ROOT } from '../e2e/python-helpers.js';

const REAL = '/usr/bin/python3.11';

/** A PATH folder whose entries are symlinks to REAL under the given names. */
async function pathWith(names: string[]): Promise<string> {
  const dir = await tmpDir('bin');
  for (const n of names) await fsp.symlink(REAL, path.join(dir, n));
  return dir;
}

afterAll(cleanupTmp);

describe('targetVersion', () => {
  test.each([
    ['python3.11', { major: 3, minor: 11 }],
    ['python3.13', { major: 3, minor: 13 }],
    ['Python3.9', { major: 3, minor: 9 }],
    ['python3', undefined],
    ['nodejs20.x', undefined],
    ['provided.al2', undefined],
    [undefined, undefined],
  ])('%s → %o', (id, want) => {
    expect(targetVersion(id)).toEqual(want);
  });
});

describe('resolveInterpreter', () => {
  test('python3.11: a 3.11 found on PATH, resolved to its real executable and magic number', async () => {
    const dir = await pathWith(['python3.11']);
    const r = resolveInterpreter('python3.11', { env: { PATH: dir } });
    expect(r.interpreter).toMatchObject({ command: path.join(dir, 'python3.11'), major: 3, minor: 11, via: 'path' });
    // sys.executable names the link it was started through; the magic number is 3.11's (3495).
    expect(r.interpreter!.magic).toBe('a70d0d0a');
  });

  test('python3.12: a `python3.12` that is really 3.11 is probed and not taken', async () => {
    const dir = await pathWith(['python3.12', 'python3']);
    const r = resolveInterpreter('python3.12', { env: { PATH: dir } });
    expect(r.interpreter).toBeUndefined();
    expect(r.tried).toEqual([`${path.join(dir, 'python3.12')}: Python 3.11.2`, `${path.join(dir, 'python3')}: Python 3.11.2`]);
  });

  test('python3.13 with nothing on PATH: each name is reported missing', async () => {
    const dir = await tmpDir('empty');
    expect(resolveInterpreter('python3.13', { env: { PATH: dir } }).tried).toEqual(['python3.13: not on PATH', 'python3: not on PATH']);
  });

  test('a configured interpreter of another minor is a mismatch, never replaced by one from PATH', async () => {
    const dir = await pathWith(['python3.11']);
    const viaEnv = resolveInterpreter('python3.12', { env: { PATH: dir, FAASLIGHT_PYTHON: REAL } });
    expect(viaEnv).toEqual({ target: { major: 3, minor: 12 }, tried: [`FAASLIGHT_PYTHON=${REAL}: Python 3.11.2`] });
    // And a configured one that matches wins over PATH.
    const viaOption = resolveInterpreter('python3.11', { configured: REAL, env: { PATH: dir } });
    expect(viaOption.interpreter).toMatchObject({ command: REAL, via: 'option', minor: 11 });
  });

  test('a command that cannot run is reported as such', () => {
    expect(probeInterpreter('/nonexistent/python3.12')).toBe('cannot run (ENOENT)');
    const r = resolveInterpreter('python3.12', { configured: '/nonexistent/python3.12', env: { PATH: '' } });
    expect(r.tried).toEqual(['/nonexistent/python3.12: cannot run (ENOENT)']);
  });

  test('a runtime id without a version keeps the interpreter used before targets existed', () => {
    expect(resolveInterpreter(undefined, { env: { PATH: '' } }).interpreter).toMatchObject({ command: LEGACY_PYTHON, via: 'legacy' });
  });
});

describe('pycInterpreter: the .pyc step is refused without a matching interpreter', () => {
  test.each(['python3.12', 'python3.13'])('%s', async (id) => {
    const dir = await pathWith(['python3']);
    const run = () => pycInterpreter(id, { env: { PATH: dir } });
    expect(run).toThrow(FaaslightError);
    expect(run).toThrow(
      `precompile refused: ${id} needs a Python ${id.slice(6)} interpreter to write its byte code, and none matches ` +
        `(${id}: not on PATH; ${path.join(dir, 'python3')}: Python 3.11.2). Install it, point FAASLIGHT_PYTHON at it, or leave out --precompile.`,
    );
  });

  test('python3.11 gets the 3.11 interpreter', async () => {
    const dir = await pathWith(['python3.11']);
    expect(pycInterpreter('python3.11', { env: { PATH: dir } }).minor).toBe(11);
  });
});

describe('runInterpreter: handlers still run, and the mismatch is named', () => {
  test('python3.12 without a 3.12: the legacy interpreter, with both versions in the text', async () => {
    const dir = await pathWith(['python3']);
    const r = runInterpreter('python3.12', { env: { PATH: dir } });
    expect(r.path).toBe('/usr/bin/python3');
    expect(r.mismatch).toBe(
      `python3.12 needs a Python 3.12 interpreter, none matches (python3.12: not on PATH; ${path.join(dir, 'python3')}: Python 3.11.2); ran on Python 3.11.2 (/usr/bin/python3) instead`,
    );
    const d = interpreterDiagnostics(
      [
        { runtime: 'python', runtimeId: 'python3.12' },
        { runtime: 'nodejs', runtimeId: 'nodejs20.x' },
      ],
      { env: { PATH: dir } },
    );
    expect(d.map((x) => [x.id, x.severity])).toEqual([['FL505', 'warning']]);
    expect(d[0].message).toBe(`verify ran on another Python than the target: ${r.mismatch}`);
  });

  test('python3.11 with a 3.11: no mismatch, no diagnostic', async () => {
    const dir = await pathWith(['python3.11']);
    expect(runInterpreter('python3.11', { env: { PATH: dir } }).mismatch).toBeUndefined();
    expect(interpreterDiagnostics([{ runtime: 'python', runtimeId: 'python3.11' }], { env: { PATH: dir } })).toEqual([]);
  });
});

describe('faaslight optimize with a python3.12 target on a machine without 3.12', () => {
  // The fixture app with a serverless.yml naming python3.12; PATH holds only a 3.11.
  async function app312(): Promise<{ app: string; env: Record<string, string> }> {
    const app = await tmpDir('app312');
    await fsp.cp(path.join(ROOT, 'fixtures/python/app1'), app, { recursive: true });
    await fsp.writeFile(
      path.join(app, 'serverless.yml'),
      'service: t\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  f:\n    handler: handler.handler\n',
    );
    await fsp.writeFile(path.join(app, 'event.json'), JSON.stringify({ n: 5 }));
    const bin = await pathWith(['python3']);
    return { app, env: { PATH: `${bin}:${path.dirname(process.execPath)}` } };
  }

  test('--precompile is refused with the mismatch named; without it, verify warns FL505', async () => {
    const { app, env } = await app312();
    const refused = await cli(['optimize', app, '--out', path.join(await tmpDir('o1'), 'out'), '--precompile'], ROOT, env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('precompile refused: python3.12 needs a Python 3.12 interpreter to write its byte code');
    const r = await cli(['optimize', app, '--out', path.join(await tmpDir('o2'), 'out'), '--verify', path.join(app, 'event.json'), '--json'], ROOT, env);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { diagnostics: { id: string; message: string }[] };
    expect(s.diagnostics.filter((d) => d.id === 'FL505').map((d) => d.message)).toEqual([
      expect.stringContaining('verify ran on another Python than the target: python3.12 needs a Python 3.12 interpreter'),
    ]);
  }, 120_000);
});
