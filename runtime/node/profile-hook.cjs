'use strict';
// Preload (`node -r profile-hook.cjs …`) that times every first require of a module.
// It wraps Module._load: each load that is not already cached becomes a frame with start/end
// (epoch ms, sub-ms precision) and the frames it caused as children, so the measurer can compute
// inclusive time, self time (inclusive − children) and attribute it to packages.
// The tree is written as JSON to $FAASLIGHT_PROFILE_OUT after each top-level load finishes and at
// exit, synchronously, so it is on disk long before the measurer kills the process.
// Limits: ES module `import`s are not seen (only CommonJS loads, including createRequire ones);
// the main script itself is not a frame (it is the runtime, not the function).
const Module = require('node:module');
const fs = require('node:fs');

const out = process.env.FAASLIGHT_PROFILE_OUT;
if (out) {
  const origin = performance.timeOrigin;
  const now = () => origin + performance.now();
  const roots = [];
  const stack = [];
  const builtinsSeen = new Set();
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    try {
      fs.writeFileSync(out, JSON.stringify({ version: 1, pid: process.pid, roots }));
    } catch {
      // The measurer reports a missing profile; the function must not be disturbed.
    }
  };

  const origLoad = Module._load;
  Module._load = function profiledLoad(request, parent, isMain) {
    if (isMain) return origLoad.apply(this, arguments);
    let id;
    try {
      if (Module.isBuiltin(request)) {
        id = request.startsWith('node:') ? request : `node:${request}`;
        if (builtinsSeen.has(id)) return origLoad.apply(this, arguments);
        builtinsSeen.add(id);
      } else {
        id = Module._resolveFilename(request, parent, isMain);
        if (Module._cache[id]) return origLoad.apply(this, arguments);
      }
    } catch {
      return origLoad.apply(this, arguments); // let the real loader throw its own error
    }
    const frame = { id, start: now(), end: 0, children: [] };
    // Top-level frames remember who asked, so the runtime's own loads can be told from the function's.
    if (stack.length === 0) frame.parent = parent && parent.filename ? parent.filename : null;
    stack.push(frame);
    try {
      return origLoad.apply(this, arguments);
    } finally {
      frame.end = now();
      stack.pop();
      const parentFrame = stack[stack.length - 1];
      if (parentFrame) parentFrame.children.push(frame);
      else {
        roots.push(frame);
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }
    }
  };
  process.on('exit', flush);
}
