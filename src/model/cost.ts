// Cost per million requests from the prediction and a price list. Billed time per accepted request:
// a cold request bills its init (when init is billed) and its invoke, a warm one its invoke; a
// rejected (throttled) request is not billed. Lambda rounds each duration up to 1 ms; the model works
// with means, so that rounding is left out (under 1 ms per request).
import type { Cost, Prediction, Prices, ServiceTimes } from './types.js';

/** AWS Lambda x86 list prices (us-east-1): USD per GB-second and per request, 128 MB default memory. */
export const DEFAULT_PRICES: Prices = { gbSecond: 0.0000166667, request: 0.0000002, memoryMb: 128, initBilled: true };

export function costOf(p: Prediction, s: ServiceTimes, prices: Prices): Cost {
  const accepted = 1 - p.rejectionProbability;
  const coldShare = accepted > 0 ? p.coldProbability / accepted : 0;
  const coldBilled = prices.initBilled ? s.cold : Math.max(0, s.cold - s.init);
  const billedSeconds = coldShare * coldBilled + (1 - coldShare) * s.warm;
  const perRequest = prices.request + prices.gbSecond * (prices.memoryMb / 1024) * billedSeconds;
  return { perMillion: perRequest * 1e6, billedSeconds, prices };
}
