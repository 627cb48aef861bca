'use strict';
// Preloaded (`node -r trace-hook.cjs invoke.cjs …`) to record which files the ORIGINAL package
// really loads. Appends one line per event to $FAASLIGHT_TRACE_OUT:
//   L <abs path>   a module loaded (CommonJS, ESM, JSON, native addon)
//   R <abs path>   a file read through fs (an asset)
//   M invoke       the harness is about to call the handler: later lines belong to the event
// Recording starts at the harness's 'faaslight:load' process event.
// The file is opened in append mode and written synchronously by both the main thread and the ESM
// hooks thread, so line order is the order things happened. Only paths under $FAASLIGHT_TRACE_ROOT
// are recorded. Node built-ins only.

const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { fileURLToPath } = require('node:url');

const outFile = process.env.FAASLIGHT_TRACE_OUT;
const root = path.resolve(process.env.FAASLIGHT_TRACE_ROOT || process.cwd());

if (outFile) install();

function install() {
  const fd = fs.openSync(outFile, 'a');
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const seen = new Set();
  const write = (kind, p) => {
    const key = kind + p;
    if (seen.has(key)) return;
    seen.add(key);
    fs.writeSync(fd, `${kind} ${p}\n`);
  };
  // Nothing is recorded until the harness starts loading the handler module (its own reads of the
  // event file and package.json are not the app's).
  let active = false;
  process.on('faaslight:load', () => {
    active = true;
  });
  const record = (kind, p) => {
    if (active && typeof p === 'string' && p.startsWith(prefix)) write(kind, p);
  };

  // CommonJS (also JSON and .node): every new module passes through Module.prototype.load.
  const load = Module.prototype.load;
  Module.prototype.load = function (filename) {
    record('L', filename);
    return load.apply(this, arguments);
  };

  // Assets read through fs. Node's CommonJS loader reads sources through fs too; those paths are
  // loads already, so the duplicates are harmless.
  const toPath = (p) => {
    if (typeof p === 'string') return path.resolve(p);
    if (Buffer.isBuffer(p)) return path.resolve(p.toString());
    if (p instanceof URL && p.protocol === 'file:') return fileURLToPath(p);
    return undefined;
  };
  const wrap = (obj, name) => {
    const orig = obj[name];
    if (typeof orig !== 'function') return;
    obj[name] = function (p) {
      record('R', toPath(p));
      return orig.apply(this, arguments);
    };
  };
  for (const name of ['readFileSync', 'readFile', 'createReadStream', 'openSync', 'open']) wrap(fs, name);
  for (const name of ['readFile', 'open']) wrap(fs.promises, name);

  // ESM: a load hook on the loader thread; it shares this process's file descriptors.
  if (typeof Module.register === 'function') {
    const hooks = `
      import { writeSync } from 'node:fs';
      let fd, prefix;
      export function initialize(data) { fd = data.fd; prefix = data.prefix; }
      export async function load(url, context, nextLoad) {
        if (url.startsWith('file:')) {
          const p = decodeURIComponent(new URL(url).pathname);
          if (p.startsWith(prefix)) writeSync(fd, 'L ' + p + '\\n');
        }
        return nextLoad(url, context);
      }`;
    Module.register(`data:text/javascript,${encodeURIComponent(hooks)}`, { data: { fd, prefix } });
  }

  process.on('faaslight:invoke', () => fs.writeSync(fd, 'M invoke\n'));
}
