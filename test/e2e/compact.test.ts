/**
 * Compact shapes in a real Chromium against a real `partykit dev` (docs/schema.md, C14): a Node
 * peer imports 200 sticky notes through the client's own ShapeStore, so they are stored compact.
 * The page draws them; double-clicking one opens the editor, which turns that note into a Y.Map
 * with a Y.Text at once, so typing in the page and typing by the peer merge (C5) from the first
 * keystroke, and the editor shows the peer's insertion.
 */
import { afterEach, expect, test } from "vitest";
import * as Y from "yjs";
import { type NewShape, ShapeStore } from "../../src/doc/shapeStore";
import { COMPACT_BATCH_MIN } from "../../src/shared/constants";
import { getShapes, isCompact } from "../../src/shared/doc";
import { setupE2E } from "../helpers/e2e";
import { canvasBox, openRoom, shapesIn } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { connectPeer, type Peer, uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
let peer: Peer | undefined;

afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

const note = (i: number): NewShape => ({
  type: "sticky",
  // The first note sits in view; the rest form a row far to the right.
  x: i === 0 ? 100 : 2_000 + i * 220,
  y: 100,
  width: 200,
  height: 200,
  rotation: 0,
  points: [],
  stroke: "#1e1e1e",
  fill: "#ffec99",
  strokeWidth: 2,
  text: `note ${i}`,
  fontSize: 20,
});

test("[C14] a compact note opened for editing merges the page's and a peer's typing", async () => {
  const room = uniqueRoomId("compact");
  peer = await connectPeer(e2e.server.wsUrl, room);
  await peer.synced;
  const store = new ShapeStore(peer.doc);
  const ids = store.create(Array.from({ length: COMPACT_BATCH_MIN }, (_, i) => note(i)));
  const first = ids[0]!;
  const entry = () => (getShapes(peer!.doc) as unknown as Y.Map<unknown>).get(first);
  expect(isCompact(entry())).toBe(true);
  await peer.waitForSaved();

  const { page, errors } = await e2e.session.newPage("editor");
  await openRoom(page, `${e2e.server.url}/r/${room}`);
  await waitFor(async () => (await shapesIn(page)).length === COMPACT_BATCH_MIN, {
    message: "the page to hold every note",
  });
  const box = await canvasBox(page);
  await page.mouse.dblclick(box.x + 200, box.y + 200);
  const area = page.locator("textarea.text-editor");
  await area.waitFor({ state: "visible" });
  expect(await area.inputValue()).toBe("note 0");

  // Opening the editor expanded the note everywhere: the peer now types into the same Y.Text.
  const text = await peer.waitFor(() => {
    const value = entry();
    return value instanceof Y.Map && value.get("text") instanceof Y.Text
      ? (value.get("text") as Y.Text)
      : null;
  });
  await page.keyboard.press("End");
  await page.keyboard.type("A");
  text.insert(0, ">");
  await waitFor(async () => (await area.inputValue()) === ">note 0A", {
    message: "the peer's insertion in the editor",
  });
  await page.keyboard.type("B");
  await page.keyboard.press("Escape");
  await peer.waitFor(() => text.toString() === ">note 0AB", {
    message: "both people's typing in the note",
  });
  await waitFor(
    async () => (await shapesIn(page)).find((s) => s.id === first)?.text === ">note 0AB",
    { message: "the page's note to hold both" },
  );
  // Only the note that was edited left the compact form.
  expect(isCompact((getShapes(peer.doc) as unknown as Y.Map<unknown>).get(ids[1]!))).toBe(true);
  expect(errors.messages).toEqual([]);
});
