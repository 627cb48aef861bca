// The graph of real packages must contain every file Node really loads. Node's own list is recorded
// in a child process (require.cache plus a loader hook for ESM); the graph runs with root = the repo
// and the repository's own node_modules (real, published packages).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/lang/js/analyze/graph.js';
import { createResolver } from '../../src/lang/js/analyze/resolve.js';
import type { Diagnostic, FileAnalysis } from '../../src/types.js';
import { rel } from '../../src/util/paths.js';
import { nodeLoads, repo } from './helpers.js';

function listFiles(dir: string): string[] {
  return (fs.readdirSync(path.join(repo, dir), { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => rel(repo, path.join(d.parentPath, d.name)));
}

const files = [...listFiles('node_modules'), ...listFiles('fixtures/graph/real'), 'package.json'];

describe.each([
  ['fixtures/graph/real/archiver-entry.cjs', ['archiver', 'readable-stream', 'zip-stream']],
  ['fixtures/graph/real/yaml-traverse-entry.cjs', ['yaml', '@babel/traverse', '@babel/types', 'debug']],
  ['fixtures/graph/real/esm-entry.mjs', ['commander', 'yaml', 'magic-string', '@babel/parser']],
])('%s', (entry, somePackages) => {
  const loaded = nodeLoads(repo, entry);
  const diagnostics: Diagnostic[] = [];
  const cache = new Map<string, FileAnalysis>();
  // The running Node's conditions: the graph is checked against what this Node loads.
  const graph = buildGraph(repo, [entry], { files, diagnostics, cache, resolver: createResolver(repo, { nodeVersion: process.versions.node }) });

  it('contains every file Node loads', () => {
    expect(loaded.length).toBeGreaterThan(10);
    if (entry.endsWith('.mjs')) expect(loaded).toContain('node_modules/commander/esm.mjs'); // ESM loads are recorded too
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
