/** The presence sender (src/ui/presenceSender.ts): cursor throttled leading + trailing, never stale after leaving. */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { CURSOR_THROTTLE_MS } from "../../src/shared/constants";
import { createPresenceSender } from "../../src/ui/presenceSender";

describe("presenceSender", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const awareness = new Awareness(new Y.Doc());
    const cursors: unknown[] = [];
    awareness.on("change", () => cursors.push(awareness.getLocalState()?.cursor));
    return { awareness, cursors, sender: createPresenceSender(awareness) };
  }

  test("sends the first move at once and the last one after the throttle window", () => {
    const { awareness, sender } = setup();
    sender.setCursor({ x: 1, y: 1 });
    expect(awareness.getLocalState()?.cursor).toEqual({ x: 1, y: 1 });
    for (let i = 2; i <= 10; i++) sender.setCursor({ x: i, y: i });
    expect(awareness.getLocalState()?.cursor).toEqual({ x: 1, y: 1 });
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS);
    expect(awareness.getLocalState()?.cursor).toEqual({ x: 10, y: 10 });
    sender.destroy();
  });

  test("at most one cursor update per window during continuous motion", () => {
    const { cursors, sender } = setup();
    for (let t = 0; t < 1000; t += 5) {
      sender.setCursor({ x: t, y: 0 });
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS);
    expect(cursors.length).toBeLessThanOrEqual(1000 / CURSOR_THROTTLE_MS + 2);
    sender.destroy();
  });

  test("leaving clears the cursor and drops a pending trailing send", () => {
    const { awareness, sender } = setup();
    sender.setCursor({ x: 1, y: 1 });
    sender.setCursor({ x: 2, y: 2 });
    sender.setCursor(null);
    vi.advanceTimersByTime(CURSOR_THROTTLE_MS * 2);
    expect(awareness.getLocalState()?.cursor).toBeNull();
    sender.destroy();
  });

  test("user and selection go out at once", () => {
    const { awareness, sender } = setup();
    sender.setUser({ name: "Curious Otter", color: "#1971c2" });
    sender.setSelection(["a", "b"]);
    expect(awareness.getLocalState()).toMatchObject({
      user: { name: "Curious Otter", color: "#1971c2" },
      selection: ["a", "b"],
    });
    sender.destroy();
  });
});
