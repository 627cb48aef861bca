// The CLI's one option-parsing helper and one output helper, as tables of tiny cases; then the same
// parsers through main(): a bad value is a usage error (exit 2) with a message naming the option,
// printed before any library module is imported.
import { InvalidArgumentError } from 'commander';
import { describe, expect, test } from 'vitest';
import { main } from '../../src/cli.js';
import { EXTRA } from '../../src/cli/compare.js';
import { choice, envPair, int, list, nonNegative, oneOf, positive, repeat, seconds } from '../../src/cli/options.js';
import { BATCH_FORMATS, cliOf, FORMATS, formatOf, print, progress } from '../../src/cli/output.js';
import { BATCH_REPORTERS } from '../../src/batch/format.js';
import { EXTRA_VARIANTS } from '../../src/compare/index.js';
import { REPORTERS } from '../../src/report/reporters.js';

type Case = [string, (v: string) => unknown, string, unknown | RegExp];

const CASES: Case[] = [
  ['int: whole number', int('--runs'), '3', 3],
  ['int: below the default minimum 1', int('--runs'), '0', /^--runs must be a whole number ≥ 1$/],
  ['int: 0 allowed with min 0', int('--warmup', 0), '0', 0],
  ['int: min 0 says no bound', int('--warmup', 0), '-1', /^--warmup must be a whole number$/],
  ['int: no fractions', int('--runs'), '2.5', /whole number/],
  ['int: no words', int('--runs'), 'many', /whole number/],
  ['int: min 128', int('--memory', 128), '64', /^--memory must be a whole number ≥ 128$/],
  ['positive: fraction', positive('--rate'), '0.5', 0.5],
  ['positive: zero', positive('--rate'), '0', /^--rate must be a positive number$/],
  ['positive: inf refused by default', positive('--rate'), 'inf', /positive number/],
  ['positive: inf with infinity', positive('--idle-timeout', true), 'Infinity', Infinity],
  ['positive: negative', positive('--rate'), '-1', /positive number/],
  ['nonNegative: zero', nonNegative('--init'), '0', 0],
  ['nonNegative: negative', nonNegative('--init'), '-0.1', /^--init must be a number ≥ 0$/],
  ['nonNegative: not a number', nonNegative('--init'), 'x', /number ≥ 0/],
  ['seconds: to whole ms', seconds('--timeout'), '1.2345', 1235],
  ['seconds: zero', seconds('--timeout'), '0', /^--timeout must be a positive number$/],
  ['list: comma-separated, trimmed, empty items dropped', list(), 'a, b,,c', ['a', 'b', 'c']],
  ['list: items parsed', list(int('--memory', 0)), '256,512', [256, 512]],
  ['list: a bad item', list(int('--memory', 0)), '256,big', /^--memory must be a whole number$/],
  ['oneOf: a name', oneOf('--extra', EXTRA), 'bundle-cache', 'bundle-cache'],
  ['oneOf: another word', oneOf('--extra', EXTRA), 'bundle', /^--extra must be one of esbuild-minify, bundle-minify, bundle-cache$/],
  ['envPair', envPair, 'A=b=c', { A: 'b=c' }],
  ['envPair: no name', envPair, '=x', /^use NAME=value$/],
  ['envPair: no =', envPair, 'A', /^use NAME=value$/],
];

describe('option parsers', () => {
  test.each(CASES)('%s', (_name, parse, input, want) => {
    if (want instanceof RegExp) {
      expect(() => parse(input)).toThrow(InvalidArgumentError);
      expect(() => parse(input)).toThrow(want);
    } else expect(parse(input)).toEqual(want);
  });

  test('repeatable values accumulate in order', () => {
    expect(repeat('b', repeat('a'))).toEqual(['a', 'b']);
    expect(list()('c', list()('a,b'))).toEqual(['a', 'b', 'c']);
    expect(envPair('B=2', envPair('A=1'))).toEqual({ A: '1', B: '2' });
  });

  test('choice: commander choices with an optional default', () => {
    const o = choice('--platform <name>', 'where', ['aws', 'gcf'], 'aws');
    expect(o.argChoices).toEqual(['aws', 'gcf']);
    expect(o.defaultValue).toBe('aws');
    expect(choice('--arch <a>', 'arch', ['x86_64']).defaultValue).toBeUndefined();
  });
});

describe('output helper', () => {
  const capture = () => {
    let out = '';
    let err = '';
    const cli = cliOf({ out: (s) => void (out += s), err: (s) => void (err += s) });
    return { cli, get: () => ({ out, err }) };
  };
  const reporters = { text: (v: { n: number }) => `n = ${v.n}\n`, markdown: (v: { n: number }) => `**${v.n}**\n` };

  test.each([
    [{}, 'text', 'n = 1\n'],
    [{ format: 'markdown' }, 'markdown', '**1**\n'],
    [{ json: true }, 'json', '{\n  "n": 1\n}\n'],
    [{ json: true, format: 'markdown' }, 'json', '{\n  "n": 1\n}\n'],
  ])('options %j → %s', (o, name, printed) => {
    expect(formatOf(o)).toBe(name);
    const c = capture();
    print(c.cli, o, { n: 1 }, reporters);
    expect(c.get()).toEqual({ out: printed, err: '' });
  });

  test('a format without a reporter is a broken invariant, not a silent empty print', () => {
    expect(() => print(capture().cli, { format: 'csv' }, { n: 1 }, reporters)).toThrow(/no csv reporter/);
  });

  test('progress goes to stderr, and nowhere with --quiet', () => {
    const c = capture();
    progress(c.cli, {})?.('step');
    expect(progress(c.cli, { quiet: true })).toBeUndefined();
    expect(c.get()).toEqual({ out: '', err: 'step\n' });
  });

  // The help lists these names without loading the modules that define them.
  test('the format and variant names the options offer are the ones the library has', () => {
    expect([...FORMATS]).toEqual(Object.keys(REPORTERS));
    expect([...BATCH_FORMATS]).toEqual(Object.keys(BATCH_REPORTERS));
    expect([...EXTRA]).toEqual(EXTRA_VARIANTS);
  });
});

describe('usage errors through main(): exit 2 and a message', () => {
  async function run(args: string[]) {
    let out = '';
    let err = '';
    const code = await main(['node', 'faaslight', ...args], { out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  }

  test.each([
    [['optimize', 'x', '--format', 'html'], /argument 'html' is invalid/],
    [['optimize', 'x', '--measure', 'many'], /--measure must be a whole number ≥ 1/],
    [['measure', 'x', '--timeout', '0'], /--timeout must be a positive number/],
    [['compare', 'x', '--extra', 'bundle'], /--extra must be one of/],
    [['invoke', 'x', '--provider', 'aws', '--memory', '256,big'], /--memory must be a whole number/],
    [['invoke', 'x'], /required option '--provider <name>' not specified/],
    [['batch', 'apps', '--jobs', '0'], /--jobs must be a whole number ≥ 1/],
    [['load', 'x', '--env', 'novalue'], /use NAME=value/],
    [['nosuchcommand'], /unknown command 'nosuchcommand'/],
  ])('%j', async (args, msg) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe('');
  });

  test('--help and --version exit 0 on stdout', async () => {
    const h = await run(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: faaslight \[options\] \[command\]/);
    for (const cmd of ['optimize', 'analyze', 'why', 'measure', 'report', 'lambda-local', 'invoke', 'model', 'load', 'batch', 'compare'])
      expect(h.out).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    expect(await run(['--version'])).toEqual({ code: 0, out: '0.1.0\n', err: '' });
  });
});
