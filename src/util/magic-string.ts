// magic-string, loaded on the first rewrite. The rewriters' modules are also imported at plan time (their
// re-checks decide what a rewrite can do) and by `analyze`, which edits nothing: a static import would load
// it there too. The edits are synchronous, hence require() and not import().
import { createRequire } from 'node:module';
import type MagicStringClass from 'magic-string';

export type MagicString = MagicStringClass;

let ctor: typeof MagicStringClass | undefined;

export function magicString(code: string): MagicString {
  ctor ??= createRequire(import.meta.url)('magic-string') as typeof MagicStringClass;
  return new ctor(code);
}
