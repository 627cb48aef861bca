import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { diag } from '../../diagnostics.js';
import { isInside, rel } from '../../util/paths.js';
import { firstExisting, isRecord, readDescriptor } from '../descriptor.js';
import type { DescriptorAdapter, HandlerSeed } from './types.js';

const FILES = ['template.yaml', 'template.yml', 'template.json'] as const;
const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);

/**
 * AWS SAM and plain CloudFormation templates. A function's code folder (SAM `CodeUri`, or `Code`
 * as a local path for `aws cloudformation package`) becomes the package root; handlers are relative
 * to it. Functions whose code lives in another folder are separate packages and are reported, not mixed in.
 */
export const samAdapter: DescriptorAdapter = {
  name: 'sam',
  looksFor: 'template.yaml/template.yml/template.json (AWS::Serverless::Function, AWS::Lambda::Function)',
  detect: async (root) => (await firstExisting(root, FILES)) !== undefined,
  async handlers(root) {
    const file = (await firstExisting(root, FILES))!;
    const { doc, diagnostics } = await readDescriptor(root, file);
    if (!isRecord(doc) || !isRecord(doc.Resources)) return { seeds: [], diagnostics };
    const params = isRecord(doc.Parameters) ? doc.Parameters : {};
    const globals = isRecord(doc.Globals) && isRecord(doc.Globals.Function) ? doc.Globals.Function : {};
    const value = (v: unknown) => resolveValue(v, params);

    const groups = new Map<string, HandlerSeed[]>();
    for (const [id, res] of Object.entries(doc.Resources)) {
      if (!isRecord(res) || typeof res.Type !== 'string' || !FUNCTION_TYPES.has(res.Type)) continue;
      const isSam = res.Type === 'AWS::Serverless::Function';
      const props = { ...(isSam ? globals : {}), ...(isRecord(res.Properties) ? res.Properties : {}) };
      const where = `${file} ${id}`;
      const warn = (msg: string) => diagnostics.push(diag('FL010', 'warning', `${where}: ${msg}; function skipped`, { file }));
      if (value(props.PackageType) === 'Image') continue;
      const handler = value(props.Handler);
      if (typeof handler !== 'string') {
        warn(`Handler ${JSON.stringify(props.Handler)} is not a plain string`);
        continue;
      }
      const codeProp = isSam ? (props.CodeUri ?? props.InlineCode) : props.Code;
      const code = codeProp === undefined ? '.' : value(codeProp);
      if (typeof code !== 'string' || /^s3:\/\//.test(code) || (!isSam && isRecord(props.Code))) {
        warn(`code ${JSON.stringify(codeProp)} is not a local folder`);
        continue;
      }
      const codeDir = path.resolve(root, code);
      const st = await fsp.stat(codeDir).catch(() => undefined);
      if (!st?.isDirectory()) {
        warn(`code location ${code} is not a folder`);
        continue;
      }
      const runtime = value(props.Runtime);
      const seed: HandlerSeed = {
        handler,
        runtimeId: typeof runtime === 'string' ? runtime : undefined,
        style: 'aws',
        source: where,
        functionName: typeof props.FunctionName === 'string' ? props.FunctionName : id,
      };
      groups.set(codeDir, [...(groups.get(codeDir) ?? []), seed]);
    }
    const [first, ...others] = [...groups.entries()];
    if (!first) return { seeds: [], diagnostics };
    for (const [dir, seeds] of others) {
      const shown = isInside(root, dir) ? rel(root, dir) || '.' : dir;
      diagnostics.push(
        diag('FL010', 'warning', `${seeds.map((s) => s.source).join(', ')}: code is in ${shown}, another package; not included`, {
          file,
          note: `run faaslight on ${shown} for it`,
        }),
      );
    }
    return { root: first[0], seeds: first[1], diagnostics };
  },
};

/** Plain values pass; `{ Ref: Param }` takes the parameter's Default; other intrinsics are unknown. */
function resolveValue(v: unknown, params: Record<string, unknown>): unknown {
  if (isRecord(v) && typeof v.Ref === 'string' && Object.keys(v).length === 1) {
    const p = params[v.Ref];
    return isRecord(p) ? p.Default : undefined;
  }
  return v;
}
