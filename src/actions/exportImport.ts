/**
 * Export and import JSON (images: exportImage.ts), pictures included as base64 by hash. The file
 * code loads on demand: nobody pays for it upfront.
 */
import { loadImageCode } from "../assets/source";
import { placeAt } from "../doc/transfer";
import { defineAction } from "./types";

export const exportJson = defineAction({
  name: "export-json",
  label: "Export JSON",
  viewerMay: true,
  perform(ctx) {
    void import("../ui/exportImport").then(({ exportJson }) =>
      exportJson(ctx.store.read(), ctx.roomId),
    );
  },
});

export const importJson = defineAction({
  name: "import-json",
  label: "Import JSON…",
  viewerMay: false,
  perform(ctx) {
    void (async () => {
      const { pickJsonFile } = await import("../ui/exportImport");
      const parsed = await pickJsonFile();
      if (!parsed || parsed.shapes.length === 0) {
        if (parsed === null) ctx.alert("That file is not a Sketchroom JSON export.");
        return;
      }
      // The pictures first: their shapes then draw from this device's copy at once.
      if (parsed.assets) {
        // Offline before the image code ever loaded: the shapes come in, their pictures do not.
        const code = await loadImageCode().catch(() => null);
        await code?.importAssets(ctx.roomId, parsed.assets);
      }
      const center = ctx.board()?.viewportCenter() ?? { x: 0, y: 0 };
      ctx.select(ctx.store.create(placeAt(parsed.shapes, center.x, center.y)));
      ctx.setTool("select");
    })();
  },
});
