// Packages whose loading changes global state (polyfills, patches, environment loaders).
// Deferring them changes behaviour even when their binding is only used later, so they stay eager.
// One table keyed by package name (or exact specifier), each with its reason.
export const GLOBAL_SIDE_EFFECT_PACKAGES: Record<string, string> = {
  'source-map-support': 'patches Error.prepareStackTrace',
  dotenv: 'loads .env into process.env',
  'reflect-metadata': 'installs the Reflect metadata polyfill',
  'core-js': 'installs polyfills',
  'regenerator-runtime': 'installs the regeneratorRuntime global',
  '@babel/polyfill': 'installs polyfills',
  'isomorphic-fetch': 'installs a global fetch',
  'isomorphic-unfetch': 'installs a global fetch',
  'cross-fetch/polyfill': 'installs a global fetch',
  'es6-promise': 'may replace the global Promise',
  'aws-xray-sdk': 'patches the AWS SDK and http',
  'aws-xray-sdk-core': 'patches the AWS SDK and http',
  newrelic: 'instruments modules as they load',
  'dd-trace': 'instruments modules as they load',
  '@sentry/serverless': 'instruments the runtime',
  'elastic-apm-node': 'instruments modules as they load',
  'module-alias': 'patches module resolution',
  'tsconfig-paths': 'patches module resolution',
  'ts-node': 'registers a require hook',
  '@babel/register': 'registers a require hook',
  'graceful-fs': 'may patch fs',
  bluebird: 'commonly installed as the global Promise',
};

/** Package name of a bare specifier ("@scope/a/b" → "@scope/a", "a/b" → "a"); undefined for relative paths. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  const s = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = s.split('/');
  return s.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Source-level signs that loading a file writes global state. Checked on the target's own entry file. */
const GLOBAL_WRITE =
  /(?:^|[^.\w$])(?:global|globalThis)\s*\.\s*[\w$]+\s*=[^=]|Object\.defineProperty\(\s*(?:global|globalThis)\b|\bprocess\.env\.[\w$]+\s*=[^=]|\bprocess\.on\(|Error\.prepareStackTrace\s*=[^=]|\bPromise\s*=\s*require/;

export function globalSideEffectReason(specifier: string, targetSource?: string): string | undefined {
  const pkg = packageNameOf(specifier);
  const byTable = GLOBAL_SIDE_EFFECT_PACKAGES[specifier] ?? (pkg ? GLOBAL_SIDE_EFFECT_PACKAGES[pkg] : undefined);
  if (byTable) return `${pkg ?? specifier} ${byTable}`;
  if (targetSource !== undefined) {
    const m = GLOBAL_WRITE.exec(targetSource);
    if (m) return `its entry file writes global state (\`${m[0].trim().slice(0, 40)}\`)`;
  }
  return undefined;
}
