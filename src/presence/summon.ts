/**
 * "Bring everyone to my view": the summoner publishes `summon` = the canvas point at the centre
 * of their screen, their zoom and when they asked (ms since the epoch, their clock). Every
 * receiver moves its camera there once per new `at`, unless the summon is older than
 * SUMMON_MAX_AGE_MS when first seen (someone joining later is not moved by an old request).
 * docs/protocol.md "Presence".
 */
import * as v from "valibot";
import { MAX_COORDINATE, SUMMON_MAX_AGE_MS } from "../shared/constants";

export interface Summon {
  x: number;
  y: number;
  zoom: number;
  at: number;
}

const coord = v.pipe(
  v.number(),
  v.finite(),
  v.minValue(-MAX_COORDINATE),
  v.maxValue(MAX_COORDINATE),
);

export const SummonSchema = v.object({
  x: coord,
  y: coord,
  zoom: v.pipe(v.number(), v.minValue(0.01), v.maxValue(100)),
  at: v.pipe(v.number(), v.finite(), v.minValue(0)),
});

/**
 * Which summons to obey now: per peer, a summon whose `at` differs from the last one seen from
 * that peer and is not too old. Remembers what it has seen, so each summon is obeyed once.
 */
export class SummonInbox {
  private readonly seen = new Map<number, number>();

  /** The summon to obey among these peers' (the newest), or null. */
  take(peers: readonly { clientId: number; summon: Summon | null }[], now: number): Summon | null {
    let best: Summon | null = null;
    const present = new Set<number>();
    for (const peer of peers) {
      present.add(peer.clientId);
      const s = peer.summon;
      if (!s || this.seen.get(peer.clientId) === s.at) continue;
      this.seen.set(peer.clientId, s.at);
      if (Math.abs(now - s.at) > SUMMON_MAX_AGE_MS) continue;
      if (!best || s.at > best.at) best = s;
    }
    for (const id of this.seen.keys()) if (!present.has(id)) this.seen.delete(id);
    return best;
  }
}
