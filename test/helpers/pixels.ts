/** Reading what a page's stage actually painted, without the page's automation hook. */
import type { Page } from "playwright-core";

/**
 * Whether anything is painted on the stage within a few pixels of canvas point (x, y), at zoom 1
 * with canvas (0, 0) at the stage's top-left (a new room's camera). The grid is the container's
 * CSS background, so the stage's canvases are transparent wherever no shape, cursor or selection
 * is drawn. `stage` picks another stage by its container (the History preview's, say).
 */
export function paintedAt(
  page: Page,
  x: number,
  y: number,
  stage = '[data-testid="canvas"]',
): Promise<boolean> {
  return page.evaluate(
    ([px, py, container]) =>
      [...document.querySelectorAll(`${container} canvas`)].some((node) => {
        const c = node as HTMLCanvasElement;
        const ratio = c.width / (c.clientWidth || c.width);
        const r = Math.max(1, Math.round(3 * ratio));
        // From r pixels before the point to r after it: 2r + 1 wide.
        const data = c
          .getContext("2d")
          ?.getImageData(
            Math.round(px * ratio) - r,
            Math.round(py * ratio) - r,
            2 * r + 1,
            2 * r + 1,
          );
        return data ? data.data.some((v, i) => i % 4 === 3 && v > 0) : false;
      }),
    [x, y, stage] as const,
  );
}

/**
 * The colour the stage shows at canvas point (x, y) (zoom 1, no pan): the top-most layer canvas
 * that painted there, as "#rrggbb", or null where every layer is transparent.
 */
export function colorAt(page: Page, x: number, y: number): Promise<string | null> {
  return page.evaluate(
    ([px, py]) => {
      const canvases = [...document.querySelectorAll('[data-testid="canvas"] canvas')];
      for (const node of canvases.reverse()) {
        const c = node as HTMLCanvasElement;
        const ratio = c.width / (c.clientWidth || c.width);
        const d = c
          .getContext("2d")
          ?.getImageData(Math.round(px * ratio), Math.round(py * ratio), 1, 1);
        if (!d || d.data[3] === 0) continue;
        const hex = (v: number) => v.toString(16).padStart(2, "0");
        return `#${hex(d.data[0]!)}${hex(d.data[1]!)}${hex(d.data[2]!)}`;
      }
      return null;
    },
    [x, y] as const,
  );
}
