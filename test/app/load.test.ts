import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadApp, type LoadAppOptions } from '../../src/app/index.js';
import { UsageError } from '../../src/diagnostics.js';
import type { HandlerSpec } from '../../src/types.js';

const FIXTURES = path.resolve(__dirname, '../../fixtures/app');

interface Case {
  name: string;
  dir: string;
  opts?: LoadAppOptions;
  root: string;
  runtime: string;
  handlers: Partial<HandlerSpec>[];
  config?: object;
  configSource?: string;
  files?: string[];
  diagnostics?: string[];
}

const cases: Case[] = [
  {
    name: 'serverless.yml: several functions and runtimes; variables and images skipped',
    dir: 'serverless-multi',
    root: 'serverless-multi',
    runtime: 'nodejs',
    handlers: [
      {
        handler: 'src/hello.handler',
        file: 'src/hello.js',
        exportName: 'handler',
        runtime: 'nodejs',
        runtimeId: 'nodejs20.x',
        style: 'aws',
        source: 'serverless.yml functions.hello',
        functionName: 'hello',
      },
      {
        handler: 'py/report.main',
        file: 'py/report.py',
        exportName: 'main',
        runtime: 'python',
        runtimeId: 'python3.11',
        style: 'aws',
        source: 'serverless.yml functions.report',
        functionName: 'report',
      },
    ],
    files: ['package.json', 'py/report.py', 'serverless.yml', 'src/hello.js'],
    diagnostics: ['FL010 warning serverless.yml functions.admin: handler "${self:custom.adminHandler}" is not a plain handler string; function skipped'],
  },
  {
    name: 'SAM: CodeUri moves the root, Globals give the runtime, short tags parse, other CodeUri reported',
    dir: 'sam',
    root: 'sam/app',
    runtime: 'nodejs',
    handlers: [
      {
        handler: 'src/index.handler',
        file: 'src/index.js',
        exportName: 'handler',
        runtime: 'nodejs',
        runtimeId: 'nodejs20.x',
        style: 'aws',
        source: 'template.yaml ApiFn',
        functionName: 'ApiFn',
      },
      {
        handler: 'worker.run',
        file: 'worker.mjs',
        exportName: 'run',
        runtime: 'nodejs',
        runtimeId: 'nodejs20.x',
        style: 'aws',
        source: 'template.yaml WorkerFn',
        functionName: 'WorkerFn',
      },
    ],
    files: ['package.json', 'src/index.js', 'worker.mjs'],
    diagnostics: ['FL010 warning template.yaml PyFn: code is in other, another package; not included'],
  },
  {
    name: 'CloudFormation JSON: Code folder, Runtime from a parameter default, inline code skipped',
    dir: 'cfn-json',
    root: 'cfn-json/src',
    runtime: 'nodejs',
    handlers: [
      {
        handler: 'main.handler',
        file: 'main.mjs',
        exportName: 'handler',
        runtime: 'nodejs',
        runtimeId: 'nodejs18.x',
        style: 'aws',
        source: 'template.json Fn',
        functionName: 'Fn',
      },
    ],
    files: ['main.mjs'],
    diagnostics: ['FL010 warning template.json Inline: code {"ZipFile":"exports.handler = async () => 1"} is not a local folder; function skipped'],
  },
  {
    name: 'package.json main with the GCF target from --target',
    dir: 'gcf',
    opts: { target: 'helloHttp' },
    root: 'gcf',
    runtime: 'nodejs',
    handlers: [
      {
        handler: 'lib/server.helloHttp',
        file: 'lib/server.js',
        exportName: 'helloHttp',
        runtime: 'nodejs',
        style: 'gcf',
        source: 'package.json main with --target',
        functionName: 'helloHttp',
      },
    ],
  },
  {
    name: 'package.json main with the GCF target from the functions-framework script',
    dir: 'gcf',
    root: 'gcf',
    runtime: 'nodejs',
    handlers: [
      {
        handler: 'lib/server.helloHttp',
        file: 'lib/server.js',
        exportName: 'helloHttp',
        runtime: 'nodejs',
        style: 'gcf',
        source: 'package.json main (target from scripts)',
        functionName: 'helloHttp',
      },
    ],
  },
  {
    name: '--handler wins over the descriptor',
    dir: 'serverless-multi',
    opts: { handlers: ['py.report.main'] },
    root: 'serverless-multi',
    runtime: 'python',
    handlers: [{ handler: 'py.report.main', file: 'py/report.py', exportName: 'main', runtime: 'python', style: 'aws', source: '--handler' }],
  },
  {
    name: '--handler with --runtime override',
    dir: 'serverless-multi',
    opts: { handlers: ['src/hello.handler'], runtime: 'nodejs' },
    root: 'serverless-multi',
    runtime: 'nodejs',
    handlers: [{ handler: 'src/hello.handler', file: 'src/hello.js', exportName: 'handler', runtime: 'nodejs', style: 'aws', source: '--handler' }],
  },
  {
    name: 'faaslight.config.json: handlers win over serverless.yml; other keys kept',
    dir: 'config-file',
    root: 'config-file',
    runtime: 'nodejs',
    handlers: [
      { handler: 'api/entry.run', file: 'api/entry.cjs', exportName: 'run', runtime: 'nodejs', style: 'aws', source: 'faaslight.config.json handlers' },
    ],
    config: { handlers: ['api/entry.run'], keep: ['templates/**'], eager: ['pg'], nodeVersion: '20.19.0' },
    configSource: 'faaslight.config.json',
  },
  {
    name: 'package.json "faaslight" key; runtime found from the file that exists',
    dir: 'config-pkg',
    root: 'config-pkg',
    runtime: 'python',
    handlers: [{ handler: 'app.handler', file: 'app.py', exportName: 'handler', runtime: 'python', style: 'aws', source: 'package.json#faaslight handlers' }],
    config: { handlers: ['app.handler'], opaque: ['sharp'] },
    configSource: 'package.json#faaslight',
  },
];

describe('loadApp', () => {
  it.each(cases)('$name', async (c) => {
    const { app, diagnostics } = await loadApp(path.join(FIXTURES, c.dir), c.opts);
    expect(path.relative(FIXTURES, app.root)).toBe(c.root);
    expect(app.runtime).toBe(c.runtime);
    expect(app.handlers).toEqual(c.handlers);
    expect(app.config).toEqual(c.config ?? {});
    expect(app.configSource).toBe(c.configSource);
    if (c.files) expect(app.files).toEqual(c.files);
    expect(app.bytes).toBeGreaterThan(0);
    // FL012 is about where the fixtures live (inside this repo's "type": "module" package): tested below.
    expect(diagnostics.filter((d) => d.id !== 'FL012').map((d) => `${d.id} ${d.severity} ${d.message}`)).toEqual(c.diagnostics ?? []);
  });
});

const tmpRoots: string[] = [];
afterAll(async () => Promise.all(tmpRoots.map((d) => rm(d, { recursive: true, force: true }))));

/** A throwaway app folder from a map of relative path → content. */
async function tmpApp(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faaslight-app-'));
  tmpRoots.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
  return dir;
}

interface ErrorCase {
  name: string;
  files?: Record<string, string>;
  input?: string;
  opts?: LoadAppOptions;
  id: string;
  message: RegExp;
}

const errorCases: ErrorCase[] = [
  { name: 'missing folder', input: '/nonexistent/faaslight-app', id: 'FL001', message: /^app folder not found: \/nonexistent\/faaslight-app$/ },
  {
    name: 'no handler anywhere',
    files: { 'index.js': '', 'package.json': '{}' },
    id: 'FL002',
    message:
      /no handler found in .*looked for serverless\.yml.*template\.yaml.*package\.json main with --target.*faaslight\.config\.json "handlers".*--handler file\.export/,
  },
  {
    name: 'misspelled handler file, with suggestion',
    files: { 'src/index.js': '', 'src/other.js': '', 'node_modules/x/index.js': '' },
    opts: { handlers: ['src/indx.handler'] },
    id: 'FL003',
    message:
      /^handler "src\/indx\.handler" \(--handler\): no file for it; tried src\/indx\.js, src\/indx\.mjs, src\/indx\.cjs, src\/indx\.py, src\/indx\/__init__\.py; did you mean "src\/index\.handler"\?$/,
  },
  {
    name: 'descriptor runtime limits what is tried',
    files: { 'serverless.yml': 'provider: { runtime: python3.11 }\nfunctions:\n  f: { handler: app.main }\n', 'app.js': '' },
    id: 'FL003',
    message:
      /^handler "app\.main" \(serverless\.yml functions\.f\): no file for it; tried app\.py, app\/__init__\.py; app\.js exists, but the runtime is python3\.11$/,
  },
  {
    name: 'TypeScript handler: the .ts file is named',
    files: { 'src/index.ts': 'export const handler = async () => 1;\n', 'package.json': '{}' },
    opts: { handlers: ['src/index.handler'] },
    id: 'FL003',
    message:
      /^handler "src\/index\.handler" \(--handler\): no file for it; tried src\/index\.js, src\/index\.mjs, src\/index\.cjs, src\/index\.py, src\/index\/__init__\.py; src\/index\.ts exists, but faaslight reads JavaScript: compile the TypeScript first \(tsc, esbuild\) and optimize the build output$/,
  },
  {
    name: 'TypeScript handler from a descriptor: .mts',
    files: { 'serverless.yml': 'provider: { runtime: nodejs20.x }\nfunctions:\n  f: { handler: app.main }\n', 'app.mts': 'export const main = 1;\n' },
    id: 'FL003',
    message:
      /^handler "app\.main" \(serverless\.yml functions\.f\): no file for it; tried app\.js, app\.mjs, app\.cjs; app\.mts exists, but faaslight reads JavaScript: compile the TypeScript first \(tsc, esbuild\) and optimize the build output$/,
  },
  {
    name: 'handler string without an export',
    files: { 'index.js': '' },
    opts: { handlers: ['index'] },
    id: 'FL003',
    message: /^handler "index" \(--handler\): it does not look like file\.export/,
  },
  {
    name: 'config: wrong type',
    files: { 'faaslight.config.json': '{ "keep": "dist/**" }', 'index.js': '' },
    id: 'FL006',
    message: /^invalid configuration in faaslight\.config\.json: "keep" must be an array of glob strings$/,
  },
  {
    name: 'config: unknown key',
    files: { 'package.json': '{ "faaslight": { "handler": ["index.handler"] } }', 'index.js': '' },
    id: 'FL006',
    message: /^invalid configuration in package\.json#faaslight: unknown key "handler"$/,
  },
  {
    name: 'config: not JSON',
    files: { 'faaslight.config.json': '{ handlers: [] }' },
    id: 'FL006',
    message: /^invalid configuration in faaslight\.config\.json: faaslight\.config\.json is not valid JSON/,
  },
  {
    name: 'config: bad nodeVersion',
    files: { 'faaslight.config.json': '{ "nodeVersion": "latest" }' },
    id: 'FL006',
    message: /"nodeVersion" must be a version string/,
  },
];

describe('loadApp usage errors', () => {
  it.each(errorCases)('$name', async (c) => {
    const input = c.input ?? (await tmpApp(c.files ?? {}));
    const err = await loadApp(input, c.opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    const u = err as UsageError;
    expect(u.exitCode).toBe(2);
    expect(u.diagnostic?.id).toBe(c.id);
    expect(u.message).toMatch(c.message);
  });

  it('unknown config key suggests the right one', async () => {
    const dir = await tmpApp({ 'faaslight.config.json': '{ "opaqe": [] }' });
    const err = (await loadApp(dir).catch((e: unknown) => e)) as UsageError;
    expect(err.diagnostic).toMatchObject({ id: 'FL006', file: 'faaslight.config.json' });
    expect(err.diagnostic?.note).toMatch(/^did you mean "opaque"\?/);
  });
});

describe('loadApp: a package.json above the app folder', () => {
  it.each([
    [
      '"type": "module" above an app without package.json → FL012',
      { 'package.json': '{"type":"module"}', 'app/handler.js': 'exports.handler = async () => 1;' },
      'app',
      ['FL012'],
    ],
    ['no "type" above → nothing', { 'package.json': '{"name":"x"}', 'app/handler.js': 'exports.handler = async () => 1;' }, 'app', []],
    [
      'the app has its own package.json → nothing',
      { 'package.json': '{"type":"module"}', 'app/package.json': '{}', 'app/handler.js': 'exports.handler = async () => 1;' },
      'app',
      [],
    ],
  ] as const)('%s', async (_name, files, sub, ids) => {
    const dir = await tmpApp(files);
    const { diagnostics } = await loadApp(path.join(dir, sub), { handlers: ['handler.handler'] });
    expect(diagnostics.map((d) => d.id).filter((id) => id === 'FL012')).toEqual(ids);
  });
});
