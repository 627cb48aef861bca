// Fast slice of the corpus check: App23JS (express + serverless-http, CommonJS) and App25JS (ESM).
// Runs scripts/corpus-expected.mjs --check, which invokes each event in a fresh process through
// runtime/node/invoke.cjs and compares with the committed expected/<event>.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without type declarations
import { moduleUsage } from './module-usage.mjs';
import { skipWithout } from '../prereq.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SLICE = ['App23JS', 'App25JS'];
const missing = SLICE.filter((app) => !fs.existsSync(path.join(ROOT, 'apps', app, 'node_modules')));
const skip = skipWithout(
  missing.length === 0,
  `corpus apps ${missing.join(', ')} installed (node scripts/corpus-setup.mjs --only ${SLICE.join(',')} --node-only)`,
);

describe('corpus expected outputs (fast slice)', () => {
  it.skipIf(skip)(`${SLICE.join(' and ')} give their committed outputs`, () => {
    const r = spawnSync(process.execPath, ['scripts/corpus-expected.mjs', '--check', '--only', SLICE.join(',')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(r.stderr + r.stdout).toMatch(/\d+ matched, 0 problem/);
    expect(r.status).toBe(0);
  });

  // The point of each app's rare event: it needs a package that the common events never touch.
  it.skipIf(skip)('rare events use packages the common events do not', () => {
    const ev = (app: string, name: string) => path.join(ROOT, 'apps', app, 'events', `${name}.json`);
    const express = moduleUsage(path.join(ROOT, 'apps', 'App23JS'), 'handler.handler', [
      ev('App23JS', 'list-products-v1'),
      ev('App23JS', 'get-product-v2'),
      ev('App23JS', 'newsletter-signup-v2'),
    ]);
    expect(express[ev('App23JS', 'newsletter-signup-v2')].onlyPackages).toEqual(expect.arrayContaining(['lodash', 'validator']));
    expect(express[ev('App23JS', 'list-products-v1')].packages).not.toContain('lodash');

    const mailer = moduleUsage(path.join(ROOT, 'apps', 'App25JS'), 'handler.handler', [ev('App25JS', 'welcome-direct'), ev('App25JS', 'renewal-reminder')]);
    expect(mailer[ev('App25JS', 'renewal-reminder')].onlyPackages).toEqual(['luxon']);
  });
});
