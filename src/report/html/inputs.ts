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
  return { kind, source, data: v } as ReportInput;
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
