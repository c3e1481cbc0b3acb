/** Reading what a page's stage actually painted, without the page's automation hook. */
import type { Page } from "playwright-core";

/**
 * Whether anything is painted on the stage within a few pixels of canvas point (x, y), at zoom 1
 * with canvas (0, 0) at the stage's top-left (a new room's camera). The grid is the container's
 * CSS background, so the stage's canvases are transparent wherever no shape, cursor or selection
 * is drawn.
 */
export function paintedAt(page: Page, x: number, y: number): Promise<boolean> {
  return page.evaluate(
    ([px, py]) =>
      [...document.querySelectorAll('[data-testid="canvas"] canvas')].some((node) => {
        const c = node as HTMLCanvasElement;
        const ratio = c.width / (c.clientWidth || c.width);
        const r = Math.max(1, Math.round(3 * ratio));
        const data = c
          .getContext("2d")
          ?.getImageData(Math.round(px * ratio) - r, Math.round(py * ratio) - r, 2 * r, 2 * r);
        return data ? data.data.some((v, i) => i % 4 === 3 && v > 0) : false;
      }),
    [x, y] as const,
  );
}
