import { describe, expect, test } from 'vitest';
import { injectShimLine } from '../../src/package/index.js';

const CJS = "require('./.faaslight/shim.cjs'); // faaslight: restores stripped files on demand";
const ESM = "import '../.faaslight/shim.cjs'; // faaslight: restores stripped files on demand";

const LINE = 'const require = __cr(import.meta.url);';
const cases: { name: string; code: string; esm?: boolean; after?: string; expected: string }[] = [
  { name: 'plain file', code: 'exports.a = 1;\n', expected: `${CJS}\nexports.a = 1;\n` },
  { name: 'empty file', code: '', expected: `${CJS}\n` },
  {
    name: 'hashbang',
    code: '#!/usr/bin/env node\nexports.a = 1;\n',
    expected: `#!/usr/bin/env node\n${CJS}\nexports.a = 1;\n`,
  },
  {
    name: "'use strict' stays the first statement",
    code: "'use strict';\nexports.a = 1;\n",
    expected: `'use strict';\n${CJS}\nexports.a = 1;\n`,
  },
  {
    name: 'hashbang, comment, several directives with a trailing comment',
    code: '#!/usr/bin/env node\n// header\n"use strict"; // why\n\'use client\'\nexports.a = 1;\n',
    expected: `#!/usr/bin/env node\n// header\n"use strict"; // why\n'use client'\n${CJS}\nexports.a = 1;\n`,
  },
  {
    name: 'minified: code on the directive line',
    code: '"use strict";var a=1;exports.a=a;',
    expected: `"use strict";\n${CJS}\nvar a=1;exports.a=a;`,
  },
  {
    name: 'a string statement that is not a directive',
    code: "'use strict'.length;\nexports.a = 1;\n",
    expected: `${CJS}\n'use strict'.length;\nexports.a = 1;\n`,
  },
  { name: 'byte order mark stays first', code: '\uFEFFexports.a = 1;\n', expected: `\uFEFF${CJS}\nexports.a = 1;\n` },
  {
    name: 'ESM: before the first import',
    esm: true,
    code: "import x from './x.js';\nexport const h = x;\n",
    expected: `${ESM}\nimport x from './x.js';\nexport const h = x;\n`,
  },
  {
    name: 'does not parse: after the hashbang only',
    code: '#!/usr/bin/env node\n"use strict";\nconst = ;\n',
    expected: `#!/usr/bin/env node\n${CJS}\n"use strict";\nconst = ;\n`,
  },
  {
    name: 'ESM bundle defining require: required on the next line',
    esm: true,
    after: LINE,
    code: `import { createRequire as __cr } from "node:module"; ${LINE} var x = 1;\nexport const h = x;\n`,
    expected: `import { createRequire as __cr } from "node:module"; ${LINE} var x = 1;\n${CJS.replace('./', '../')}\nexport const h = x;\n`,
  },
  {
    name: 'ESM without that line: imported as usual',
    esm: true,
    after: LINE,
    code: "import x from './x.js';\nexport const h = x;\n",
    expected: `${ESM}\nimport x from './x.js';\nexport const h = x;\n`,
  },
  { name: 'already injected: unchanged', code: `'use strict';\n${CJS}\nexports.a = 1;\n`, expected: `'use strict';\n${CJS}\nexports.a = 1;\n` },
];

describe('injectShimLine', () => {
  test.each(cases)('$name', ({ code, esm, after, expected }) => {
    const spec = esm ? '../.faaslight/shim.cjs' : './.faaslight/shim.cjs';
    expect(injectShimLine(code, spec, esm ?? false, after)).toBe(expected);
  });

  test('the injected file runs: shim first, strict mode kept', () => {
    const code = "#!/usr/bin/env node\n'use strict';\nmodule.exports = { strict: (function () { return this === undefined; })(), order };\n";
    const out = injectShimLine(code, './.faaslight/shim.cjs', false).replace(/^#!.*\n/, '');
    const order: string[] = [];
    const mod = { exports: {} as { strict?: boolean; order?: string[] } };
    new Function('require', 'module', 'order', out)((s: string) => order.push(s), mod, order);
    expect(mod.exports).toEqual({ strict: true, order: ['./.faaslight/shim.cjs'] });
  });
});
