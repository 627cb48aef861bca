// Reads result files and tells their kind: by the `kind` field, or for files written before it
// existed, by the fields only that kind has. Anything else is a usage error naming the file.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../diagnostics.js';
import type { ReportInput, ReportKind } from './types.js';

const KINDS: ReportKind[] = ['faaslight.optimize', 'faaslight.measure', 'faaslight.batch', 'faaslight.compare', 'faaslight.invoke', 'faaslight.model'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The kind of a parsed result, or a sentence saying why it is none. */
export function detectKind(v: unknown): ReportKind | { error: string } {
  if (!isObj(v)) return { error: 'not a JSON object' };
  if (typeof v.kind === 'string') {
    if (!KINDS.includes(v.kind as ReportKind)) return { error: `unknown kind "${v.kind}" (one of ${KINDS.join(', ')})` };
    const missing = required[v.kind as ReportKind].filter((k) => !(k in v));
    return missing.length ? { error: `${v.kind} without ${missing.join(', ')}` } : (v.kind as ReportKind);
  }
  // Shapes of files written before `kind` existed.
  if (isObj(v.counts) && isObj(v.initFiles) && isObj(v.app)) return 'faaslight.optimize';
  if (Array.isArray(v.packages) && typeof v.platform === 'string' && typeof v.runs === 'number') return 'faaslight.measure';
  return { error: 'no "kind" field and not the shape of an optimize or measure result' };
}

const required: Record<ReportKind, string[]> = {
  'faaslight.optimize': ['app', 'counts', 'initFiles'],
  'faaslight.measure': ['packages', 'platform', 'runs'],
  'faaslight.batch': ['apps'],
  'faaslight.compare': ['app', 'variants'],
  'faaslight.invoke': ['provider', 'results'],
  'faaslight.model': ['inputs', 'sweep'],
};

export function toInput(source: string, v: unknown): ReportInput {
  const kind = detectKind(v);
  if (typeof kind !== 'string') throw new UsageError(`${source}: not a faaslight result: ${kind.error}`);
  return { kind, source, data: kind === 'faaslight.compare' ? compareVariants(v as Record<string, any>) : v } as ReportInput;
}

/**
 * `faaslight compare` (src/compare) writes its variants as { name, built, buildError, works, files,
 * bytes, e2eMs, initMs, failedRuns, samples }: read them as the report's CompareVariant.
 */
function compareVariants(v: Record<string, any>): Record<string, any> {
  const variants = (v.variants as Record<string, any>[]).map((x) =>
    'id' in x || !('name' in x)
      ? x
      : {
          id: x.name,
          label: x.label ?? x.name,
          error: x.built === false ? (x.buildError ?? 'not built') : undefined,
          identical: x.built === false ? null : x.works === true,
          package: typeof x.files === 'number' ? { files: x.files, bytes: x.bytes ?? 0, zipBytes: x.zipBytes } : undefined,
          summary: {
            ok: (x.samples?.length ?? 0) - (x.failedRuns ?? 0),
            failed: x.failedRuns ?? 0,
            initMs: x.initMs ?? null,
            durationMs: null,
            e2eMs: x.e2eMs ?? null,
            unpackMs: null,
            warmMs: null,
            peakRssKb: null,
          },
          samples: x.samples ?? [],
        },
  );
  return { ...v, variants };
}

export async function readInputs(files: string[]): Promise<ReportInput[]> {
  const out: ReportInput[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`${f}: not JSON (${(e as Error).message})`);
    }
    out.push(toInput(f, v));
  }
  return out;
}
