import { afterAll, describe, expect, test } from 'vitest';
import { analyzePythonBindings } from '../../src/lang/python/analyze/bindings.js';
import { decidePythonImports } from '../../src/lang/python/analyze/index.js';
import { insertHeader, injectPythonShim } from '../../src/lang/python/transform/shim.js';
import { transformPythonFile } from '../../src/lang/python/transform/index.js';
import { runPython, tmpDir, cleanupTmp } from './helpers.js';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

describe('insertHeader: after docstring and __future__, line numbers kept where possible', () => {
  test.each([
    ['"""doc"""\nimport os\n', '"""doc"""; S\nimport os\n'],
    ['"""doc"""\nfrom __future__ import annotations\nx = 1\n', '"""doc"""\nfrom __future__ import annotations; S\nx = 1\n'],
    ['#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n', '#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nS; x = 1\n'],
    ['import a; import b\n', 'S; import a; import b\n'],
    ['def f():\n    pass\n', 'S  # faaslight: runtime shim\ndef f():\n    pass\n'],
    ['x = (1,\n     2)\n', 'S  # faaslight: runtime shim\nx = (1,\n     2)\n'],
    ['', 'S  # faaslight: runtime shim\n'],
  ])('%j', (code, expected) => {
    expect(insertHeader(code, 'S')).toBe(expected);
  });

  test('injectPythonShim is idempotent', () => {
    const once = injectPythonShim('x = 1\n', 'src/app.py');
    expect(once).toBe(
      "_fl_rt = __import__('sys').modules.get('_faaslight') or (lambda _s, _o: (_s.path.insert(0, _d := _o.path.normpath(_o.path.join(_o.path.dirname(_o.path.abspath(__file__)), '..', '.faaslight'))), __import__('_faaslight'), _s.path.remove(_d))[1])(__import__('sys'), __import__('os')); x = 1\n",
    );
    expect(injectPythonShim(once, 'src/app.py')).toBe(once);
  });
});

function transform(code: string, file = 'lib/mod.py') {
  const { sites } = analyzePythonBindings(file, code);
  return transformPythonFile(file, code, decidePythonImports(sites), []);
}

describe('lazy rewrite: minimal edits at the statement ranges', () => {
  test('single, from-import with several names, multi-line statement; everything else byte for byte', () => {
    const code = '"""m"""\nimport numpy as np\nfrom a.b import (c,\n    d as e)\nX = 1  # é\n\ndef f():\n    return np.x(c.y, e())\n';
    const r = transform(code);
    expect(r.code.split('\n').slice(1)).toEqual([
      'np = _fl_rt.lazy(globals(), "import numpy as np", 2, ("np", "A", "numpy", 0, None))',
      'c, e = _fl_rt.lazy(globals(), "from a.b import (c,\\n    d as e)", 3, ("c", "F", "a.b", 0, "c"), ("e", "F", "a.b", 0, "d"))',
      '',
      'X = 1  # é',
      '',
      'def f():',
      '    return np.x(c.y, e())',
      '',
    ]);
    expect(r.code.split('\n')[0]).toMatch(/^"""m"""; _fl_rt = __import__\('sys'\)/);
    expect(r.applied).toEqual(['line 2: import numpy as np → lazy', 'line 3: from a.b import (c, d as e) → lazy']);
  });

  test('a file that does not parse after the rewrite is never produced; unparsable input is kept (FL202)', () => {
    const r = transformPythonFile('bad.py', 'print "x"\n', [], [], { isHandler: true });
    expect([r.changed, r.code, r.diagnostics.map((d) => d.id)]).toEqual([false, 'print "x"\n', ['FL202']]);
  });
});

describe('lazy semantics, executed', () => {
  test('same module objects, submodule attributes set, relative imports, zero cost after first use', async () => {
    const dir = await tmpDir('lazy');
    const files: Record<string, string> = {
      'pkg/__init__.py': '',
      'pkg/sub/__init__.py': 'import sys\nsys.modules.setdefault("_ev", []).append("pkg.sub")\n',
      'pkg/sub/leaf.py': 'import sys\nsys.modules.setdefault("_ev", []).append("pkg.sub.leaf")\nVALUE = 7\n',
      'pkg/user.py':
        'import pkg.sub.leaf\nfrom .sub import leaf as lf\nfrom .sub.leaf import VALUE\nimport pkg.sub.leaf as L\nfrom .sub import missing_name\n\n' +
        'def get():\n    return pkg.sub.leaf.VALUE + lf.VALUE + VALUE.real + L.VALUE\n\ndef bad():\n    return missing_name.x\n',
    };
    for (const [f, c] of Object.entries(files)) {
      await fsp.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      const r = f === 'pkg/user.py' ? transform(c, f) : { code: c };
      await fsp.writeFile(path.join(dir, f), r.code);
    }
    await fsp.mkdir(path.join(dir, '.faaslight'));
    await fsp.copyFile(path.resolve('runtime/python/_faaslight.py'), path.join(dir, '.faaslight/_faaslight.py'));
    const script = [
      'import sys',
      "sys.path.insert(0, '.')",
      'import pkg.user as u',
      "before = list(sys.modules.get('_ev', []))",
      'r = u.get()',
      "print([before, r, sys.modules['_ev'], u.pkg is sys.modules['pkg'], u.lf is sys.modules['pkg.sub.leaf'], u.L is u.lf, hasattr(sys.modules['pkg.sub'], 'leaf'), type(u.__dict__['VALUE']).__name__])",
      'for _ in range(2):',
      '    try:',
      '        u.bad()',
      '    except ImportError as e:',
      '        print(type(e).__name__, str(e), e.name)',
    ].join('\n');
    const out = runPython(dir, ['-c', script]);
    expect(out.stderr).toBe('');
    const orig = runPython(dir, [
      '-c',
      'import sys\ntry:\n    from pkg.sub import missing_name\nexcept ImportError as e:\n    print(type(e).__name__, str(e), e.name)',
    ]);
    const expectedError = orig.stdout.trim().replace(dir, '<root>');
    expect(expectedError).toBe("ImportError cannot import name 'missing_name' from 'pkg.sub' (<root>/pkg/sub/__init__.py) pkg.sub");
    expect(
      out.stdout
        .trim()
        .split('\n')
        .map((l) => l.replace(dir, '<root>')),
    ).toEqual(["[[], 28, ['pkg.sub', 'pkg.sub.leaf'], True, True, True, True, 'int']", expectedError, expectedError]);
  });
});

afterAll(cleanupTmp);
