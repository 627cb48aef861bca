import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { diag, UsageError } from '../diagnostics.js';
import type { FaaslightConfig } from '../types.js';
import { closest } from './suggest.js';

export const CONFIG_FILE = 'faaslight.config.json';

type KeyCheck = (v: unknown) => boolean;
const isStringArray: KeyCheck = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '');
/** The checks double as the list of known keys. */
const KEYS: Record<keyof FaaslightConfig, { check: KeyCheck; expected: string }> = {
  handlers: { check: isStringArray, expected: 'an array of handler strings' },
  keep: { check: isStringArray, expected: 'an array of glob strings' },
  eager: { check: isStringArray, expected: 'an array of module specifiers' },
  opaque: { check: isStringArray, expected: 'an array of package names' },
  nodeVersion: {
    check: (v) => typeof v === 'string' && /^v?\d+(\.\d+){0,2}$/.test(v),
    expected: 'a version string like "20.19.0"',
  },
};

function invalid(source: string, key: string, message: string, note?: string): UsageError {
  return new UsageError(
    `invalid configuration in ${source}: ${message}`,
    diag('FL006', 'error', message, { file: source, note: note ?? `fix the "${key}" key` }),
  );
}

/** Checks a parsed configuration object; unknown keys are rejected so a typo is not silently ignored. */
export function validateConfig(raw: unknown, source: string): FaaslightConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid(source, '(root)', 'configuration must be a JSON object');
  }
  const config: FaaslightConfig = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('$')) continue; // "$schema" and similar editor hints
    const spec = KEYS[key as keyof FaaslightConfig];
    if (!spec) {
      const near = closest(key, Object.keys(KEYS));
      throw invalid(
        source,
        key,
        `unknown key "${key}"`,
        near.length ? `did you mean "${near[0]}"? Known keys: ${Object.keys(KEYS).join(', ')}` : `known keys: ${Object.keys(KEYS).join(', ')}`,
      );
    }
    if (!spec.check(value)) throw invalid(source, key, `"${key}" must be ${spec.expected}`);
    (config as Record<string, unknown>)[key] = value;
  }
  return config;
}

/**
 * Reads the app's configuration: `faaslight.config.json` in the root, else the "faaslight" key of
 * the root package.json. Returns undefined when neither exists.
 */
export async function loadConfig(root: string): Promise<{ config: FaaslightConfig; source: string } | undefined> {
  const file = path.join(root, CONFIG_FILE);
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw invalid(CONFIG_FILE, '(file)', `${CONFIG_FILE} is not valid JSON: ${(e as Error).message}`, 'fix the JSON syntax');
    }
    return { config: validateConfig(raw, CONFIG_FILE), source: CONFIG_FILE };
  }
  const pkg = await readPackageJson(root);
  if (pkg && 'faaslight' in pkg) {
    const source = 'package.json#faaslight';
    return { config: validateConfig(pkg.faaslight, source), source };
  }
  return undefined;
}

/** The root package.json as an object, or undefined when missing or unreadable (not our file to judge). */
export async function readPackageJson(root: string): Promise<Record<string, unknown> | undefined> {
  const text = await fsp.readFile(path.join(root, 'package.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
