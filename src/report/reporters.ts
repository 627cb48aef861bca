import { formatMeasureText } from '../measure/report.js';
import type { OptimizeSummary } from './summary.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

const pct = (after: number, before: number) => (before === 0 ? '' : ` (${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(1)}%)`);

function text(s: OptimizeSummary): string {
  const L: string[] = [];
  L.push(`faaslight: ${s.app.root} (${s.app.runtime})`);
  for (const h of s.app.handlers) L.push(`  handler ${h.handler}  (${h.source})`);
  L.push('');
  L.push(
    `imports: ${s.counts.lazy} lazy, ${s.counts.eager} eager;${s.counts.stubbed ? ` functions: ${s.counts.stubbed} stubbed;` : ''}  files: ${s.counts.kept} kept, ${s.counts.stripped} stripped`,
  );
  L.push(
    `evaluated at init (static estimate): ${s.initFiles.before} → ${s.initFiles.after} files, ` +
      `${formatBytes(s.initFiles.bytesBefore)} → ${formatBytes(s.initFiles.bytesAfter)}${pct(s.initFiles.bytesAfter, s.initFiles.bytesBefore)}`,
  );
  if (s.package) {
    const { before: b, after: a } = s.package;
    L.push(
      `package: ${b.files} → ${a.files} files, ${formatBytes(b.bytes)} → ${formatBytes(a.bytes)}${pct(a.bytes, b.bytes)}, zip ${formatBytes(b.zipBytes)} → ${formatBytes(a.zipBytes)}${pct(a.zipBytes, b.zipBytes)}`,
    );
    L.push(`  fallback store: ${s.package.stripped} files, ${formatBytes(s.package.fallbackBytes)} compressed`);
    L.push(`  written: ${s.package.outDir}`);
    // From a zip the output is the zip alone, and outDir names it too.
    if (s.package.zipPath !== s.package.outDir) L.push(`           ${s.package.zipPath}`);
  }
  if (s.bundle) {
    const stayed = Object.entries(s.bundle.unbundled)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${n} ${code}`)
      .join(', ');
    L.push('', `bundles (${s.bundle.anchored} with requests anchored to their own path; ${s.bundle.registered} also on disk for unknown requires):`);
    for (const u of s.bundle.units)
      L.push(
        `  ${u.root}  ${u.kind} ${u.format}  ${u.files} files, ${formatBytes(u.bytes)}${u.codeCache ? `  + V8 code cache ${formatBytes(u.codeCache.bytes)}${u.codeCache.ran ? '' : ' (its evaluation threw: top level only)'}` : ''}`,
      );
    for (const f of s.bundle.cachedFiles.filter((x) => x.kind !== 'file'))
      L.push(`  ${f.file}  lazy file  + V8 code cache ${formatBytes(f.bytes)}${f.ran ? '' : ' (its evaluation threw: top level only)'}`);
    const single = s.bundle.cachedFiles.filter((x) => x.kind === 'file');
    if (single.length)
      L.push(
        `  ${single.length} files left single (shared, on-demand) that loaded while the caches were made  + V8 code caches ${formatBytes(single.reduce((n, f) => n + f.bytes, 0))}`,
      );
    if (stayed) L.push(`  stayed files: ${stayed}`);
    if (s.bundle.codeCacheFlags)
      L.push(`  code caches made under ${s.bundle.codeCacheFlags.join(' ') || 'no V8 flags'}: used only by the same Node build started with the same flags`);
  }
  if (!s.bundle && s.units) {
    L.push('', `bundle units (planned, ${s.units.length}):`);
    for (const u of s.units) L.push(`  ${u.root}  ${u.kind} ${u.format}  ${u.files} files: ${u.reason}`);
  }
  if (s.heaviestLazy.length) {
    L.push('', 'lazy (heaviest first):');
    for (const l of s.heaviestLazy)
      L.push(`  ${l.file}:${l.line}  '${l.specifier}'  defers ${l.deferredFiles} files, ${formatBytes(l.deferredBytes)}  [${l.mechanism}]`);
  }
  if (s.deferredBuiltins?.length) {
    L.push('', 'Node built-ins required at first use (compiled from source on a Lambda cold start):');
    for (const b of s.deferredBuiltins) L.push(`  ${b.builtin}  ${b.sites.map((x) => `${x.file}:${x.line}`).join(', ')}`);
  }
  const values = s.lazyValues ?? [];
  if (values.length) {
    L.push('', 'lazy values (built at first use instead of at init):');
    for (const v of values) L.push(`  ${v.file}:${v.line}  ${v.name} (reads ${v.deps.join(', ')})${v.applied ? '' : `  kept at init: ${v.reason}`}`);
  }
  if (s.stubs) {
    L.push(
      '',
      `functions stubbed (never reached; the original is compiled at its first call): ${s.stubs.count}, ${formatBytes(s.stubs.savedBytes)} of source, largest:`,
    );
    for (const f of s.stubs.largest.slice(0, 5)) L.push(`  ${f.file}:${f.line}  ${f.qualname}  ${formatBytes(f.saved)}`);
  }
  const eager = s.eagerReasons.filter((e) => e.code !== 'side-effect' && e.code !== 'usage-init');
  if (eager.length) {
    L.push('', 'kept eager although not obviously needed at init:');
    for (const e of eager.slice(0, 15)) L.push(`  ${e.file}:${e.line}  '${e.specifier}': ${e.reason}`);
    if (eager.length > 15) L.push(`  … ${eager.length - 15} more (--json for all)`);
  }
  if (s.heaviestStripped.length) {
    L.push('', 'stripped (largest first):');
    for (const f of s.heaviestStripped.slice(0, 5)) L.push(`  ${f.file}  ${formatBytes(f.bytes)}`);
  }
  if (s.verify) {
    L.push(
      '',
      `verify: ${s.verify.ok ? 'outputs identical' : s.verify.initFailed ? 'FAILED: the handler throws at init (see diagnostics)' : 'OUTPUTS DIFFER'}`,
    );
    for (const e of s.verify.events) {
      const notes = [
        e.lazyLoads.length ? `lazy loaded: ${e.lazyLoads.map((l) => l.split(':').pop()).join(', ')}` : '',
        e.fallbackLoads.length ? `fallback loads: ${e.fallbackLoads.join(', ')}` : '',
      ].filter(Boolean);
      L.push(`  ${e.identical ? 'same' : 'DIFF'}  ${e.handler}  ${e.event}${notes.length ? `  (${notes.join('; ')})` : ''}`);
    }
  }
  const shown = s.diagnostics.filter((d) => d.severity !== 'info');
  if (shown.length) {
    L.push('', 'diagnostics:');
    for (const d of shown.slice(0, 20)) L.push(`  ${d.severity} ${d.id} ${d.message}${d.note ? ` (${d.note})` : ''}`);
    if (shown.length > 20) L.push(`  … ${shown.length - 20} more (--json for all)`);
  }
  if (s.measure) L.push('', formatMeasureText(s.measure).trimEnd());
  L.push('', `time: ${s.timings.map((t) => `${t.stage} ${Math.round(t.ms)} ms`).join(', ')}`);
  return L.join('\n') + '\n';
}

function markdown(s: OptimizeSummary): string {
  const L: string[] = [`## faaslight: ${s.app.handlers.map((h) => `\`${h.handler}\``).join(', ')}`, ''];
  L.push('| | before | after |', '|---|---:|---:|');
  L.push(`| files evaluated at init (static) | ${s.initFiles.before} | ${s.initFiles.after} |`);
  L.push(`| bytes evaluated at init | ${formatBytes(s.initFiles.bytesBefore)} | ${formatBytes(s.initFiles.bytesAfter)} |`);
  if (s.package) {
    L.push(`| package files | ${s.package.before.files} | ${s.package.after.files} |`);
    L.push(`| package bytes | ${formatBytes(s.package.before.bytes)} | ${formatBytes(s.package.after.bytes)} |`);
    L.push(`| zip bytes | ${formatBytes(s.package.before.zipBytes)} | ${formatBytes(s.package.after.zipBytes)} |`);
  }
  L.push('', `${s.counts.lazy} lazy imports, ${s.counts.eager} eager, ${s.counts.stripped} files stripped into the fallback store.`);
  if (s.heaviestLazy.length) {
    L.push('', '| lazy import | where | defers |', '|---|---|---:|');
    for (const l of s.heaviestLazy) L.push(`| \`${l.specifier}\` | ${l.file}:${l.line} | ${formatBytes(l.deferredBytes)} |`);
  }
  const built = (s.lazyValues ?? []).filter((v) => v.applied);
  if (built.length) L.push('', `Built at first use instead of at init: ${built.map((v) => `\`${v.name}\` (${v.file}:${v.line})`).join(', ')}.`);
  if (s.stubs)
    L.push('', `${s.stubs.count} never-reached functions replaced by stubs (${formatBytes(s.stubs.savedBytes)} of source), compiled at their first call.`);
  if (s.units?.length) L.push('', `Bundles: ${s.units.map((u) => `\`${u.root}\` (${u.kind}, ${u.files} files)`).join(', ')}.`);
  if (s.verify)
    L.push('', `Verify: ${s.verify.ok ? 'outputs identical on every event' : s.verify.initFailed ? '**the handler throws at init**' : '**outputs differ**'}.`);
  return L.join('\n') + '\n';
}

/** Reporters by name (text, json, markdown). */
export const REPORTERS: Record<string, (s: OptimizeSummary) => string> = {
  text,
  json: (s) => JSON.stringify(s, null, 2) + '\n',
  markdown,
};
