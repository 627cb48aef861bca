import { describe, expect, it } from 'vitest';
import { createJobIO, memoryFileSystem } from '../../src/io/index.js';
import { MAX_SOURCE_BYTES } from '../../src/util/files.js';
import type { Diagnostic } from '../../src/types.js';

const ROOT = '/app';
const io = (files: Record<string, string | Buffer>, diagnostics: Diagnostic[] = [], tokens = false) =>
  createJobIO(ROOT, { fs: memoryFileSystem(ROOT, files), diagnostics, tokens });

describe('memoryFileSystem', () => {
  const fs = memoryFileSystem(ROOT, { 'a.js': 'x', 'lib/deep/b.py': Buffer.from([1, 2, 3]) });
  it('reads, stats and knows the directories its files imply', () => {
    expect(fs.readFile('/app/a.js').toString()).toBe('x');
    expect(fs.readHead('/app/lib/deep/b.py', 2)).toEqual(Buffer.from([1, 2]));
    expect(fs.stat('/app/lib/deep/b.py')).toEqual({ size: 3, isFile: true, isDirectory: false });
    expect(fs.stat('/app/lib')).toEqual({ size: 0, isFile: false, isDirectory: true });
  });
  it('throws ENOENT like node:fs for what it does not hold', () => {
    expect(() => fs.readFile('/app/missing.js')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => fs.stat('/app/li')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});

describe('JobIO reads', () => {
  it.each([
    { name: 'UTF-8, byte-order mark kept', bytes: Buffer.from('\uFEFFconst é = 1;'), text: '\uFEFFconst é = 1;', diag: undefined },
    { name: 'not UTF-8', bytes: Buffer.from([0x63, 0xe9, 0x0a]), text: undefined, diag: 'FL008' },
    { name: 'over the size limit', bytes: Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x20), text: undefined, diag: 'FL009' },
  ])('readText: $name', ({ bytes, text, diag }) => {
    const diagnostics: Diagnostic[] = [];
    const j = io({ 'f.js': bytes }, diagnostics);
    expect(j.readText('f.js')).toBe(text);
    expect(j.readText('f.js')).toBe(text);
    // Reported once however often the file is asked for.
    expect(diagnostics.map((d) => [d.id, d.file])).toEqual(diag ? [[diag, 'f.js']] : []);
  });

  it('readUtf8 decodes leniently and says undefined for a missing file; sizeOf, exists, stat', () => {
    const j = io({ 'l.py': Buffer.from([0x61, 0xe9]), 'dir/x.js': '12345' });
    expect(j.readUtf8('l.py')).toBe('a\uFFFD');
    expect(j.readUtf8('nope.py')).toBeUndefined();
    expect(j.sizeOf('dir/x.js')).toBe(5);
    expect([j.exists('dir/x.js'), j.exists('dir'), j.exists('dir/y.js')]).toEqual([true, true, false]);
    expect(j.stat('dir').isDirectory).toBe(true);
    expect(() => j.readText('nope.js')).toThrow(/ENOENT/);
  });
});

describe('JobIO.parseJs', () => {
  it('parses a file once per source type and shares the AST', () => {
    const j = io({ 'a.js': 'const m = require("m");\nmodule.exports = m;\n' });
    const first = j.parseJs('a.js', 'unambiguous');
    expect(first.ast?.program.sourceType).toBe('script');
    // A script request is served by the unambiguous parse that settled on script: no second parse.
    expect(j.parseJs('a.js', 'script')).toBe(first);
    expect(j.parseJs('a.js', 'unambiguous', j.readText('a.js'))).toBe(first);
    expect(j.parses().js).toEqual({ 'a.js': { source: 1, derived: 0 } });
    // Module is another mode: it is parsed (and counted).
    expect(j.parseJs('a.js', 'module').ast?.program.sourceType).toBe('module');
    expect(j.parses().js).toEqual({ 'a.js': { source: 2, derived: 0 } });
  });

  it('parses other text given for a file on its own, once per text', () => {
    const j = io({ 'a.js': 'require("m");\n' });
    j.parseJs('a.js', 'script');
    const rewritten = 'var l = () => require("m");\n';
    const r = j.parseJs('a.js', 'script', rewritten);
    expect(r.ast?.program.body[0].type).toBe('VariableDeclaration');
    expect(j.parseJs('a.js', 'script', rewritten)).toBe(r);
    expect(j.parses().js).toEqual({ 'a.js': { source: 1, derived: 1 } });
  });

  it('keeps the error Babel threw, once', () => {
    const j = io({ 'bad.js': 'const = 1;' });
    const r = j.parseJs('bad.js', 'script');
    expect(r.error).toBeInstanceOf(SyntaxError);
    expect(r.error?.message).toMatch(/^Unexpected token \(1:6\)$/);
    expect(j.parseJs('bad.js', 'script')).toBe(r);
    expect(j.parses().js['bad.js']).toEqual({ source: 1, derived: 0 });
  });

  it('gives tokens when the run asks for them, and parses again only for a caller that needs them', () => {
    const code = 'module.exports = 1;';
    expect(io({ 'a.js': code }, [], true).parseJs('a.js', 'script').ast?.tokens?.length).toBeGreaterThan(0);
    const j = io({ 'a.js': code });
    expect(j.parseJs('a.js', 'script').ast?.tokens).toBeUndefined();
    expect(j.parseJs('a.js', 'script', undefined, { tokens: true }).ast?.tokens?.length).toBeGreaterThan(0);
    expect(j.parses().js['a.js']).toEqual({ source: 2, derived: 0 });
  });

  it('reports a file that is not source text as an error, without parsing', () => {
    const j = io({ 'big.js': Buffer.alloc(MAX_SOURCE_BYTES + 1, 0x20) });
    expect(j.parseJs('big.js', 'script').error?.message).toMatch(/not readable/);
    expect(j.parses().js).toEqual({});
  });

  it.each([
    ['top-level return', 'return 1;', 'script'],
    ['top-level await', 'await f();', 'module'],
    ['import attributes', 'import j from "./j.json" with { type: "json" };', 'module'],
    ['using', '{ using r = f(); }', 'module'],
    ['decorators', '@dec class A {}', 'module'],
    ['JSX', 'const a = <div/>;', 'script'],
  ] as const)('one option set for every caller: %s', (_name, code, sourceType) => {
    expect(io({ 'f.js': code }).parseJs('f.js', sourceType).error).toBeUndefined();
  });
});

describe('JobIO.parsePython', () => {
  it('parses a file once; other text for it is parsed on its own', () => {
    const j = io({ 'h.py': 'import os\n' });
    const p = j.parsePython('h.py');
    expect(p.error).toBeUndefined();
    expect(j.parsePython('h.py', 'import os\n')).toBe(p);
    expect(j.parsePython('h.py', 'import os; x = 1\n')).not.toBe(p);
    expect(j.parses().python).toEqual({ 'h.py': { source: 1, derived: 1 } });
  });
});
