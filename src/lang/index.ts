// The language adapter for a runtime. Adding a language means adding a folder under src/lang/ and a row here.
import { FaaslightError } from '../diagnostics.js';
import type { Runtime } from '../types.js';
import { javascript } from './js/index.js';
import { python } from './python/index.js';
import type { LanguageAdapter } from './types.js';

export type { LanguageAdapter, Analysis, Decisions, Transformed, PackageExtras, Bundler } from './types.js';

const LANGUAGES: Record<Runtime, LanguageAdapter> = { nodejs: javascript, python };

export function languageFor(runtime: Runtime, handler?: string): LanguageAdapter {
  const lang = LANGUAGES[runtime];
  if (!lang) throw new FaaslightError(`no optimizer for runtime ${runtime} (handler ${handler})`, 1);
  return lang;
}
