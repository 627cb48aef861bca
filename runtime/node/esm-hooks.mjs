// faaslight ESM hooks (installed as <task root>/.faaslight/esm-hooks.mjs only for packages with an ESM
// handler; registered by shim.cjs through module.register, Node >= 20.6). They run on the loader
// thread: `import()` of a stripped file fails with ERR_MODULE_NOT_FOUND in the ESM resolver, which the
// CommonJS hook never sees. The retry logic is shared with shim.cjs in restore.cjs.
import { createRequire } from 'node:module';

const core = createRequire(import.meta.url)('./restore.cjs');

export function initialize(data) {
  if (data && typeof data.token === 'string') core.setToken(data.token);
}

export async function resolve(specifier, context, nextResolve) {
  let result;
  try {
    result = await nextResolve(specifier, context);
  } catch (err) {
    if (!err || err.code !== 'ERR_MODULE_NOT_FOUND') throw err;
    let twin;
    try {
      twin = core.twinImport(specifier, context.parentURL);
    } catch (e) {
      core.warn(specifier, e);
    }
    if (twin === undefined) throw err; // not ours: the original error, unchanged
    try {
      result = await nextResolve(twin.specifier, { ...context, parentURL: twin.parentURL });
      core.loadedUrl(result.url);
    } catch {
      throw err;
    }
    return result;
  }
  // After a miss (here or in the CommonJS hook) files in the mirror may still be placeholders.
  core.loadedUrl(result.url);
  return result;
}
