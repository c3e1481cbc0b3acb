/**
 * Follow mode: while following someone, this tab's camera copies their viewport, centred on
 * the same canvas point at the same zoom, until this user pans or zooms by hand.
 */
import { screenToCanvas, type View } from "../canvas/view";
import type { Peer } from "./peers";

/**
 * Peers publish `viewport` as the canvas point at the centre of their screen plus their zoom,
 * so followers with a different window size still see the same place.
 */
export function cameraFollowing(
  peer: Peer,
  screenWidth: number,
  screenHeight: number,
): View | null {
  if (!peer.viewport) return null;
  const { x, y, zoom } = peer.viewport;
  return { x: screenWidth / 2 - x * zoom, y: screenHeight / 2 - y * zoom, zoom };
}

/** What this tab publishes: the canvas point at the centre of its screen and its zoom. */
export function viewportOf(view: View, screenWidth: number, screenHeight: number) {
  const round = (n: number) => Math.round(n * 10) / 10;
  const centre = screenToCanvas(view, { x: screenWidth / 2, y: screenHeight / 2 });
  return { x: round(centre.x), y: round(centre.y), zoom: Math.round(view.zoom * 1000) / 1000 };
}
