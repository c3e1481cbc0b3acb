/**
 * Follow mode: while following someone, this tab's camera copies their viewport, centred on
 * the same canvas point at the same zoom, until this user pans or zooms by hand.
 */
import type { Peer } from "./peers";

export interface Camera {
  /** Stage position (screen px of canvas origin) and zoom, as Konva's stage x/y/scale. */
  x: number;
  y: number;
  zoom: number;
}

/**
 * Peers publish `viewport` as the canvas point at the centre of their screen plus their zoom,
 * so followers with a different window size still see the same place.
 */
export function cameraFollowing(
  peer: Peer,
  screenWidth: number,
  screenHeight: number,
): Camera | null {
  if (!peer.viewport) return null;
  const { x, y, zoom } = peer.viewport;
  return { x: screenWidth / 2 - x * zoom, y: screenHeight / 2 - y * zoom, zoom };
}

/** What this tab publishes: the canvas point at the centre of its screen and its zoom. */
export function viewportOf(camera: Camera, screenWidth: number, screenHeight: number) {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    x: round((screenWidth / 2 - camera.x) / camera.zoom),
    y: round((screenHeight / 2 - camera.y) / camera.zoom),
    zoom: Math.round(camera.zoom * 1000) / 1000,
  };
}
