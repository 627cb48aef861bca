#!/usr/bin/env node
// Installs what the test suite needs on a fresh machine, idempotently:
// - corpus: npm dependencies of the corpus apps used by end-to-end tests (npm ci from their lock files);
// - apt: Debian packages for the Python tests (python3 numerics), the build tools of aws-lambda-ric, and
//   Debian's chromium for the HTML report's browser test (driven by playwright-core; never a downloaded browser);
// - ric: the real AWS Lambda Node.js runtime client (aws-lambda-ric, a native addon built with autotools and
//   cmake: about a minute, once per machine) into its cache folder, for the measurement tests;
// - python: the Python corpus apps the end-to-end tests optimize (App3 pandas, App4 scikit-learn, App13 numpy),
//   vendored from those Debian packages (idempotent: each app's .faaslight-vendor.json stamp).
//   usage: node scripts/test-setup.mjs [--only corpus,apt,ric,python]
// A step that cannot run says why. Under CI=true that is a failure: the script exits 1 with the step's error,
// because the tests that need the step would otherwise skip and a broken machine would pass. Outside CI the
// tests that need it skip with that reason (test/prereq.ts fails them instead when CI=true).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const STEPS = ['corpus', 'apt', 'ric', 'python'];
const E2E_APPS = ['App18JS', 'App23JS', 'App24JS', 'App25JS', 'App26JS'];
const APT_PACKAGES = ['python3-numpy', 'python3-pandas', 'python3-sklearn', 'python3-joblib'];
const PYTHON_E2E_APPS = ['App3', 'App4', 'App13'];
const RIC_BUILD_TOOLS = ['autoconf', 'automake', 'libtool', 'cmake', 'make', 'g++'];
const RIC_ADDON = `${process.env.FAASLIGHT_RIC_DIR ?? `${process.env.XDG_CACHE_HOME ?? `${process.env.HOME}/.cache`}/faaslight/ric`}/node_modules/aws-lambda-ric/dist/rapid-client.node`;
const CI = process.env.CI === 'true' || process.env.CI === '1';

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : STEPS;
const unknown = only.filter((s) => !STEPS.includes(s));
if (unknown.length) {
  console.error(`test-setup: unknown step ${unknown.join(', ')} (steps: ${STEPS.join(', ')})`);
  process.exit(2);
}

const needRic = !existsSync(RIC_ADDON);
const needChromium = !existsSync('/usr/bin/chromium');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status === 0;
}

/** A step that could not do its work: fatal under CI, a printed reason (and skipping tests) elsewhere. */
function failed(step, error, skips) {
  if (CI) {
    console.error(`test-setup: ${step} failed under CI: ${error}`);
    process.exit(1);
  }
  console.log(`test-setup: ${step}: ${error}; ${skips} will skip`);
}

/** On PATH, as spawnSync would find it (a fixed /usr/bin path would ignore a PATH that replaces apt-get). */
function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, cmd)));
}

function notInstalled(packages) {
  return packages.filter((p) => spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' }).stdout?.includes('install ok installed') !== true);
}

if (only.includes('corpus')) {
  const apps = E2E_APPS.filter((a) => existsSync(`apps/${a}/package.json`));
  if (apps.length && existsSync('scripts/corpus-setup.mjs')) {
    console.log(`test-setup: installing corpus apps ${apps.join(', ')}`);
    if (!run(process.execPath, ['scripts/corpus-setup.mjs', '--only', apps.join(',')])) {
      console.error('test-setup: corpus-setup failed');
      process.exit(1);
    }
  }
}

if (only.includes('apt')) {
  const missing = notInstalled([...APT_PACKAGES, ...(needRic ? RIC_BUILD_TOOLS : []), ...(needChromium ? ['chromium'] : [])]);
  if (!missing.length) console.log('test-setup: Debian packages present');
  else if (process.getuid?.() !== 0 || !onPath('apt-get')) failed('apt', `not root or no apt-get; missing ${missing.join(' ')}`, 'Python end-to-end tests');
  else {
    console.log(`test-setup: apt-get install ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!run('apt-get', ['update', '-qq'], { env }))
      failed('apt', 'apt-get update exited non-zero', 'Python end-to-end tests (and, without chromium, the HTML report browser test)');
    else if (!run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }))
      failed('apt', `apt-get install ${missing.join(' ')} exited non-zero`, 'Python end-to-end tests (and, without chromium, the HTML report browser test)');
  }
}

if (only.includes('ric')) {
  if (needRic) {
    console.log('test-setup: building aws-lambda-ric (scripts/setup-ric.sh)');
    if (!run('bash', ['scripts/setup-ric.sh'])) failed('ric', 'scripts/setup-ric.sh exited non-zero', 'the aws-lambda-ric tests');
  } else console.log('test-setup: aws-lambda-ric present');
}

if (only.includes('python')) {
  const stillMissing = notInstalled(APT_PACKAGES);
  if (stillMissing.length) failed('python', `Python corpus apps not vendored (missing ${stillMissing.join(' ')})`, 'Python end-to-end tests');
  else if (existsSync('scripts/corpus/python.mjs')) {
    console.log(`test-setup: vendoring Python corpus apps ${PYTHON_E2E_APPS.join(', ')}`);
    if (!run(process.execPath, ['scripts/corpus/python.mjs', '--only', PYTHON_E2E_APPS.join(',')]))
      failed('python', 'scripts/corpus/python.mjs exited non-zero', 'Python end-to-end tests');
  }
}
