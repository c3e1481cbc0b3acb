/**
 * Reconnect backoff: full jitter, doubling windows, caps.
 *
 *  [B1] Every delay lies in [50, window); a slow retry in [5 s, 5 s + window).
 *  [B2] The window doubles per attempt up to its cap: 10 s visible, 5 min hidden.
 *  [B3] "Retry slowly" (room full, rate limited) never waits less than a 5 s window.
 *  [B4] Full jitter: random 0 gives the floor, random → 1 gives just under the window.
 *  [B5] The first window is ≥ 1 s, so 50 clients dropped at once spread their first retry over ≥ 1 s.
 */
import { describe, expect, it } from "vitest";
import { backoffDelay, backoffWindow } from "../../src/net/backoff";
import {
  RECONNECT_MAX_HIDDEN_MS,
  RECONNECT_MAX_VISIBLE_MS,
  RECONNECT_SLOW_MIN_MS,
} from "../../src/shared/constants";

const ALMOST_ONE = 1 - Number.EPSILON;

describe("backoff", () => {
  it("[B1] every delay lies in [50, window) for many attempts and random values", () => {
    for (const hidden of [false, true]) {
      for (const slow of [false, true]) {
        for (let attempt = 0; attempt < 40; attempt++) {
          const window = backoffWindow({ attempt, hidden, slow });
          for (const r of [0, 0.001, 0.25, 0.5, 0.9, ALMOST_ONE]) {
            const d = backoffDelay({ attempt, hidden, slow, random: () => r });
            const floor = slow ? RECONNECT_SLOW_MIN_MS : 50;
            expect(d).toBeGreaterThanOrEqual(floor);
            expect(d).toBeLessThan(slow ? RECONNECT_SLOW_MIN_MS + window : window);
          }
        }
      }
    }
  });

  it("[B2] visible windows double from 1.5 s and cap at 10 s", () => {
    const windows = Array.from({ length: 8 }, (_, attempt) =>
      backoffWindow({ attempt, hidden: false, slow: false }),
    );
    expect(windows).toEqual([1500, 3000, 6000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(backoffWindow({ attempt: 1000, hidden: false, slow: false })).toBe(
      RECONNECT_MAX_VISIBLE_MS,
    );
  });

  it("[B2] hidden windows keep doubling up to 5 minutes", () => {
    const windows = Array.from({ length: 10 }, (_, attempt) =>
      backoffWindow({ attempt, hidden: true, slow: false }),
    );
    for (let i = 1; i < windows.length; i++) {
      expect(windows[i]).toBe(Math.min(windows[i - 1]! * 2, RECONNECT_MAX_HIDDEN_MS));
    }
    expect(windows.at(-1)).toBe(RECONNECT_MAX_HIDDEN_MS);
    expect(backoffWindow({ attempt: 1e6, hidden: true, slow: false })).toBe(
      RECONNECT_MAX_HIDDEN_MS,
    );
  });

  it("[B3] slow retries start at a 5 s window and are never shorter than the normal one", () => {
    for (let attempt = 0; attempt < 30; attempt++) {
      for (const hidden of [false, true]) {
        const slow = backoffWindow({ attempt, hidden, slow: true });
        expect(slow).toBeGreaterThanOrEqual(RECONNECT_SLOW_MIN_MS);
        expect(slow).toBeGreaterThanOrEqual(backoffWindow({ attempt, hidden, slow: false }));
      }
    }
    expect(backoffWindow({ attempt: 0, hidden: false, slow: true })).toBe(RECONNECT_SLOW_MIN_MS);
  });

  it("[B4] full jitter: random 0 gives 50 ms, random → 1 gives window − 1", () => {
    expect(backoffDelay({ attempt: 3, hidden: false, slow: false, random: () => 0 })).toBe(50);
    expect(backoffDelay({ attempt: 3, hidden: false, slow: false, random: () => ALMOST_ONE })).toBe(
      9_999,
    );
    expect(backoffDelay({ attempt: 0, hidden: false, slow: false, random: () => 0.5 })).toBe(750);
  });

  it("[B5] 50 clients spread their first retry over at least 1 s", () => {
    expect(backoffWindow({ attempt: 0, hidden: false, slow: false })).toBeGreaterThanOrEqual(1000);
    let seed = 42;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    const delays = Array.from({ length: 50 }, () =>
      backoffDelay({ attempt: 0, hidden: false, slow: false, random }),
    ).sort((a, b) => a - b);
    expect(delays.at(-1)! - delays[0]!).toBeGreaterThanOrEqual(1000);
    // No stampede: no 100 ms slot holds more than a fifth of the clients.
    const slots = new Map<number, number>();
    for (const d of delays)
      slots.set(Math.floor(d / 100), (slots.get(Math.floor(d / 100)) ?? 0) + 1);
    expect(Math.max(...slots.values())).toBeLessThanOrEqual(10);
  });
});
