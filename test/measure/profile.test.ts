import { describe, expect, test } from 'vitest';
import { importTimeTree, nodePackageOf, nodeProfile, pythonProfile, topPackages, withoutImportTime, type RawFrame } from '../../src/measure/profile.js';

const ROOT = '/tmp/x/task';

describe('nodePackageOf', () => {
  test.each([
    ['node:fs', '(node built-in)'],
    [`${ROOT}/index.js`, '(app)'],
    [`${ROOT}/src/lib/a.js`, '(app)'],
    [`${ROOT}/node_modules/yaml/dist/index.js`, 'yaml'],
    [`${ROOT}/node_modules/@babel/traverse/lib/index.js`, '@babel/traverse'],
    [`${ROOT}/node_modules/a/node_modules/b/x.js`, 'b'],
    ['/root/.cache/faaslight/ric/node_modules/aws-lambda-ric/dist/x.node', '(runtime)'],
  ])('%s → %s', (id, want) => expect(nodePackageOf(id, ROOT)).toBe(want));
});

const f = (id: string, start: number, end: number, children: RawFrame[] = [], parent?: string | null): RawFrame => ({
  id,
  start,
  end,
  children,
  ...(parent !== undefined ? { parent } : {}),
});

test('nodeProfile: inclusive/self per node, runtime loads dropped, invoke-time loads listed apart', () => {
  const raw = {
    roots: [
      f('node:http', 0, 1, [], '/work/runtime/node/bootstrap.cjs'), // the runtime's own: dropped
      f(
        `${ROOT}/index.js`,
        1,
        31,
        [
          f(`${ROOT}/node_modules/yaml/index.js`, 2, 12, [f(`${ROOT}/node_modules/yaml/parse.js`, 3, 9), f('node:fs', 9, 10)]),
          f(`${ROOT}/node_modules/@babel/traverse/index.js`, 12, 28, [f(`${ROOT}/node_modules/@babel/types/index.js`, 13, 25)]),
        ],
        '/work/runtime/node/bootstrap.cjs',
      ),
      f(`${ROOT}/node_modules/lazy/index.js`, 50, 54, [], `${ROOT}/index.js`), // after the first /next
    ],
  };
  const p = nodeProfile(raw, ROOT, 40);
  expect(p.totalMs).toBe(30);
  expect(p.loadedDuringInvoke).toEqual(['node_modules/lazy/index.js']);
  expect(p.tree).toEqual([
    {
      id: 'index.js',
      package: '(app)',
      inclusiveMs: 30,
      selfMs: 4,
      children: [
        {
          id: 'node_modules/yaml/index.js',
          package: 'yaml',
          inclusiveMs: 10,
          selfMs: 3,
          children: [
            { id: 'node_modules/yaml/parse.js', package: 'yaml', inclusiveMs: 6, selfMs: 6, children: [] },
            { id: 'node:fs', package: '(node built-in)', inclusiveMs: 1, selfMs: 1, children: [] },
          ],
        },
        {
          id: 'node_modules/@babel/traverse/index.js',
          package: '@babel/traverse',
          inclusiveMs: 16,
          selfMs: 4,
          children: [{ id: 'node_modules/@babel/types/index.js', package: '@babel/types', inclusiveMs: 12, selfMs: 12, children: [] }],
        },
      ],
    },
  ]);
  expect(p.top).toEqual([
    { package: '(app)', inclusiveMs: 30, selfMs: 4, modules: 1 },
    { package: '@babel/traverse', inclusiveMs: 16, selfMs: 4, modules: 1 },
    { package: '@babel/types', inclusiveMs: 12, selfMs: 12, modules: 1 },
    { package: 'yaml', inclusiveMs: 10, selfMs: 9, modules: 2 },
    { package: '(node built-in)', inclusiveMs: 1, selfMs: 1, modules: 1 },
  ]);
});

test('topPackages counts a package once when its files load each other', () => {
  const tree = [{ id: 'a/1', package: 'a', inclusiveMs: 10, selfMs: 2, children: [{ id: 'a/2', package: 'a', inclusiveMs: 8, selfMs: 8, children: [] }] }];
  expect(topPackages(tree)).toEqual([{ package: 'a', inclusiveMs: 10, selfMs: 10, modules: 2 }]);
});

const IMPORTTIME = `import time: self [us] | cumulative | imported package
import time:       100 |        100 |   _io
import time:       300 |        400 | _frozen_importlib_external
faaslight: import handler
import time:       200 |        200 |     email.errors
import time:       500 |        700 |   email.parser
import time:      1000 |       1700 | email
import time:       300 |        300 | json
faaslight: handler imported
import time:       150 |        150 | decimal`;

test('importTimeTree rebuilds the nesting from post-order, indented lines', () => {
  expect(importTimeTree(IMPORTTIME.split('\n').slice(0, 3))).toEqual([
    {
      id: '_frozen_importlib_external',
      package: '_frozen_importlib_external',
      inclusiveMs: 0.4,
      selfMs: 0.3,
      children: [{ id: '_io', package: '_io', inclusiveMs: 0.1, selfMs: 0.1, children: [] }],
    },
  ]);
});

test("pythonProfile keeps the function's imports between the markers", () => {
  const p = pythonProfile(IMPORTTIME);
  expect(p.tool).toBe('python-importtime');
  expect(p.totalMs).toBe(2);
  expect(p.loadedDuringInvoke).toEqual(['decimal']);
  expect(p.tree.map((n) => n.id)).toEqual(['email', 'json']);
  expect(p.tree[0].children[0]).toEqual({
    id: 'email.parser',
    package: 'email',
    inclusiveMs: 0.7,
    selfMs: 0.5,
    children: [{ id: 'email.errors', package: 'email', inclusiveMs: 0.2, selfMs: 0.2, children: [] }],
  });
  expect(p.top).toEqual([
    { package: 'email', inclusiveMs: 1.7, selfMs: 1.7, modules: 3 },
    { package: 'json', inclusiveMs: 0.3, selfMs: 0.3, modules: 1 },
  ]);
  expect(withoutImportTime(`${IMPORTTIME}\nreal error`)).toBe('real error');
});
