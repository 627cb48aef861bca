// The graph of real packages must contain every file Node really loads. Node's own list is recorded
// in a child process (require.cache after requiring the entry); the graph runs with root = the repo.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/analyze/js/graph.js';
import { cleanEnv } from '../../src/util/env.js';
import { rel } from '../../src/util/paths.js';
import type { Diagnostic, FileAnalysis } from '../../src/types.js';

const repo = fs.realpathSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'));

function listFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(repo, dir), { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => rel(repo, path.join(d.parentPath, d.name)));
}

const files = [...listFiles('node_modules'), ...listFiles('fixtures/graph/real'), 'package.json'];

/** Files Node loads for `require(entry)`, relative to the repo. */
function nodeLoads(entry: string): string[] {
  const script = `require(${JSON.stringify(path.join(repo, entry))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const out = execFileSync(process.execPath, ['-e', script], { env: cleanEnv(), cwd: repo, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((f) => rel(repo, fs.realpathSync(f))).sort();
}

describe.each([
  ['fixtures/graph/real/archiver-entry.cjs', ['archiver', 'readable-stream', 'zip-stream']],
  ['fixtures/graph/real/yaml-traverse-entry.cjs', ['yaml', '@babel/traverse', '@babel/types', 'debug']],
])('%s', (entry, somePackages) => {
  const loaded = nodeLoads(entry);
  const diagnostics: Diagnostic[] = [];
  const cache = new Map<string, FileAnalysis>();
  const graph = buildGraph(repo, [entry], { files, diagnostics, cache });

  it('contains every file Node loads', () => {
    expect(loaded.length).toBeGreaterThan(20);
    expect(loaded.filter((f) => !graph.files[f])).toEqual([]);
  });

  it('records the packages, their manifests and a reason for every file', () => {
    const names = new Set(Object.values(graph.packages).map((p) => p.name));
    for (const name of somePackages) expect(names).toContain(name);
    for (const [dir, info] of Object.entries(graph.packages)) {
      expect(graph.files[`${dir}/package.json`]?.reasons[0]?.code).toBe('package-json');
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    }
    for (const [file, node] of Object.entries(graph.files)) expect(node.reasons.length, file).toBeGreaterThan(0);
    expect(graph.files[entry].reasons).toEqual([{ code: 'handler', text: 'handler file' }]);
  });

  it('stays a graph of what is needed, not the whole node_modules', () => {
    const js = Object.values(graph.files).filter((n) => n.kind === 'js').length;
    // Generous bound: static analysis keeps more than one run loads (conditional branches), not everything.
    expect(js).toBeLessThan(loaded.length * 4);
    expect(Object.keys(graph.files).length).toBeLessThan(files.length / 4);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
