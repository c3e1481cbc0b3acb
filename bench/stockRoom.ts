/**
 * Baseline for benchmarks only (never deployed): a stock y-partykit room, the way most PartyKit
 * whiteboards start, relaying every message and persisting snapshots its own way.
 */
import type * as Party from "partykit/server";
import { onConnect } from "y-partykit";

export default class StockRoom implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onConnect(connection: Party.Connection) {
    return onConnect(connection, this.room, { persist: { mode: "snapshot" } });
  }
}
