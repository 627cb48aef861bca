// What a test file needs from the machine (an installed corpus app, chromium, aws-lambda-ric …), set up by
// scripts/test-setup.mjs. Outside CI a missing prerequisite skips those tests with its reason printed; under
// CI=true it fails the file, because a setup step that broke must never turn into a green run of skips.

export const CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * For `describe.skipIf(skipWithout(ok, what))`: false when `ok`; otherwise true (skip) with `what` printed,
 * or, under CI, throws so that vitest reports the file as failed with the missing prerequisite.
 */
export function skipWithout(ok: boolean, what: string): boolean {
  if (ok) return false;
  if (CI) throw new Error(`prerequisite missing under CI=true: needs ${what} (scripts/test-setup.mjs sets it up)`);
  console.warn(`skipped: needs ${what} (scripts/test-setup.mjs sets it up)`);
  return true;
}
