/** Polling with a deadline: the only way tests wait. Never a fixed sleep. */

export interface WaitOptions {
  /** ms before giving up (default 10 000). */
  timeout?: number;
  /** ms between checks (default 50). */
  interval?: number;
  /** What is being waited for, for the error message. */
  message?: string;
}

/**
 * Calls `predicate` until it returns a truthy value (which is returned), or throws once `timeout`
 * ms have passed. A predicate that throws counts as "not yet"; its last error is reported.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  opts: WaitOptions = {},
): Promise<NonNullable<T>> {
  const timeout = opts.timeout ?? 10_000;
  const interval = opts.interval ?? 50;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
  const what = opts.message ?? predicate.toString().slice(0, 200);
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
  throw new Error(`waitFor timed out after ${timeout} ms (${attempts} checks): ${what}${cause}`, {
    cause: lastError,
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects if `promise` does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
