// The JavaScript rules for the neutral file decisions (src/plan/files.ts): packages are node_modules
// folders, the Node shim restores what the module loader resolves, a few packages have quirks.
import type { FileRules } from '../../plan/files.js';
import { packageDirOf } from './analyze/file-index.js';
import { quirkFor } from './quirks.js';

/**
 * Files the Node shim can restore: whatever the module loader resolves. Outside node_modules only code
 * counts: an app's own JSON (config, data, events) is as likely read through fs as required.
 */
export const isNodeModuleFile = (file: string): boolean => /\.(?:c|m)?js$/.test(file) || (/\.json$|\.node$/.test(file) && file.includes('node_modules/'));

/** Files of a package that no code reads at run time: docs, type declarations, source maps, sources of compiled code. */
const NOT_READ_AT_RUN_TIME =
  /(?:\.(?:md|markdown|d\.[cm]?ts|map|ts|tsx|flow|coffee)|\/(?:LICEN[CS]E|LICEN[CS]E-MIT|CHANGELOG|CHANGES|HISTORY|AUTHORS|CONTRIBUTORS|README)(?:\.[\w-]+)?|\/\.(?:npmignore|eslintrc[\w.]*|prettierrc[\w.]*|editorconfig|travis\.yml|gitattributes|jshintrc))$/i;

export const JS_FILE_RULES: FileRules = {
  packageOf: packageDirOf,
  quirk: quirkFor,
  restorable: isNodeModuleFile,
  notReadAtRunTime: (file) => NOT_READ_AT_RUN_TIME.test(file),
};
