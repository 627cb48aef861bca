// Cost of one invocation from the platform's billed figures and published price inputs. Prices are
// options (they change, and differ by region, architecture and tier); the defaults are stated in
// the result so a reader knows what they were.

export interface Pricing {
  gbSecondUsd: number;
  requestUsd: number;
  source: string;
}

/** AWS Lambda list prices, us-east-1, first tier (per GB-second and per request). */
export const AWS_DEFAULT_PRICES: Record<'x86_64' | 'arm64', Omit<Pricing, 'source'>> = {
  x86_64: { gbSecondUsd: 0.0000166667, requestUsd: 0.0000002 },
  arm64: { gbSecondUsd: 0.0000133334, requestUsd: 0.0000002 },
};

export function awsPricing(arch: 'x86_64' | 'arm64', gbSecondUsd?: number, requestUsd?: number): Pricing {
  const d = AWS_DEFAULT_PRICES[arch];
  const given = gbSecondUsd !== undefined || requestUsd !== undefined;
  return {
    gbSecondUsd: gbSecondUsd ?? d.gbSecondUsd,
    requestUsd: requestUsd ?? d.requestUsd,
    source: given ? 'price options' : `AWS Lambda list price, us-east-1, ${arch}, first tier (override with --price-gb-second / --price-request)`,
  };
}

/** USD per million invocations that each bill `billedMs` at `memoryMb`. */
export function costPerMillion(p: Pricing, memoryMb: number, billedMs: number): number {
  const perInvocation = p.requestUsd + p.gbSecondUsd * (memoryMb / 1024) * (billedMs / 1000);
  return Math.round(perInvocation * 1e6 * 10_000) / 10_000;
}
