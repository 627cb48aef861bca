import { firstExisting } from '../descriptor.js';
import type { DescriptorAdapter } from './types.js';

/** Google Cloud Functions (Python): `main.py` defines the `--target` function. */
export const gcfPythonAdapter: DescriptorAdapter = {
  name: 'gcf-python',
  looksFor: 'main.py with --target (Google Cloud Functions, Python)',
  detect: async (root, ctx) => ctx.target !== undefined && (await firstExisting(root, ['main.py'])) !== undefined,
  async handlers(_root, ctx) {
    return {
      seeds: [
        {
          handler: `main.${ctx.target}`,
          style: 'gcf',
          source: 'main.py with --target',
          functionName: ctx.target,
          runtime: 'python',
          file: 'main.py',
          exportName: ctx.target!,
        },
      ],
      diagnostics: [],
    };
  },
};
