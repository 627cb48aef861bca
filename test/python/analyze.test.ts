import { afterAll, describe, expect, test } from 'vitest';
import { analyzePythonApp, decidePythonImports } from '../../src/lang/python/analyze/index.js';
import { analyzePythonBindings } from '../../src/lang/python/analyze/bindings.js';
import { buildPythonGraph } from '../../src/lang/python/analyze/graph.js';
import { parsePython } from '../../src/lang/python/analyze/parser.js';
import { scanPythonFile } from '../../src/lang/python/analyze/scan.js';
import { forwardArgs } from '../../src/lang/python/analyze/stubs.js';
import { cleanupTmp, handlerSpec, tmpDir } from './helpers.js';

const STDLIB = new Set(['os', 'sys', 'json', 'importlib', 'collections', 'typing', '__future__']);

function summary(code: string, file = 'pkg/mod.py') {
  const s = scanPythonFile(file, code);
  return {
    imports: s.imports.map(
      (i) =>
        `${i.kind} ${i.unknown ? '?' : i.module}${i.names.length ? ` [${i.names.map((n) => n.name + (n.alias ? ` as ${n.alias}` : '')).join(',')}]` : ''} -> ${i.bound.join(',') || '-'}${i.topLevel ? ' top' : ''}${i.inFunction ? ' fn' : ''}${i.guarded ? ' guarded' : ''}`,
    ),
    all: s.all,
    paths: s.pathInserts,
    error: s.parseError?.message,
  };
}

describe('scanPythonFile', () => {
  test.each([
    ['import a.b.c, d as e', { imports: ['import a.b.c -> a top', 'import d -> e top'], all: null, paths: [], error: undefined }],
    ['from ..x import (y as z,\n  w)', { imports: ['from ..x [y as z,w] -> z,w top'], all: null, paths: [], error: undefined }],
    ["from . import *\n__all__ = ['a']\n__all__ += ('b',)", { imports: ['star . -> - top'], all: ['a', 'b'], paths: [], error: undefined }],
    [
      'try:\n    import ujson as json\nexcept ImportError:\n    json = None',
      { imports: ['import ujson -> json guarded'], all: null, paths: [], error: undefined },
    ],
    [
      "def f():\n    import importlib\n    return importlib.import_module('.sub', __package__)",
      { imports: ['import importlib -> importlib fn', 'dynamic .sub -> - fn'], all: null, paths: [], error: undefined },
    ],
    ["m = __import__('x.y')\nn = importlib.import_module(name)", { imports: ['dynamic x.y -> -', 'dynamic ? -> -'], all: null, paths: [], error: undefined }],
    [
      "import importlib\nimportlib.import_module('.c', 'a.b')",
      { imports: ['import importlib -> importlib top', 'dynamic a.b.c -> -'], all: null, paths: [], error: undefined },
    ],
    ["sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor'))", { imports: [], all: null, paths: ['pkg/vendor'], error: undefined }],
    ["sys.path.append(os.path.join(os.path.dirname(os.path.realpath(__file__)), '..', 'lib'))", { imports: [], all: null, paths: ['lib'], error: undefined }],
    [
      "sys.path.insert(0, str(Path(__file__).resolve().parent / 'deps'))\nsys.path.append('libs')",
      { imports: [], all: null, paths: ['pkg/deps', 'libs'], error: undefined },
    ],
    ['__all__ = [x for x in dir()]', { imports: [], all: 'unknown', paths: [], error: undefined }],
    ['print "hello"', { imports: [], all: null, paths: [], error: 'Python 2 syntax (print statement)' }],
    ['def f(:\n  pass', { imports: [], all: null, paths: [], error: 'syntax error near line 1' }],
    ["s = 'héllo 😀'\nimport zz", { imports: ['import zz -> zz top'], all: null, paths: [], error: undefined }],
  ])('%s', (code, expected) => {
    expect(summary(code)).toEqual(expected);
  });

  test('string indices stay exact after non-BMP characters', () => {
    const code = "x = '😀😀'\nimport numpy as np\n";
    const imp = scanPythonFile('a.py', code).imports[0];
    expect(code.slice(imp.start, imp.end)).toBe('import numpy as np');
    expect([imp.line, imp.column]).toEqual([2, 1]);
  });
});

function usages(code: string) {
  return analyzePythonBindings('m.py', code).sites.map((s) => `${s.names.join(',')}: ${s.usage} — ${s.usageReason}`);
}

describe('analyzePythonBindings: init-time use of imports', () => {
  test.each([
    [
      'import numpy as np\ndef f():\n    return np.zeros(1)',
      ['np: deferred — np is used only inside functions that do not run at import time (first: line 3)'],
    ],
    ['import numpy as np\nX = np.ones(1)', ['np: init — np is used at module level, line 2']],
    ['import numpy as np\ndef f(a=np.float64):\n    pass', ['np: init — np is used at module level, line 2']],
    ['import numpy as np\n@np.vectorize\ndef f(a):\n    pass', ['np: init — np is used at module level, line 2']],
    [
      'import numpy as np\nclass A:\n    z = np.zeros\n    def m(self):\n        return np',
      ['np: unknown — np is used as a plain value in A, line 5: a lazy stand-in cannot replace it exactly'],
    ],
    ['import numpy as np\ndef setup():\n    return np.ones(1)\nsetup()', ['np: init — np is used in setup (used at import time (line 4)), line 3']],
    [
      'import numpy as np\ndef helper():\n    return np.ones(1)\ndef setup():\n    return helper()\nT = setup()',
      ['np: init — np is used in helper (used by setup, which runs at import time), line 3'],
    ],
    [
      'import numpy as np\n@app.route("/")\ndef index():\n    return np.ones(1)',
      ['np: init — np is used in index (decorated with @app.route, which may call it at import time), line 4'],
    ],
    [
      'import numpy as np\ndef f():\n    return isinstance(x, np)',
      ['np: unknown — np is used as a plain value in f, line 3: a lazy stand-in cannot replace it exactly'],
    ],
    ['import numpy as np\ndef f():\n    global np\n    np = None', ['np: unknown — np is rebound (global) in f, line 3']],
    ['import numpy as np\nnp = 3', ['np: unknown — np is rebound (assignment) at module level, line 2']],
    [
      'import numpy as np\nimport numpy as np\ndef f():\n    np.x',
      ['np: unknown — np is bound by more than one top-level import', 'np: unknown — np is bound by more than one top-level import'],
    ],
    [
      'import a\nimport b\ndef f():\n    return a.x(b.y)\n__all__ = ["a"]',
      ['a: unknown — named in __all__ (re-exported)', 'b: deferred — b is used only inside functions that do not run at import time (first: line 4)'],
    ],
    ['import a\ndef f():\n    return globals()["a"].x', ['a: unknown — globals() at line 3 reads the module namespace dynamically']],
    ['import side_effects', ['side_effects: unused — never referenced (kept eager: it may be imported for its side effects)']],
    [
      'from m import f, g\ndef h():\n    return f(1) + g.attr',
      ['f,g: deferred — f is used only inside functions that do not run at import time (first: line 3)'],
    ],
    ['import m\ndef h(m):\n    return m.x', ['m: deferred — m is used only inside functions that do not run at import time (first: line 3)']],
    ['import m\nx = [m for m in range(3)]\ndef h():\n    m.y = 1', ['m: init — m is used at module level, line 2']],
    [
      'import os.path\ndef f():\n    return os.path.join("a")',
      ['os: deferred — os is used only inside functions that do not run at import time (first: line 3)'],
    ],
  ])('%s', (code, expected) => {
    expect(usages(code)).toEqual(expected);
  });
});

describe('forwardArgs: every parameter passed on exactly', () => {
  test.each([
    ['(a, b=1, *args, c, d=2, **kw)', 'a, b, *args, c=c, d=d, **kw'],
    ['(self, /, x, *, y)', 'self, x, y=y'],
    ['(a: int = 1, *rest: str, flag: bool = False, **opts: Any)', 'a, *rest, flag=flag, **opts'],
    ['()', ''],
  ])('def f%s', (params, expected) => {
    const { root } = parsePython(`def f${params}:\n    pass\n`);
    const p = root.namedChildren[0].childForFieldName('parameters')!;
    expect(forwardArgs(`def f${params}:\n    pass\n`, p)?.text).toBe(expected);
  });
});

type Files = Record<string, string>;
async function graphOf(files: Files, entries = ['app.py']) {
  const r = await buildPythonGraph('/nonexistent', Object.keys(files).sort(), entries, { read: async (f) => files[f], stdlib: STDLIB, arch: 'x86_64' });
  return {
    files: Object.fromEntries(Object.entries(r.graph.files).map(([f, v]) => [f, `${v.kind} ${v.reasons[0].code}`])),
    diagnostics: r.diagnostics.map((d) => `${d.id} ${d.severity} ${d.message}`),
    roots: r.searchRoots,
  };
}

describe('buildPythonGraph', () => {
  test('absolute, relative, __init__ chains, from-import of submodules, star with __all__, literal importlib, extensions as leaves', async () => {
    expect(
      await graphOf({
        'app.py': "import a.b\nfrom c import d\nfrom e import *\nimport importlib\nimportlib.import_module('f')\nimport json",
        'a/__init__.py': 'from . import x\nfrom .y import z',
        'a/b.py': '',
        'a/x.py': 'from . import y',
        'a/y.py': 'z = 1',
        'c/__init__.py': '',
        'c/d.py': '',
        'c/unused.py': '',
        'e/__init__.py': "__all__ = ['g']\nfrom . import fast",
        'e/fast.cpython-311-x86_64-linux-gnu.so': '',
        'e/g.py': '',
        'e/data.txt': '',
        'f.py': '',
        'tests/test_app.py': 'import app',
      }),
    ).toEqual({
      files: {
        'app.py': 'python handler',
        'a/__init__.py': 'python import',
        'a/b.py': 'python import',
        'c/__init__.py': 'python import',
        'c/d.py': 'python import',
        'e/__init__.py': 'python import',
        'f.py': 'python import',
        'a/x.py': 'python import',
        'a/y.py': 'python import',
        'e/fast.cpython-311-x86_64-linux-gnu.so': 'native import',
        'e/data.txt': 'asset asset',
      },
      diagnostics: [],
      roots: [''],
    });
  });

  test('vendor/ on sys.path from the handler, metadata kept, tests and caches left out', async () => {
    expect(
      await graphOf({
        'app.py': "import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor'))\nimport lib",
        'vendor/lib/__init__.py': '',
        'vendor/lib/tests/test_x.py': 'import lib',
        'vendor/lib/__pycache__/__init__.cpython-311.pyc': '',
        'vendor/lib-1.0.dist-info/METADATA': '',
        'vendor/other.egg-info/PKG-INFO': '',
      }),
    ).toEqual({
      files: {
        'app.py': 'python handler',
        'vendor/lib/__init__.py': 'python import',
        'vendor/lib-1.0.dist-info/METADATA': 'asset metadata',
        'vendor/other.egg-info/PKG-INFO': 'asset metadata',
      },
      diagnostics: [],
      roots: ['', 'vendor'],
    });
  });

  test('bad input: Python 2, parse error (package kept whole), namespace package, cycle, missing module, foreign architecture', async () => {
    expect(
      await graphOf({
        'app.py':
          'import legacy.old\nimport legacy.bad\nimport ns.mod\nimport cyc_a\nimport missing_mod\nimport arm\ntry:\n    import optional\nexcept ImportError:\n    optional = None',
        'legacy/__init__.py': '',
        'legacy/old.py': 'print "x"',
        'legacy/bad.py': 'def f(:\n  pass',
        'legacy/other.py': '',
        'ns/mod.py': '',
        'cyc_a.py': 'import cyc_b',
        'cyc_b.py': 'import cyc_a',
        'arm.cpython-311-aarch64-linux-gnu.so': '',
      }),
    ).toEqual({
      files: {
        'app.py': 'python handler',
        'legacy/__init__.py': 'python import',
        'legacy/old.py': 'python import',
        'legacy/bad.py': 'python import',
        'legacy/other.py': 'python opaque-package',
        'ns/mod.py': 'python import',
        'cyc_a.py': 'python import',
        'arm.cpython-311-aarch64-linux-gnu.so': 'native import',
        'cyc_b.py': 'python import',
      },
      diagnostics: [
        'FL102 warning app.py:5: module "missing_mod" is neither in the package nor in the standard library',
        'FL101 warning legacy/old.py: Python 2 syntax (print statement): kept as is, its imports are not followed',
        'FL101 warning legacy/bad.py: syntax error near line 1: kept as is, its imports are not followed',
        'FL501 error arm.cpython-311-aarch64-linux-gnu.so is a native extension for aarch64, but the target is x86_64: importing it fails',
        'FL502 info ns is a namespace package (no __init__.py): its portions are searched in every root',
      ],
      roots: [''],
    });
  });

  test('a handler (or app module) that does not parse keeps every file', async () => {
    expect(await graphOf({ 'app.py': 'print "py2"\nimport lib', 'lib/__init__.py': '', 'lib/x.py': '', 'data.bin': '' })).toEqual({
      files: {
        'app.py': 'python handler',
        'data.bin': 'asset unparsed-app-module',
        'lib/__init__.py': 'python unparsed-app-module',
        'lib/x.py': 'python unparsed-app-module',
      },
      diagnostics: ['FL101 warning app.py: Python 2 syntax (print statement): kept as is, its imports are not followed'],
      roots: [''],
    });
  });
});

describe('analyzePythonApp', () => {
  test('a handler module that cannot be found is a usage error (FL003)', async () => {
    await expect(analyzePythonApp('/x', ['other.py'], [handlerSpec('app.handler')])).rejects.toMatchObject({
      exitCode: 2,
      diagnostic: { id: 'FL003', message: 'handler module app.py (from "app.handler") not found in /x' },
    });
  });

  test('imports in an import cycle and names other modules take stay eager; the plan defaults to eager', async () => {
    const files: Files = {
      'app.py': 'import lib\nimport cyc_a\ndef handler(e, c):\n    return lib.f() + cyc_a.g()',
      'lib/__init__.py': 'import json\nimport collections\ndef f():\n    return json.dumps(collections.OrderedDict())',
      'user.py': '',
      'cyc_a.py': 'import cyc_b\ndef g():\n    return cyc_b.h()',
      'cyc_b.py': 'import cyc_a\ndef h():\n    return 1',
      'reexp.py': 'from lib import json',
    };
    files['app.py'] = 'import lib\nimport cyc_a\nimport reexp\ndef handler(e, c):\n    return lib.f() + cyc_a.g() + reexp.x()';
    const { writeFile, mkdir } = await import('node:fs/promises');
    const root = await tmpDir('app');
    for (const [f, c] of Object.entries(files)) {
      await mkdir(`${root}/${f}`.replace(/\/[^/]*$/, ''), { recursive: true });
      await writeFile(`${root}/${f}`, c);
    }
    const a = await analyzePythonApp(root, Object.keys(files).sort(), [handlerSpec('app.handler')], { stdlib: STDLIB });
    const d = decidePythonImports(a.sites);
    expect(d.map((x) => `${x.site.file}:${x.site.names} ${x.decision} ${x.reason.code}`)).toEqual(
      [
        'app.py:lib lazy deferred',
        'app.py:cyc_a lazy deferred',
        'app.py:reexp lazy deferred',
        'lib/__init__.py:json unknown-use eager',
        'lib/__init__.py:collections lazy deferred',
        'cyc_a.py:cyc_b eager usage-unknown',
        'reexp.py:json eager usage-unused',
        'cyc_b.py:cyc_a eager usage-unused',
      ].map((s) => s.replace('unknown-use eager', 'eager usage-unknown')),
    );
    expect(a.diagnostics.map((x) => x.id)).toEqual(['FL503']);
  });
});

afterAll(cleanupTmp);
