// The line an ES module bundle defines `require` with, on its own: the package step reads it for every
// bundle, and importing it from build.ts would load esbuild where no bundle is built.
export const ESM_REQUIRE_LINE = 'const require = __faaslightCreateRequire(import.meta.url);';
