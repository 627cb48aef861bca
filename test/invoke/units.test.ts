// Pure parts of the cloud path: REPORT lines, prices, settings read from deployment descriptors.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { deploySettings } from '../../src/invoke/aws/descriptor.js';
import { decodeLogTail, parseReport } from '../../src/invoke/aws/report-line.js';
import { awsPricing, costPerMillion } from '../../src/invoke/pricing.js';
import { findHandler } from '../../src/measure/handlers.js';

const R = 'REPORT RequestId: 3f1e2d4c-0000-4b5a-9c8d-1234567890ab';
describe('parseReport', () => {
  test.each([
    [
      'cold start (init billed, 2025 format)',
      `START RequestId: x Version: $LATEST\nEND RequestId: x\n${R}\tDuration: 12.34 ms\tBilled Duration: 470 ms\tMemory Size: 512 MB\tMax Memory Used: 81 MB\tInit Duration: 456.78 ms\t\n`,
      { requestId: '3f1e2d4c-0000-4b5a-9c8d-1234567890ab', durationMs: 12.34, billedMs: 470, memorySizeMb: 512, maxMemoryUsedMb: 81, initMs: 456.78 },
    ],
    [
      'warm',
      `${R}\tDuration: 1.02 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t`,
      { requestId: '3f1e2d4c-0000-4b5a-9c8d-1234567890ab', durationMs: 1.02, billedMs: 2, memorySizeMb: 128, maxMemoryUsedMb: 60 },
    ],
    [
      'failed init',
      `${R}\tDuration: 310.50 ms\tBilled Duration: 311 ms\tMemory Size: 256 MB\tMax Memory Used: 45 MB\tStatus: error\tError Type: Runtime.ImportModuleError`,
      {
        requestId: '3f1e2d4c-0000-4b5a-9c8d-1234567890ab',
        durationMs: 310.5,
        billedMs: 311,
        memorySizeMb: 256,
        maxMemoryUsedMb: 45,
        status: 'error',
        errorType: 'Runtime.ImportModuleError',
      },
    ],
    [
      'the last REPORT of several wins',
      `${R}\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n${R.replace('3f1e', 'aaaa')}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB\n`,
      { requestId: 'aaaa2d4c-0000-4b5a-9c8d-1234567890ab', durationMs: 1, billedMs: 1, memorySizeMb: 128, maxMemoryUsedMb: 61 },
    ],
    ['tail cut before REPORT', 'START RequestId: x Version: $LATEST\nhello\n', null],
    ['REPORT missing a field', `${R}\tDuration: 1.00 ms\tMemory Size: 128 MB\tMax Memory Used: 61 MB`, null],
  ])('%s', (_name, log, expected) => {
    expect(parseReport(log)).toEqual(expected);
  });
  test('log tail is base64', () => {
    expect(decodeLogTail(Buffer.from('REPORT x').toString('base64'))).toBe('REPORT x');
    expect(decodeLogTail(undefined)).toBe('');
  });
});

describe('pricing', () => {
  test('defaults per architecture, options override, cost per million', () => {
    expect(awsPricing('arm64')).toMatchObject({ gbSecondUsd: 0.0000133334, requestUsd: 0.0000002 });
    expect(awsPricing('x86_64', 0.00002).source).toBe('price options');
    // 1 GB for 1 s: 16.6667 $ per million in GB-seconds + 0.20 $ of requests.
    expect(costPerMillion(awsPricing('x86_64'), 1024, 1000)).toBeCloseTo(16.8667, 3);
    expect(costPerMillion(awsPricing('x86_64'), 128, 1)).toBeCloseTo(0.2021, 4);
  });
});

describe('deploySettings', () => {
  const FIX = path.resolve(__dirname, '../../fixtures/invoke/aws');
  test('serverless.yml: provider values, the function overrides them; variables are not guessed', async () => {
    const dir = path.join(FIX, 'sls-app');
    expect(await deploySettings(dir, await findHandler(dir, 'index.handler'))).toEqual({
      memoryMb: 384,
      timeoutS: 10,
      arch: 'arm64',
      role: 'arn:aws:iam::123456789012:role/from-serverless',
      region: 'eu-west-3',
      source: 'serverless.yml functions.api',
    });
    const other = await deploySettings(dir, await findHandler(dir, 'other.handler'));
    expect(other.role).toBe('arn:aws:iam::123456789012:role/from-serverless');
  });
  test('SAM: Globals then Properties; a !GetAtt role is left to --role', async () => {
    const dir = path.join(FIX, 'sam-app');
    const h = await findHandler(dir);
    expect(await deploySettings(dir, h)).toEqual({ memoryMb: 2048, timeoutS: 20, arch: 'x86_64', source: 'template.yaml Api' });
  });
});
