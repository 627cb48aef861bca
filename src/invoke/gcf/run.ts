import { UsageError } from '../../diagnostics.js';
import type { MeasureResult } from '../../measure/types.js';
import type { Prepared } from '../prepare.js';
import type { InvokeOptions } from '../types.js';

export async function invokeGcf(_opts: InvokeOptions, _prepared: Prepared): Promise<MeasureResult[]> {
  throw new UsageError('gcf: not built yet');
}
