/**
 * Baseline for benchmarks only (never deployed): a stock y-partykit room set up as its docs
 * recommend (https://docs.partykit.io/reference/y-partykit-api/, "Persisting snapshots
 * (recommended)"): the class form, `persist: { mode: "snapshot" }`, everything else default.
 * y-partykit then keeps garbage collection off (it refuses gc with persist), stores each update
 * as it arrives, and merges them into one snapshot when the last client leaves.
 */
import type * as Party from "partykit/server";
import { onConnect } from "y-partykit";

export default class StockRoom implements Party.Server {
  constructor(readonly room: Party.Room) {}

  onConnect(connection: Party.Connection) {
    return onConnect(connection, this.room, { persist: { mode: "snapshot" } });
  }
}
