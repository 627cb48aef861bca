import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { diag, UsageError } from '../diagnostics.js';

function eventError(file: string, why: string): UsageError {
  return new UsageError(
    `event file ${file}: ${why}`,
    diag('FL011', 'error', `event file ${file}: ${why}`, { file, note: 'events are JSON files, one event each' }),
  );
}

/**
 * Expands event arguments (files or globs like `events/*.json`) to absolute paths, in argument
 * order, each glob's matches sorted; every file must exist and hold JSON.
 */
export async function expandEvents(patterns: readonly string[], cwd: string = process.cwd()): Promise<string[]> {
  const files: string[] = [];
  for (const p of patterns) {
    if (isDynamicPattern(p)) {
      const hits = (await glob(p, { cwd, absolute: true, onlyFiles: true, expandDirectories: false })).sort();
      if (!hits.length) throw eventError(p, 'no file matches this pattern');
      files.push(...hits.map((h) => path.resolve(h)));
    } else {
      files.push(path.resolve(cwd, p));
    }
  }
  const unique = [...new Set(files)];
  for (const f of unique) {
    const text = await fsp.readFile(f, 'utf8').catch(() => undefined);
    if (text === undefined) throw eventError(f, 'not found');
    try {
      JSON.parse(text);
    } catch (e) {
      throw eventError(f, `not valid JSON (${(e as Error).message})`);
    }
  }
  return unique;
}

/** Short names for event files: the base name, or the full path where two base names collide. */
export function eventLabels(files: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(path.basename(f), (counts.get(path.basename(f)) ?? 0) + 1);
  return new Map(files.map((f) => [f, counts.get(path.basename(f))! > 1 ? f : path.basename(f)]));
}
