import type { AnalyzedJob } from '../job.js';

/**
 * The chain of reasons from a file (or an import specifier) back to a handler: why it is kept,
 * lazy or eager. Returns printable lines; empty when the query matches nothing.
 */
export function why(job: AnalyzedJob, query: string): string[] {
  const { graph, plan } = job;
  const lines: string[] = [];
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
  }
  for (const d of plan.imports) {
    if (d.site.specifier !== query && d.target !== query) continue;
    lines.push(`${d.site.file}:${d.site.line} ${d.site.kind} '${d.site.specifier}': ${d.decision}${d.mechanism ? ` (${d.mechanism})` : ''} — ${d.reason.text}`);
  }
  return lines;
}
