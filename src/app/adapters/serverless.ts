import { diag } from '../../diagnostics.js';
import type { Diagnostic } from '../../types.js';
import { firstExisting, isRecord, readDescriptor } from '../descriptor.js';
import type { DescriptorAdapter, HandlerSeed } from './types.js';

const FILES = ['serverless.yml', 'serverless.yaml', 'serverless.json'] as const;

/** `${self:…}`, `${env:…}` … are resolved by the Serverless CLI at deploy time; we cannot know them. */
const hasVariable = (s: string) => s.includes('${');

/** Serverless Framework: `functions.<name>.handler`, runtime per function or from `provider.runtime`. */
export const serverlessAdapter: DescriptorAdapter = {
  name: 'serverless',
  looksFor: 'serverless.yml/serverless.yaml/serverless.json (functions.*.handler)',
  detect: async (root) => (await firstExisting(root, FILES)) !== undefined,
  async handlers(root) {
    const file = (await firstExisting(root, FILES))!;
    const { doc, diagnostics } = await readDescriptor(root, file);
    const seeds: HandlerSeed[] = [];
    if (!isRecord(doc)) return { seeds, diagnostics };
    const provider = isRecord(doc.provider) ? doc.provider : {};
    const providerRuntime = typeof provider.runtime === 'string' ? provider.runtime : undefined;
    // Old Serverless versions allowed `functions` as a list of one-key maps.
    const functions = Array.isArray(doc.functions) ? Object.assign({}, ...doc.functions.filter(isRecord)) : isRecord(doc.functions) ? doc.functions : {};
    for (const [name, fn] of Object.entries(functions)) {
      if (!isRecord(fn) || fn.image !== undefined) continue; // container images have no handler string
      const where = `${file} functions.${name}`;
      const handler = fn.handler;
      if (typeof handler !== 'string' || hasVariable(handler)) {
        diagnostics.push(skip(file, where, handler));
        continue;
      }
      const runtime = typeof fn.runtime === 'string' ? fn.runtime : providerRuntime;
      seeds.push({
        handler,
        runtimeId: runtime && !hasVariable(runtime) ? runtime : undefined,
        style: 'aws',
        source: where,
        functionName: name,
      });
    }
    return { seeds, diagnostics };
  },
};

function skip(file: string, where: string, handler: unknown): Diagnostic {
  return diag('FL010', 'warning', `${where}: handler ${JSON.stringify(handler)} is not a plain handler string; function skipped`, {
    file,
    note: 'give the handler with --handler file.export',
  });
}
