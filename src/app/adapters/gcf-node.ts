import { readPackageJson } from '../config.js';
import { firstExisting } from '../descriptor.js';
import type { AdapterContext, DescriptorAdapter } from './types.js';

/** `functions-framework --target=name` in a package.json script tells the target when --target is not given. */
export function targetFromScripts(pkg: Record<string, unknown>): string | undefined {
  const scripts = typeof pkg.scripts === 'object' && pkg.scripts !== null ? Object.values(pkg.scripts) : [];
  for (const s of scripts) {
    const m = typeof s === 'string' && /functions-framework\b.*?--target[= ]([\w$-]+)/.exec(s);
    if (m) return m[1];
  }
  return undefined;
}

async function target(root: string, ctx: AdapterContext): Promise<string | undefined> {
  if (ctx.target) return ctx.target;
  const pkg = await readPackageJson(root);
  return pkg ? targetFromScripts(pkg) : undefined;
}

/** Google Cloud Functions (Node): package.json `main` (default index.js) exports the `--target` function. */
export const gcfNodeAdapter: DescriptorAdapter = {
  name: 'gcf-node',
  looksFor: 'package.json main with --target (Google Cloud Functions)',
  async detect(root, ctx) {
    return (await readPackageJson(root)) !== undefined && (await target(root, ctx)) !== undefined;
  },
  async handlers(root, ctx) {
    const pkg = (await readPackageJson(root))!;
    const name = (await target(root, ctx))!;
    const main = (typeof pkg.main === 'string' ? pkg.main : 'index.js').replace(/^\.\//, '');
    // `main` follows Node's resolution: exact file, then with .js, then a folder's index.js.
    const file = await firstExisting(root, [main, `${main}.js`, `${main.replace(/\/$/, '')}/index.js`]);
    const modulePath = (file ?? main).replace(/\.(m?js|cjs)$/, '');
    return {
      seeds: [
        {
          handler: `${modulePath}.${name}`,
          style: 'gcf',
          source: `package.json main${ctx.target ? ' with --target' : ' (target from scripts)'}`,
          functionName: name,
          runtime: 'nodejs',
          file: file ?? main,
          exportName: name,
        },
      ],
      diagnostics: [],
    };
  },
};
