// The page around the sections: one self-contained HTML file. A Content-Security-Policy forbids every
// network fetch, so the file behaves the same offline, attached to an e-mail or pasted into a review.
import { esc } from './format.js';
import type { ChartSpec } from './types.js';

const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--zebra:#f6f8fa;--before:#b35806;--after:#2166ac;--err:#a40e26}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:1180px;margin:0 auto;padding:0 20px}
header{padding-top:24px;border-bottom:1px solid var(--line)}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.3rem;margin:40px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--fg)}
h3{font-size:1.05rem;margin:28px 0 4px}
.sub,.intro,.facts,figcaption,caption .hint{color:var(--muted)}
.facts{margin:4px 0 12px}
nav ul{list-style:none;padding:0;margin:12px 0;display:flex;flex-wrap:wrap;gap:6px 18px}
nav a{color:var(--after)}
code,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em;overflow-wrap:anywhere}
figure.chart{margin:16px 0;padding:0}
.plot{min-height:40px;width:100%}
.plot svg{max-width:100%;height:auto;overflow:visible}
.plot .pair-plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:8px 24px}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:0 24px}
figcaption{font-size:.9rem;margin-top:4px}
.scroll{overflow-x:auto;margin:8px 0 16px}
table{border-collapse:collapse;width:100%;font-size:.88rem;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:4px 0}
caption .hint{font-weight:400;font-size:.85em}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
tbody tr:nth-child(even){background:var(--zebra)}
tbody th{font-weight:600}
td small{color:var(--muted)}
.num{text-align:right}
tbody .num{white-space:nowrap}
.wrap{white-space:normal}
thead th{border-bottom:2px solid var(--fg);vertical-align:bottom}
thead button{all:unset;cursor:pointer;font-weight:700}
thead button:focus-visible{outline:2px solid var(--after);outline-offset:2px}
th[aria-sort=ascending] .arrow::after{content:" ▲"}
th[aria-sort=descending] .arrow::after{content:" ▼"}
.err{color:var(--err);font-weight:600}
.d-lazy{font-weight:700}
.d-stripped{font-style:italic}
.filters{display:flex;flex-wrap:wrap;gap:8px 20px;align-items:center;margin:8px 0}
.filters input,.filters select{font:inherit;padding:3px 6px;margin-left:6px;border:1px solid var(--muted);border-radius:4px}
.filters input{width:min(22rem,60vw)}
.noscript{color:var(--muted);font-style:italic}
details{margin:8px 0}
ul.cols{columns:18rem;font-size:.85rem}
footer{margin-top:48px;padding-bottom:24px;border-top:1px solid var(--line);color:var(--muted);font-size:.85rem}
@media (max-width:600px){
  body{font-size:14px}header,main,footer{padding:0 10px}th,td{padding:3px 5px}
  table.stack thead tr{display:flex;flex-wrap:wrap;gap:2px 14px}
  table.stack thead th{border:none;padding:2px 0}
  table.stack tbody tr{display:block;padding:4px 0;border-bottom:1px solid var(--line)}
  table.stack tbody th,table.stack tbody td{display:inline;border:none;padding:0 8px 0 0}
  table.stack tbody td:nth-child(4){display:block;padding-top:2px}
  table.stack tbody td.empty{display:none}
}
@media print{
  body{font-size:10pt}
  header,main,footer{max-width:none;padding:0}
  nav,.filters,caption .hint{display:none}
  .scroll{overflow:visible}
  section,figure{break-inside:avoid-page}
  h2,h3{break-after:avoid}
  thead{display:table-header-group}
  tbody tr:nth-child(even){background:none}
  a{color:inherit;text-decoration:none}
}
`;

export interface PageParts {
  title: string;
  sources: { name: string; kind: string }[];
  sections: { id: string; title: string; html: string }[];
  charts: ChartSpec[];
  script: string;
  generator: string;
}

/** JSON inside <script>: `<` escaped so no string in the data can close the element. */
const safeJson = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

export function page(p: PageParts): string {
  const nav =
    p.sections.length > 1
      ? `<nav aria-label="Sections"><ul>${p.sections.map((s) => `<li><a href="#${esc(s.id)}">${esc(s.title)}</a></li>`).join('')}</ul></nav>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<meta name="generator" content="${esc(p.generator)}">
<title>${esc(p.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(p.title)}</h1>
<p class="sub">Built from ${p.sources.map((s) => `<code>${esc(s.name)}</code> (${esc(s.kind.replace('faaslight.', ''))})`).join(', ')}. Before = the original package, after = the optimized one. Every chart has a table with the same figures below it.</p>
${nav}
</header>
<main>
${p.sections.map((s) => s.html).join('\n')}
</main>
<footer>Generated by ${esc(p.generator)}. Self-contained: no network access when opened. Charts drawn with Observable Plot (ISC).</footer>
<script type="application/json" id="faaslight-charts">${safeJson(p.charts)}</script>
<script>${p.script.replace(/<\/(script)/gi, '<\\/$1')}</script>
</body>
</html>
`;
}
