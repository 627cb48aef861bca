// Variant (b) of `compare`: what a user gets from a plain esbuild bundle with serverless-esbuild's default
// settings (bundle, platform node, CommonJS, target = the runtime's Node, no minify), including its default
// exclude: `@aws-sdk/*` for nodejs18.x and later, whose runtime provides SDK v3. Locally nothing provides it,
// so the package keeps the app's node_modules, where excluded modules load from files as they would from
// the runtime's own folder (no other module is looked up there: everything else is in the bundle).
// Each handler file is replaced by its bundle. An ES
// module handler gets format esm and the usual createRequire banner: CommonJS output of an ES module
// that reads import.meta does not run, and that is the change every such user makes.
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { AppModel } from '../types.js';
import { abs } from '../util/paths.js';

export interface PlainBundleResult {
  ok: boolean;
  error?: string;
  warnings: number;
}

const ESM_BANNER = `import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);`;

function isEsmHandler(app: AppModel, file: string): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  try {
    return JSON.parse(fs.readFileSync(path.join(app.root, 'package.json'), 'utf8')).type === 'module';
  } catch {
    return false;
  }
}

export async function buildPlainBundle(app: AppModel, outDir: string, nodeMajor: number, opts: { minify?: boolean } = {}): Promise<PlainBundleResult> {
  await fs.promises.rm(outDir, { recursive: true, force: true });
  const exclude = nodeMajor >= 18 ? ['@aws-sdk/*'] : ['aws-sdk'];
  for (const f of app.files) {
    const dst = abs(outDir, f);
    await fs.promises.mkdir(path.dirname(dst), { recursive: true });
    await fs.promises.copyFile(abs(app.root, f), dst);
  }
  let warnings = 0;
  for (const file of [...new Set(app.handlers.map((h) => h.file))]) {
    const esm = isEsmHandler(app, file);
    try {
      const r = await esbuild.build({
        entryPoints: [abs(app.root, file)],
        bundle: true,
        platform: 'node',
        format: esm ? 'esm' : 'cjs',
        target: `node${nodeMajor}`,
        minify: opts.minify === true,
        write: false,
        outfile: abs(outDir, file),
        absWorkingDir: app.root,
        logLevel: 'silent',
        external: exclude,
        ...(esm ? { banner: { js: ESM_BANNER } } : {}),
      });
      warnings += r.warnings.length;
      await fs.promises.writeFile(abs(outDir, file), r.outputFiles[0].text);
    } catch (e) {
      const errors = (e as { errors?: { text: string }[] }).errors;
      return { ok: false, error: errors?.map((x) => x.text).join('; ') ?? (e as Error).message, warnings };
    }
  }
  return { ok: true, warnings };
}
