import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { parse, type CollectionTag, type ScalarTag, type YAMLMap, type YAMLSeq } from 'yaml';
import { diag } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';

/**
 * CloudFormation short tags, parsed to the long form the JSON templates use, so adapters read one
 * shape: `!Ref X` → `{ Ref: 'X' }`, `!GetAtt A.B` → `{ 'Fn::GetAtt': ['A', 'B'] }`, `!Sub s` → `{ 'Fn::Sub': 's' }`.
 * Each tag is registered for scalars, sequences and maps because templates use all three
 * (`!Sub [tpl, vars]`, `!Base64 {Fn::Sub: …}`).
 */
const FN_TAGS = [
  'Sub',
  'Join',
  'If',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Base64',
  'Equals',
  'Not',
  'And',
  'Or',
  'GetAZs',
  'Cidr',
  'GetAtt',
] as const;

function longForm(tag: string, value: unknown): Record<string, unknown> {
  if (tag === 'Ref' || tag === 'Condition') return { [tag]: value };
  if (tag === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${tag}`]: value };
}

function cfnTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const name of ['Ref', 'Condition', ...FN_TAGS]) {
    const tag = `!${name}`;
    tags.push({ tag, resolve: (str: string) => longForm(name, str) } as ScalarTag);
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag,
        collection,
        resolve: (node: YAMLSeq | YAMLMap) => longForm(name, node.toJSON()),
      } as unknown as CollectionTag);
    }
  }
  return tags;
}

const CFN_TAGS = cfnTags();

/** Parses a YAML or JSON deployment descriptor; CloudFormation short tags become their long forms. */
export function parseDescriptorText(text: string, fileName: string): unknown {
  if (fileName.endsWith('.json')) return JSON.parse(text);
  // `merge` lets serverless.yml anchors with `<<:` work; unknown tags (e.g. serverless' own) stay strings.
  return parse(text, { customTags: CFN_TAGS, merge: true, prettyErrors: true, logLevel: 'error' });
}

/** Reads and parses a descriptor; a broken one is a warning (FL010) and the adapter yields nothing. */
export async function readDescriptor(root: string, relPath: string): Promise<{ doc?: unknown; diagnostics: Diagnostic[] }> {
  try {
    const text = await fsp.readFile(path.join(root, relPath), 'utf8');
    return { doc: parseDescriptorText(text, relPath), diagnostics: [] };
  } catch (e) {
    return {
      diagnostics: [diag('FL010', 'warning', `${relPath} could not be read: ${(e as Error).message}`, { file: relPath })],
    };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** First of `names` that exists as a file in `root`. */
export async function firstExisting(root: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const st = await fsp.stat(path.join(root, name)).catch(() => undefined);
    if (st?.isFile()) return name;
  }
  return undefined;
}
