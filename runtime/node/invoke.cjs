'use strict';
// Runs one function handler once, the way the AWS Lambda Node.js runtime loads and calls it, and
// prints its outcome as one line: __FAASLIGHT_RESULT__{"ok":…,"output":…,"error":{name,message}}.
//   node invoke.cjs <taskRoot> <handlerString> <eventJsonFile> [--style aws|gcf] [--file <relPath>]
// Node built-ins only: this file ships in the npm package and runs next to user code.
// --file names the module file directly (GCF: package.json main) instead of resolving the string.
// Process events for the trace hook: 'faaslight:load' just before the handler module is loaded,
// 'faaslight:invoke' just before the handler is called.

const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const PREFIX = '__FAASLIGHT_RESULT__';
const EXTENSIONS = ['.js', '.mjs', '.cjs'];
let phase = 'init';
let done = false;

function errorOf(e) {
  if (e instanceof Error) return { name: e.name, message: e.message };
  if (e && typeof e === 'object') return { name: String(e.name || 'Error'), message: String(e.message || JSON.stringify(e)) };
  return { name: 'Error', message: String(e) };
}

function finish(res) {
  if (done) return;
  done = true;
  let line;
  try {
    line = JSON.stringify(res);
  } catch (e) {
    line = JSON.stringify({ ok: false, phase, output: null, error: { name: 'Runtime.MarshalError', message: String(e && e.message) } });
  }
  // Written synchronously on fd 1, so it is complete even if user code patched process.stdout.
  fs.writeSync(1, `${PREFIX}${line}\n`);
  process.exit(0);
}

/** CommonJS files of the task root first loaded while the handler ran (lazy loads show up here). */
function loadedSince(before, root) {
  const prefix = path.resolve(root) + path.sep;
  return Object.keys(require.cache)
    .filter((f) => !before.has(f) && f.startsWith(prefix))
    .map((f) => f.slice(prefix.length).split(path.sep).join('/'))
    .sort();
}

function fail(e) {
  finish({ ok: false, phase, output: null, error: errorOf(e) });
}

/** A JSON round trip: what a Lambda caller would receive (undefined → null). */
function serialise(v) {
  if (v === undefined) return null;
  const s = JSON.stringify(v);
  return s === undefined ? null : JSON.parse(s);
}

function parseArgs(argv) {
  const [taskRoot, handler, eventFile, ...rest] = argv;
  const opts = { taskRoot, handler, eventFile, style: 'aws', file: undefined };
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--style') opts.style = rest[++i];
    else if (rest[i] === '--file') opts.file = rest[++i];
  }
  if (!taskRoot || !handler || !eventFile || !['aws', 'gcf'].includes(opts.style)) {
    process.stderr.write('usage: node invoke.cjs <taskRoot> <handler> <event.json> [--style aws|gcf] [--file rel]\n');
    process.exit(2);
  }
  return opts;
}

function named(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** `dir/file.export.path`: the first dot after the last slash ends the module name (as Lambda does). */
function splitHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const base = handler.slice(slash + 1);
  const dot = base.indexOf('.');
  if (dot <= 0) throw named('Runtime.MalformedHandlerName', `Bad handler ${handler}`);
  return { module: handler.slice(0, slash + 1) + base.slice(0, dot), exportPath: base.slice(dot + 1) };
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** .mjs is ESM, .cjs CommonJS, .js follows the nearest package.json "type". */
function isEsm(file) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (isFile(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function loadHandler(opts) {
  let file;
  let exportPath;
  if (opts.file) {
    file = path.resolve(opts.taskRoot, opts.file);
    exportPath = splitHandler(opts.handler).exportPath;
  } else {
    const h = splitHandler(opts.handler);
    exportPath = h.exportPath;
    const base = path.resolve(opts.taskRoot, h.module);
    file = EXTENSIONS.map((ext) => base + ext).find(isFile);
  }
  if (!file || !isFile(file)) throw named('Runtime.ImportModuleError', `Error: Cannot find module '${opts.file || opts.handler}'`);
  const esm = isEsm(file);
  process.emit('faaslight:load'); // the trace hook records from here: the harness's own reads are not the app's
  const mod = esm ? await import(pathToFileURL(file).href) : require(file);
  let fn = mod;
  for (const key of exportPath.split('.')) fn = fn == null ? undefined : fn[key];
  // An ESM namespace of a CommonJS module keeps named exports under default too.
  if (fn === undefined && mod && mod.default && typeof mod.default === 'object') {
    fn = mod.default;
    for (const key of exportPath.split('.')) fn = fn == null ? undefined : fn[key];
  }
  if (fn === undefined) throw named('Runtime.HandlerNotFound', `${path.basename(file)}.${exportPath} is undefined or not exported`);
  if (typeof fn !== 'function') throw named('Runtime.HandlerNotFound', `${path.basename(file)}.${exportPath} is not a function`);
  return fn;
}

function lambdaContext() {
  const timeoutMs = Number(process.env.FAASLIGHT_TIMEOUT_MS) || 30000;
  const deadline = Date.now() + timeoutMs;
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME || 'faaslight-local';
  const region = process.env.AWS_REGION || 'us-east-1';
  return {
    awsRequestId: process.env.FAASLIGHT_REQUEST_ID || '00000000-0000-4000-8000-000000000000',
    functionName: name,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE || '1024',
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME || `/aws/lambda/${name}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME || 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/**
 * Promise handlers resolve; callback handlers (3+ parameters) call back; legacy context.done/succeed/fail
 * also end the call. A plain function that returns a value without a callback gives that value.
 */
function callAws(fn, event) {
  return new Promise((resolve, reject) => {
    const settle = (err, result) => (err != null ? reject(err) : resolve(result));
    const context = lambdaContext();
    context.done = settle;
    context.succeed = (r) => settle(null, r);
    context.fail = (e) => settle(e == null ? new Error('failed') : e);
    const ret = fn(event, context, settle);
    if (ret && typeof ret.then === 'function') ret.then(resolve, reject);
    else if (fn.length < 3) resolve(ret);
  });
}

/** A minimal Express-like (req, res) pair: req.body is the event; res captures status and body. */
function callGcf(fn, event) {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json' };
    const req = {
      method: 'POST',
      url: '/',
      path: '/',
      originalUrl: '/',
      headers,
      query: {},
      params: {},
      body: event,
      rawBody: Buffer.from(JSON.stringify(event)),
      get: (h) => headers[String(h).toLowerCase()],
      header: (h) => headers[String(h).toLowerCase()],
    };
    let statusCode = 200;
    const outHeaders = {};
    const end = (body) => {
      if (Buffer.isBuffer(body)) body = body.toString('utf8');
      resolve({ statusCode, headers: outHeaders, body: body === undefined ? null : body });
    };
    const res = {
      status(code) {
        statusCode = code;
        return res;
      },
      set(k, v) {
        if (typeof k === 'object') for (const key of Object.keys(k)) outHeaders[key.toLowerCase()] = k[key];
        else outHeaders[String(k).toLowerCase()] = v;
        return res;
      },
      send: (body) => end(body),
      json: (body) => end(body),
      end: (body) => end(body),
      sendStatus(code) {
        statusCode = code;
        end(String(code));
      },
      get statusCode() {
        return statusCode;
      },
    };
    res.header = res.set;
    res.setHeader = res.set;
    const ret = fn(req, res);
    if (ret && typeof ret.then === 'function') ret.then(undefined, reject);
  }).then(({ statusCode, body }) => ({ statusCode, body }));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  process.chdir(opts.taskRoot);
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  let event;
  try {
    event = JSON.parse(fs.readFileSync(path.resolve(opts.eventFile), 'utf8'));
  } catch (e) {
    process.stderr.write(`invoke: cannot read event ${opts.eventFile}: ${e.message}\n`);
    process.exit(2);
  }
  const fn = await loadHandler(opts);
  phase = 'invoke';
  const atInit = new Set(Object.keys(require.cache));
  process.emit('faaslight:invoke');
  const output = await (opts.style === 'gcf' ? callGcf(fn, event) : callAws(fn, event));
  finish({ ok: true, phase, output: serialise(output), loadedAtInvoke: loadedSince(atInit, opts.taskRoot) });
}

main().catch(fail);
