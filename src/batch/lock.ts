// Analysis and verification of several apps may overlap (--jobs), but a cold-start measurement must
// have the machine to itself: a shared/exclusive lock, exclusive waiters first so a measurement is
// not starved by a stream of analyses.
export class MeasureLock {
  private shared = 0;
  private exclusive = false;
  private waiting: { exclusive: boolean; go: () => void }[] = [];

  private grant(): void {
    while (this.waiting.length && !this.exclusive) {
      const ex = this.waiting.findIndex((w) => w.exclusive);
      if (ex >= 0) {
        if (this.shared > 0) return; // drain the running analyses first
        const [w] = this.waiting.splice(ex, 1);
        this.exclusive = true;
        w.go();
        return;
      }
      const w = this.waiting.shift()!;
      this.shared++;
      w.go();
    }
  }

  private async with<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    await new Promise<void>((go) => {
      this.waiting.push({ exclusive, go });
      this.grant();
    });
    try {
      return await fn();
    } finally {
      if (exclusive) this.exclusive = false;
      else this.shared--;
      this.grant();
    }
  }

  runShared<T>(fn: () => Promise<T>): Promise<T> {
    return this.with(false, fn);
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.with(true, fn);
  }
}

/** Runs `fn` over `items` with at most `jobs` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], jobs: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return out;
}
