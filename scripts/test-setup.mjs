#!/usr/bin/env node
// Installs what the test suite needs on a fresh machine, idempotently:
// - npm dependencies of the corpus apps used by end-to-end tests (npm ci from their lock files);
// - Debian packages for the Python tests (python3 numerics), when apt is usable;
// - the real AWS Lambda Node.js runtime client (aws-lambda-ric, a native addon built with autotools and
//   cmake: about a minute, once per machine) into its cache folder, for the measurement tests;
// - Debian's chromium for the HTML report's browser test (driven by playwright-core; never a downloaded browser).
// Each step says what it did; a step that cannot run explains why and the tests that need it skip with that reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const E2E_APPS = ['App18JS', 'App23JS', 'App24JS', 'App25JS', 'App26JS'];
const APT_PACKAGES = ['python3-numpy', 'python3-pandas', 'python3-sklearn'];
const RIC_BUILD_TOOLS = ['autoconf', 'automake', 'libtool', 'cmake', 'make', 'g++'];
const RIC_ADDON = `${process.env.FAASLIGHT_RIC_DIR ?? `${process.env.XDG_CACHE_HOME ?? `${process.env.HOME}/.cache`}/faaslight/ric`}/node_modules/aws-lambda-ric/dist/rapid-client.node`;
const needRic = !existsSync(RIC_ADDON);
const needChromium = !existsSync('/usr/bin/chromium');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

const apps = E2E_APPS.filter((a) => existsSync(`apps/${a}/package.json`));
if (apps.length && existsSync('scripts/corpus-setup.mjs')) {
  console.log(`test-setup: installing corpus apps ${apps.join(', ')}`);
  if (!run(process.execPath, ['scripts/corpus-setup.mjs', '--only', apps.join(',')])) process.exit(1);
}

const missing = [...APT_PACKAGES, ...(needRic ? RIC_BUILD_TOOLS : []), ...(needChromium ? ['chromium'] : [])].filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
if (missing.length) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`test-setup: apt-get install ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!run('apt-get', ['update', '-qq'], { env }) || !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env })) {
      console.log('test-setup: apt-get failed; Python end-to-end tests (and, without chromium, the HTML report browser test) will skip');
    }
  } else console.log(`test-setup: not root or no apt-get; missing ${missing.join(' ')}: Python end-to-end tests will skip`);
} else console.log('test-setup: Debian packages present');

if (needRic) {
  console.log('test-setup: building aws-lambda-ric (scripts/setup-ric.sh)');
  if (!run('bash', ['scripts/setup-ric.sh'])) console.log('test-setup: aws-lambda-ric could not be built; its tests will skip');
} else console.log('test-setup: aws-lambda-ric present');

// App13 (numpy loops) vendored for the Python part of the batch CI slice (test/e2e/batch.test.ts): ~6 s once, then a stamp check.
if (existsSync('scripts/corpus/python.mjs') && existsSync('apps/App13') && spawnSync('dpkg-query', ['-W', 'python3-numpy']).status === 0) {
  if (!run(process.execPath, ['scripts/corpus/python.mjs', '--only', 'App13'])) console.log('test-setup: vendoring App13 failed; its batch test part will skip');
}
