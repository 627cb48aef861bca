import type { AnalyzedJob } from '../job.js';
import type { Plan } from '../types.js';

/**
 * The chain of reasons from a file (or an import specifier) back to a handler: why it is kept,
 * lazy or eager; and the plan's other decisions the query names: a lazy value (its name or file:line),
 * a stubbed function (its name, qualname or file:line) and, with --bundle, the bundle unit a file
 * belongs to. Returns printable lines; empty when the query matches nothing.
 */
export function why(job: AnalyzedJob, query: string): string[] {
  const { graph, plan } = job;
  const lines: string[] = [];
  const at = /^(.+):(\d+)$/.exec(query);
  const atFile = (file: string) => !!at && (file === at[1] || file.endsWith(`/${at[1]}`));
  const atLine = (file: string, line: number) => atFile(file) && line === Number(at![2]);
  const fileDecision = plan.files.find((f) => f.file === query || f.file.endsWith(`/${query}`));
  if (fileDecision) {
    lines.push(`${fileDecision.file}: ${fileDecision.decision} — ${fileDecision.reason.text}`);
    const seen = new Set<string>();
    let cur: string | undefined = fileDecision.file;
    let depth = 1;
    while (cur && !seen.has(cur)) {
      seen.add(cur);
      const r: { code: string; text: string; parent?: string } | undefined = graph.files[cur]?.reasons[0];
      if (!r) break;
      lines.push(`${'  '.repeat(depth)}← ${r.parent ?? '(root)'}  [${r.code}] ${r.text}`);
      cur = r.parent && graph.files[r.parent] ? r.parent : undefined;
      depth++;
    }
    lines.push(...unitLines(plan, fileDecision.file));
  }
  for (const d of plan.imports) {
    if (d.site.specifier !== query && d.target !== query && !atLine(d.site.file, d.site.line)) continue;
    lines.push(`${d.site.file}:${d.site.line} ${d.site.kind} '${d.site.specifier}': ${d.decision}${d.mechanism ? ` (${d.mechanism})` : ''} — ${d.reason.text}`);
  }
  for (const v of plan.values ?? []) {
    if (v.name !== query && !v.deps.includes(query) && !atLine(v.file, v.line)) continue;
    lines.push(
      `${v.file}:${v.line} value ${v.name} (reads ${v.deps.join(', ')}): ${v.decision === 'lazy' ? 'built at first use' : 'built at init'}  [${v.reason.code}] ${v.reason.text}`,
    );
  }
  for (const s of plan.stubs ?? []) {
    const name = s.qualname.slice(s.qualname.lastIndexOf('.') + 1);
    if (s.qualname !== query && name !== query && !(atFile(s.file) && Number(at![2]) >= s.line && Number(at![2]) <= s.endLine)) continue;
    lines.push(`${s.file}:${s.line} def ${s.qualname}: ${s.decision === 'stub' ? 'stubbed' : 'kept whole'}  [${s.reason.code}] ${s.reason.text}`);
  }
  return lines;
}

/** With --bundle: the unit a file is the root of or is bundled into, or why it stays a file. */
function unitLines(plan: Plan, file: string): string[] {
  const units = plan.units;
  if (!units) return [];
  const own = units.units.find((u) => u.root === file);
  if (own) return [`bundle: root of the ${own.kind} bundle (${own.format}, ${own.files.length} files)  [${own.reason.code}] ${own.reason.text}`];
  const into = units.units.find((u) => u.files.includes(file));
  if (into)
    return [
      `bundle: inside the ${into.kind} bundle of ${into.root} (evaluated only by it)${units.registered.includes(file) ? '; also stays on disk for unknown requires' : ''}`,
    ];
  const stays = units.unbundled[file];
  return stays ? [`bundle: stays a file  [${stays.code}] ${stays.text}`] : [];
}
