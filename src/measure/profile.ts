// Where the cold start goes: turns the raw output of the Node require hook or of Python's
// `-X importtime` into one shape — a tree of module loads (inclusive and self time) and the top
// costs per package, which is what tells a user which dependency to make lazy.
import path from 'node:path';
import { round } from './stats.js';
import type { Profile, ProfileEntry, ProfileNode } from './types.js';

/** Frame as written by runtime/node/profile-hook.cjs (times in epoch ms). */
export interface RawFrame {
  id: string;
  start: number;
  end: number;
  children: RawFrame[];
  /** Top-level frames only: the file that required it (null for the main script). */
  parent?: string | null;
}

/** Package of a loaded file: the innermost node_modules package, "(app)" for the function's own files. */
export function nodePackageOf(id: string, taskRoot: string): string {
  if (id.startsWith('node:')) return '(node built-in)';
  const r = path.relative(taskRoot, id);
  if (r.startsWith('..') || path.isAbsolute(r)) return '(runtime)';
  const norm = r.split(path.sep).join('/');
  const i = norm.lastIndexOf('node_modules/');
  if (i < 0) return '(app)';
  const parts = norm.slice(i + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') && parts.length > 1 ? `${parts[0]}/${parts[1]}` : parts[0];
}

function toNode(f: RawFrame, pkgOf: (id: string) => string, label: (id: string) => string): ProfileNode {
  const children = f.children.map((c) => toNode(c, pkgOf, label));
  const inclusive = f.end - f.start;
  const childSum = children.reduce((s, c) => s + c.inclusiveMs, 0);
  return {
    id: label(f.id),
    package: pkgOf(f.id),
    inclusiveMs: round(inclusive, 3),
    selfMs: round(Math.max(0, inclusive - childSum), 3),
    children,
  };
}

/**
 * Per-package costs. Inclusive time counts only the outermost load of a package (a package's files
 * requiring each other are not counted twice), so it reads as "what making this package lazy saves at most".
 */
export function topPackages(tree: ProfileNode[], limit = 15): ProfileEntry[] {
  const acc = new Map<string, ProfileEntry>();
  const visit = (n: ProfileNode, ancestors: Set<string>) => {
    const e = acc.get(n.package) ?? { package: n.package, inclusiveMs: 0, selfMs: 0, modules: 0 };
    if (!ancestors.has(n.package)) e.inclusiveMs += n.inclusiveMs;
    e.selfMs += n.selfMs;
    e.modules += 1;
    acc.set(n.package, e);
    const next = ancestors.has(n.package) ? ancestors : new Set(ancestors).add(n.package);
    for (const c of n.children) visit(c, next);
  };
  for (const n of tree) visit(n, new Set());
  return [...acc.values()]
    .map((e) => ({ ...e, inclusiveMs: round(e.inclusiveMs, 2), selfMs: round(e.selfMs, 2) }))
    .sort((a, b) => b.inclusiveMs - a.inclusiveMs || (a.package < b.package ? -1 : 1))
    .slice(0, limit);
}

/**
 * Node: frames that started before the first /next are init; later top-level loads happened
 * while the event was handled (lazy requires) and are listed apart.
 * `initEndEpoch` is the measurer's clock (performance.timeOrigin + now) at the first /next.
 */
export function nodeProfile(raw: { roots: RawFrame[] }, taskRoot: string, initEndEpoch: number | null): Profile {
  const pkgOf = (id: string) => nodePackageOf(id, taskRoot);
  const label = (id: string) => {
    if (id.startsWith('node:')) return id;
    const r = path.relative(taskRoot, id);
    return r.startsWith('..') || path.isAbsolute(r) ? id : r.split(path.sep).join('/');
  };
  const inside = (file: string | null | undefined) => !!file && !file.startsWith('node:') && pkgOf(file) !== '(runtime)';
  // The runtime's own loads (its built-ins, the native client) are not the function's cost.
  const roots = raw.roots.filter((f) => inside(f.id) || inside(f.parent));
  const isInit = (f: RawFrame) => initEndEpoch === null || f.start < initEndEpoch;
  const init = roots.filter(isInit).map((f) => toNode(f, pkgOf, label));
  const later = roots.filter((f) => !isInit(f));
  return {
    tool: 'require-hook',
    totalMs: round(
      init.reduce((s, n) => s + n.inclusiveMs, 0),
      2,
    ),
    top: topPackages(init),
    tree: init,
    loadedDuringInvoke: later.map((f) => label(f.id)),
    notes: ['Node: CommonJS require() loads are timed; ES module imports are not seen by the hook'],
  };
}

interface ImportLine {
  name: string;
  depth: number;
  selfUs: number;
  cumUs: number;
}

function parseImportLine(line: string): ImportLine | undefined {
  const m = /^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( +)(\S+)\s*$/.exec(line);
  if (!m) return undefined;
  return { selfUs: Number(m[1]), cumUs: Number(m[2]), depth: (m[3].length - 1) / 2, name: m[4] };
}

/**
 * `-X importtime` prints each import after its children (post-order), indented by depth.
 * A line's children are the pending lines one level deeper printed just before it.
 */
export function importTimeTree(lines: string[]): ProfileNode[] {
  const pending = new Map<number, ProfileNode[]>();
  for (const line of lines) {
    const p = parseImportLine(line);
    if (!p) continue;
    const node: ProfileNode = {
      id: p.name,
      package: p.name.split('.')[0],
      inclusiveMs: round(p.cumUs / 1000, 3),
      selfMs: round(p.selfUs / 1000, 3),
      children: pending.get(p.depth + 1) ?? [],
    };
    pending.delete(p.depth + 1);
    const list = pending.get(p.depth) ?? [];
    list.push(node);
    pending.set(p.depth, list);
  }
  return pending.get(0) ?? [];
}

const BEGIN = 'faaslight: import handler';
const END = 'faaslight: handler imported';

/** Python: only the lines between the bootstrap's markers are the function's own init imports. */
export function pythonProfile(stderr: string): Profile {
  const lines = stderr.split('\n');
  const b = lines.indexOf(BEGIN);
  const e = lines.indexOf(END);
  const notes: string[] = [];
  if (b < 0) notes.push('no handler-import marker in the output: the whole interpreter start is shown');
  const initLines = lines.slice(b < 0 ? 0 : b + 1, e < 0 ? undefined : e);
  const later = e < 0 ? [] : importTimeTree(lines.slice(e + 1));
  const tree = importTimeTree(initLines);
  notes.push('Python: modules the bootstrap imported first (json, os, socket, sys, time) are not charged to the function');
  return {
    tool: 'python-importtime',
    totalMs: round(
      tree.reduce((s, n) => s + n.inclusiveMs, 0),
      2,
    ),
    top: topPackages(tree),
    tree,
    loadedDuringInvoke: later.map((n) => n.id),
    notes,
  };
}

/** Strips -X importtime lines and markers from stderr, leaving what the function wrote. */
export function withoutImportTime(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('import time:') && l !== BEGIN && l !== END)
    .join('\n');
}
