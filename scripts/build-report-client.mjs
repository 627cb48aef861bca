#!/usr/bin/env node
// Bundles the HTML report's page script (src/report/html/client/main.ts + Observable Plot and the d3
// modules it uses) into one minified IIFE, inlined into every report: the page needs no network.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/report/html/client/main.ts'],
  outfile: 'dist/report/html/client.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
