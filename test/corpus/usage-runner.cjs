'use strict';
// Child of module-usage.mjs: loads one handler (and, given an event file, calls it once), then writes
// the CommonJS module cache to <out> so the parent can see which files were loaded.
//   node usage-runner.cjs <taskRoot> <handlerString> <out.json> [event.json]
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

async function main() {
  const [taskRoot, handler, out, eventFile] = process.argv.slice(2);
  process.chdir(taskRoot);
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  const base = path.resolve(handler.slice(0, dot));
  const exportName = handler.slice(dot + 1);
  const file = ['.js', '.mjs', '.cjs'].map((e) => base + e).find((f) => fs.existsSync(f));
  const mod = await import(pathToFileURL(file).href);
  const fn = mod[exportName] || (mod.default && mod.default[exportName]);
  let result = null;
  if (eventFile) {
    const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
    result = await fn(event, { awsRequestId: 'usage', getRemainingTimeInMillis: () => 30000 });
  }
  fs.writeFileSync(out, JSON.stringify({ cache: Object.keys(require.cache), result }));
  process.exit(0);
}
main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n');
  process.exit(1);
});
