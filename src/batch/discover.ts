// Which sub-folders of a corpus folder are apps, in a fixed order, and which of them one shard runs.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../diagnostics.js';

/** Files that name a handler (see src/app/adapters and src/app/config.ts). */
const DESCRIPTORS = [
  'serverless.yml',
  'serverless.yaml',
  'serverless.json',
  'template.yaml',
  'template.yml',
  'template.json',
  'faaslight.config.json',
] as const;

/** "App2" before "App10": digit runs compare as numbers, the rest by code unit (no locale: same order on every machine). */
export function naturalCompare(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i];
    const y = tb[i];
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y) || x.length - y.length;
      if (d) return d;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length || (a < b ? -1 : a > b ? 1 : 0);
}

async function hasDescriptor(dir: string): Promise<boolean> {
  for (const f of DESCRIPTORS) if ((await fsp.stat(path.join(dir, f)).catch(() => undefined))?.isFile()) return true;
  // A GCF/Node package names its entry in package.json; only a "faaslight" key makes it an app here,
  // so a stray tooling package.json is not mistaken for one.
  const pkg = await fsp.readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
  if (pkg === undefined) return false;
  try {
    const j = JSON.parse(pkg);
    return typeof j === 'object' && j !== null && 'faaslight' in j;
  } catch {
    return false;
  }
}

/** App folders directly under `dir` (those with a handler descriptor), sorted naturally. */
export async function discoverApps(dir: string): Promise<string[]> {
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`corpus folder ${dir}: ${e.code === 'ENOENT' ? 'not found' : e.message}`);
  });
  const apps: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name.startsWith('.') || e.name === 'node_modules') continue;
    if (await hasDescriptor(path.join(dir, e.name))) apps.push(e.name);
  }
  return apps.sort(naturalCompare);
}

/** Parses "i/n" (1-based, like jest and playwright; a Kubernetes Indexed Job passes $((JOB_COMPLETION_INDEX+1))/n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new UsageError(`--shard must look like i/n (e.g. 2/4), got "${text}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: need 1 ≤ i ≤ n`);
  return { index, count };
}

/**
 * The apps of one shard: sorted naturally, then dealt round-robin (app k goes to shard k mod n + 1), so
 * every app lands in exactly one shard and similar neighbours (App9p/App9t) spread across machines.
 */
export function shardApps(apps: readonly string[], shard: { index: number; count: number } | undefined): string[] {
  const sorted = [...apps].sort(naturalCompare);
  if (!shard) return sorted;
  return sorted.filter((_, k) => k % shard.count === shard.index - 1);
}
