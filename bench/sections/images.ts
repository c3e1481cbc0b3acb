import { IMAGES_BASELINE, IMAGES_SCENARIO, imagesBenchmark } from "../images";
import type { Section } from "../lib/section";

export const imagesSection: Section = {
  name: "images",
  heading: "Images (issue 12)",
  usesChromium: true,
  run: imagesBenchmark,
  render(rows, ctx) {
    return [
      "Headless Chromium, 1280×800, two tabs in one room on the local `partykit dev` (bench/images.ts).",
      "A photo-like 4000×3000 JPEG of about 5 MB (seeded noise over gradients, made in the page) is",
      "dropped on the canvas; times run from the drop to the picture painted in the dropping tab and",
      "in the other tab, and to the end of the upload. Baseline: the same photo uploaded as it is,",
      "the shape written after the upload, both tabs fetching and decoding the original from the",
      "room (its per-asset cap raised with `--var MAX_ASSET_BYTES`). Medians of `runs`. Each runs on",
      "loopback (no bandwidth limit: what the client's own work costs) and on a throttled network",
      "(Chromium's network emulation in both tabs: what the bytes cost).",
      "",
      ctx.table("Images: a 5 MB photo from drop to first paint (baseline: no downscale)", rows),
    ].join("\n");
  },
  targets: [
    {
      issue: 12,
      what: "5 MB photo: drop → painted in another tab",
      row: { scenario: IMAGES_SCENARIO, network: "10 Mbit/s up, 50 down, 20 ms" },
      field: "paint_other_tab_ms",
      unit: "ms",
      bound: { op: "<=", value: 5_000 },
      baseline: {
        label: "original uploaded",
        row: { scenario: IMAGES_BASELINE, network: "10 Mbit/s up, 50 down, 20 ms" },
        field: "paint_other_tab_ms",
      },
    },
  ],
};
