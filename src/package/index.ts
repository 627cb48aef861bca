// Packaging stage: output folder, fallback store + runtime shim, deterministic zip.
export { writePackage, isLoadable, FAASLIGHT_DIR } from './write-package.js';
export type { WritePackageOptions, WritePackageResult } from './write-package.js';
export {
  writeFallbackStore,
  readFallbackIndex,
  readFallbackFile,
  gzipDeterministic,
  mirrorKey,
  STORE_DIR,
  INDEX_FILE,
  STORE_FILE,
} from './fallback-store.js';
export type { FallbackEntry, FallbackIndex, FallbackStoreResult } from './fallback-store.js';
export { injectShimLine, shimStatement, SHIM_COMMENT } from './shim-line.js';
export { writeZip, extractZip, listZip, listTree, zipMode, unsafeEntryName, ZIP_DATE } from './zip.js';
export type { TreeFile, ZipEntryInfo } from './zip.js';
