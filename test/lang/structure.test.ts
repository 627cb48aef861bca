// The source tree's shape: no import cycle among src/ modules (type-only imports count too: a cycle of
// types still ties two modules together), found with TypeScript's own import scanner.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { expect, test } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

function importGraph(): Map<string, string[]> {
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, f));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = ts
      .preProcessFile(fs.readFileSync(f, 'utf8'), true, true)
      .importedFiles.filter((r) => r.fileName.startsWith('.'))
      .map((r) => path.resolve(path.dirname(f), r.fileName).replace(/\.js$/, '.ts'))
      .filter((t) => fs.existsSync(t));
    graph.set(
      path.relative(SRC, f),
      deps.map((d) => path.relative(SRC, d)),
    );
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const comp: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      comp.push(w);
    }
    if (comp.length > 1 || graph.get(v)?.includes(v)) out.push(comp.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out;
}

test('the cycle finder sees a cycle through a type-only import', () => {
  expect(
    cycles(
      new Map([
        ['job.ts', ['bundle.ts']],
        ['bundle.ts', ['job.ts']],
        ['x.ts', ['job.ts']],
      ]),
    ),
  ).toEqual([['bundle.ts', 'job.ts']]);
});

test('src/ has no import cycle', () => {
  const graph = importGraph();
  expect(graph.size).toBeGreaterThan(100);
  expect(cycles(graph)).toEqual([]);
});
