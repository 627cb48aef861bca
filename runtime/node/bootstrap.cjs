'use strict';
// faaslight's built-in Node.js Lambda runtime: the fallback when the real runtime client
// (aws-lambda-ric) is not installed. It speaks the Runtime API 2018-06-01 and loads handlers the way
// the Lambda Node.js runtime does:
//   - "dir/file.fn.nested": module path up to the first dot after the last slash, then a property path;
//   - extensionless file → require; "<m>.js" → require unless the nearest package.json says
//     "type": "module"; then import("<m>.js" if module) / import("<m>.mjs") / require("<m>.cjs");
//     last, Node resolution of the bare name from the task root;
//   - errors at load → POST /runtime/init/error ("Runtime.ImportModuleError", "Runtime.HandlerNotFound",
//     "Runtime.UserCodeSyntaxError", "Runtime.MalformedHandlerName") and exit;
//   - handler(event, context, callback): a returned promise or the callback answers; with the
//     callback, context.callbackWaitsForEmptyEventLoop (default true) defers the answer until the
//     event loop is empty, as Lambda does;
//   - errors → POST /invocation/{id}/error with { errorType, errorMessage, trace } and the
//     Lambda-Runtime-Function-Error-Type header.
// Only Node built-ins are used, and only the few that the real runtime also loads.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || process.cwd();
const HANDLER = process.env._HANDLER || '';
const BASE = '/2018-06-01/runtime';

function runtimeError(name, message) {
  const e = new Error(message);
  e.name = `Runtime.${name}`;
  return e;
}

/** POST/GET on the Runtime API; no keep-alive agent, so our own sockets never hold the event loop open. */
function request(method, urlPath, body, headers) {
  return new Promise((resolve, reject) => {
    const [host, port] = API.split(':');
    const data = body === undefined ? undefined : Buffer.from(body, 'utf8');
    const req = http.request(
      { host, port: Number(port), method, path: urlPath, agent: false, headers: { ...(headers || {}), ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function toErrorBody(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
    };
  }
  // Lambda reports thrown non-errors by their type and string form.
  let message;
  try {
    message = typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    message = String(err);
  }
  return { errorType: typeof err, errorMessage: message, trace: [] };
}

async function postError(urlPath, err) {
  const body = toErrorBody(err);
  await request('POST', urlPath, JSON.stringify(body), { 'Lambda-Runtime-Function-Error-Type': body.errorType });
}

function hasTypeModule(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    if (d.endsWith(`${path.sep}node_modules`)) return false;
    const pj = path.join(d, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (d === path.dirname(d)) return false;
  }
}

async function loadModule(file) {
  const tryRequire = (f) => (fs.existsSync(f) ? require(f) : undefined);
  const tryImport = async (f) => (fs.existsSync(f) ? import(pathToFileURL(f).href) : undefined);
  const extensionless = tryRequire(file);
  if (extensionless) return extensionless;
  const esm = fs.existsSync(`${file}.js`) && hasTypeModule(path.dirname(`${file}.js`));
  if (!esm) {
    const cjs = tryRequire(`${file}.js`);
    if (cjs) return cjs;
  }
  const loaded = (esm && (await tryImport(`${file}.js`))) || (await tryImport(`${file}.mjs`)) || tryRequire(`${file}.cjs`);
  if (loaded) return loaded;
  return require(require.resolve(path.basename(file), { paths: [TASK_ROOT, path.dirname(file)] }));
}

async function loadHandler(handlerString) {
  if (handlerString.includes('..')) throw runtimeError('MalformedHandlerName', `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const m = /^([^.]*)\.(.*)$/.exec(base);
  if (!m) throw runtimeError('MalformedHandlerName', 'Bad handler');
  let mod;
  try {
    mod = await loadModule(path.resolve(TASK_ROOT, moduleRoot, m[1]));
  } catch (e) {
    if (e instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(e));
    if (e && e.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(e));
    throw e;
  }
  const fn = m[2].split('.').reduce((o, k) => (o ? o[k] : undefined), mod);
  if (!fn) throw runtimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw runtimeError('HandlerNotFound', `${handlerString} is not a function`);
  return fn;
}

function makeContext(headers, finish) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  let waits = true;
  const parse = (h) => {
    if (!h) return undefined;
    try {
      return JSON.parse(h);
    } catch {
      return undefined;
    }
  };
  return {
    get callbackWaitsForEmptyEventLoop() {
      return waits;
    },
    set callbackWaitsForEmptyEventLoop(v) {
      waits = Boolean(v);
    },
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: parse(headers['lambda-runtime-cognito-identity']),
    clientContext: parse(headers['lambda-runtime-client-context']),
    getRemainingTimeInMillis: () => deadline - Date.now(),
    // Legacy done/succeed/fail answer at once, like the real runtime.
    done: (err, result) => finish(err, result, false),
    succeed: (result) => finish(null, result, false),
    fail: (err) => finish(err === undefined || err === null ? new Error('handled') : err, undefined, false),
  };
}

async function invokeOnce(handler) {
  const next = await request('GET', `${BASE}/invocation/next`);
  const id = next.headers['lambda-runtime-aws-request-id'];
  if (next.headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = next.headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;
  await new Promise((resolve) => {
    let answered = false;
    const post = (err, result) => {
      let body;
      if (!err) {
        try {
          body = JSON.stringify(result === undefined ? null : result);
        } catch (e) {
          err = e; // unserialisable result: Lambda reports the serialisation error
        }
      }
      const sent = err ? postError(`${BASE}/invocation/${id}/error`, err) : request('POST', `${BASE}/invocation/${id}/response`, body);
      sent.then(resolve, (e) => {
        console.error('faaslight bootstrap: could not post the result:', e);
        process.exit(1);
      });
    };
    const finish = (err, result, fromCallback) => {
      if (answered) return;
      answered = true;
      process.removeListener('uncaughtException', onUncaught);
      process.removeListener('beforeExit', onEmptyLoop);
      if (fromCallback && context.callbackWaitsForEmptyEventLoop) process.once('beforeExit', () => post(err, result));
      else post(err, result);
    };
    const onUncaught = (e) => {
      // Lambda reports the error for the current invoke, then the instance is not reused.
      postError(`${BASE}/invocation/${id}/error`, e).finally(() => process.exit(129));
    };
    // Like the real runtime: when the event loop empties and the handler never answered, the
    // invoke completes with a null response (a promise that never settles keeps nothing alive).
    const onEmptyLoop = () => finish(null, null, false);
    process.on('uncaughtException', onUncaught);
    process.once('beforeExit', onEmptyLoop);
    const context = makeContext(next.headers, finish);
    let event;
    try {
      event = JSON.parse(next.body);
    } catch (e) {
      finish(e, undefined, false);
      return;
    }
    try {
      const r = handler(event, context, (err, result) => finish(err === undefined ? null : err, result, true));
      if (r && typeof r.then === 'function') r.then((v) => finish(null, v, false), (e) => finish(e === undefined || e === null ? new Error('handled') : e, undefined, false));
    } catch (e) {
      finish(e, undefined, false);
    }
  });
}

async function main() {
  if (!API) {
    console.error('faaslight bootstrap: AWS_LAMBDA_RUNTIME_API is not set');
    process.exit(1);
  }
  let handler;
  try {
    handler = await loadHandler(HANDLER);
  } catch (e) {
    // One line, in the format the real runtime logs it (timestamp, request id, level, JSON).
    const b = toErrorBody(e);
    console.error(`${new Date().toISOString()}\tundefined\tERROR\tUncaught Exception \t${JSON.stringify({ errorType: b.errorType, errorMessage: b.errorMessage, stack: b.trace })}`);
    await postError(`${BASE}/init/error`, e).catch(() => {});
    process.exit(129);
  }
  process.on('unhandledRejection', (reason) => {
    console.error('Unhandled Promise Rejection', reason);
  });
  for (;;) await invokeOnce(handler);
}

main();
