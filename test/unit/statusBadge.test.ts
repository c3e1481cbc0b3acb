/** The connection badge's words: a view link says "View only" in every state, not only once connected. */
import { describe, expect, it } from "vitest";
import type { ConnectionStatus } from "../../src/net/types";
import { describeStatus } from "../../src/ui/StatusBadge";

const base: ConnectionStatus = {
  state: "connected",
  saved: true,
  attempt: 0,
  readOnly: false,
  fatal: null,
  transport: "websocket",
  viewId: null,
};

describe("describeStatus", () => {
  it("an editor offline is told its edits are kept; a viewer is told it is view only", () => {
    expect(describeStatus({ ...base, state: "offline" })).toBe(
      "Offline — your edits are kept on this device",
    );
    expect(describeStatus({ ...base, state: "offline", readOnly: true })).toBe(
      "Offline · View only",
    );
  });

  it("a viewer connecting or reconnecting is told it is view only", () => {
    expect(describeStatus({ ...base, state: "connecting", readOnly: true })).toBe(
      "Connecting… · View only",
    );
    expect(describeStatus({ ...base, state: "reconnecting", attempt: 2, readOnly: true })).toBe(
      "Reconnecting (attempt 2)… · View only",
    );
    expect(describeStatus({ ...base, state: "connecting" })).toBe("Connecting…");
    expect(describeStatus({ ...base, readOnly: true })).toBe("Connected · View only");
  });
});
