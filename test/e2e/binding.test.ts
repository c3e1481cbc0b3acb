/**
 * Bound arrows, the laser pointer and "bring everyone to my view" through the real UI in
 * Chromium against a real `partykit dev` (issue 11). Results are read from the room's HTTP
 * snapshot, from each page's document and from what each page's Konva stage draws.
 *
 *  [BD1] An arrow dragged from near A's edge to near B's edge binds both ends (startId/endId).
 *  [BD2] Moving B with the select tool: the arrow bends live while B is held, here and on a
 *        second page, and its end lands on B's anchor in the snapshot and in both documents.
 *  [BD3] Concurrently: page 1 moves B while page 2 binds a new arrow to B; both arrows end on
 *        B's edge in the snapshot and in both pages' documents.
 *  [BD4] The same with page 2 offline (the browser's network switched off): it binds a new
 *        arrow to B where it last saw B, page 1 moves B, page 2 comes back; the room re-routes
 *        the new arrow onto B's edge (C12) and every replica agrees.
 *  [LZ5] A view-only visitor's laser (K, drag) shows as a trail on the editor's page, fades out
 *        after the drag, and nothing is stored.
 *  [SM2] "Bring everyone to my view" (presence list button, then the main menu) moves the other
 *        page's camera to this page's, each time it is asked, gliding there (zooms in between show).
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { anchorPoint } from "../../src/shared/binding";
import { checkShape, type Shape } from "../../src/shared/schema";
import type { PageErrors } from "../helpers/browser";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import {
  canvasBox,
  dragOnStage,
  drawRect,
  near,
  openRoom,
  type StagePoint,
  setIdentity,
  shapesIn,
} from "../helpers/pages";
import { fetchSnapshot } from "../helpers/shapes";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
const { inSnapshot } = roomHelpers(e2e, "binding");

async function openAs(name: string, url: string): Promise<{ page: Page; errors: PageErrors }> {
  const { page, errors } = await e2e.session.newPage(name);
  await setIdentity(page, name);
  await openRoom(page, url);
  return { page, errors };
}

/** Absolute end point of a stored line-like shape (rotation 0). */
function endOf(s: Pick<Shape, "x" | "y" | "points">): { x: number; y: number } {
  return { x: s.x + s.points.at(-2)!, y: s.y + s.points.at(-1)! };
}

/** Where an arrow's bound end must be: its anchor on its target, as `shapes` hold them. */
function wantedEnd(arrow: Shape, shapes: readonly Shape[]) {
  const target = shapes.find((s) => s.id === arrow.endId);
  if (!target || !arrow.endAnchor) return null;
  return anchorPoint(target, arrow.endAnchor);
}

/** Whether every bound end in `shapes` sits on its target's anchor (0.5 units). */
function endsOnTargets(shapes: readonly Shape[], arrowIds: readonly string[]): boolean {
  return arrowIds.every((id) => {
    const arrow = shapes.find((s) => s.id === id);
    if (!arrow?.endId) return false;
    const want = wantedEnd(arrow, shapes);
    const got = endOf(arrow);
    return want !== null && Math.hypot(want.x - got.x, want.y - got.y) <= 0.5;
  });
}

/** A page's document read as shapes, each checked like the app checks it (defaults filled in). */
async function docShapes(page: Page): Promise<Shape[]> {
  return (await shapesIn(page)).flatMap((raw) => {
    const result = checkShape(raw.id, raw);
    return "shape" in result ? [result.shape] : [];
  });
}

/** The end of an arrow as the page's stage draws it now (canvas units), or null. */
async function drawnEnd(page: Page, id: string): Promise<{ x: number; y: number } | null> {
  return page.evaluate((arrowId) => {
    type Node = {
      x(): number;
      y(): number;
      findOne(sel: string): { points(): number[] } | undefined;
    };
    const Konva = (window as unknown as { Konva?: { stages: { findOne(s: string): unknown }[] } })
      .Konva;
    const group = Konva?.stages[0]?.findOne(`#${arrowId}`) as Node | undefined;
    const p = group?.findOne("Arrow")?.points();
    if (!group || !p || p.length < 4) return null;
    return { x: group.x() + p[p.length - 2]!, y: group.y() + p[p.length - 1]! };
  }, id);
}

/** Presses at one stage point, moves to another in steps, and keeps the button down. */
async function hold(page: Page, from: StagePoint, to: StagePoint, steps = 8): Promise<void> {
  const box = await canvasBox(page);
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  await page.mouse.move(box.x + to.x, box.y + to.y, { steps });
}

/** Two rects A (100,100) and B (400,100), 120 × 80, and an arrow from A's right edge to B's left. */
async function boundPair(page: Page, room: string) {
  await drawRect(page, 100, 100, 120, 80);
  await page.keyboard.press("Escape");
  await drawRect(page, 400, 100, 120, 80);
  await page.keyboard.press("Escape");
  const [a, b] = await inSnapshot(
    room,
    (shapes) => {
      const a = shapes.find((s) => s.type === "rect" && near(s.x, 100));
      const b = shapes.find((s) => s.type === "rect" && near(s.x, 400));
      return a && b && ([a, b] as const);
    },
    "rects A and B in the snapshot",
  );
  await page.keyboard.press("a");
  // Ends a few pixels outside the outlines: within BIND_DISTANCE_PX.
  await dragOnStage(page, { x: 226, y: 140 }, { x: 394, y: 140 });
  await page.keyboard.press("Escape");
  const arrow = await inSnapshot(
    room,
    (shapes) => shapes.find((s) => s.type === "arrow"),
    "the arrow in the snapshot",
  );
  return { a, b, arrow };
}

describe("bindings", () => {
  test("[BD1] [BD2] an arrow binds A to B; moving B bends it live on both pages and stores its end on B", async () => {
    const room = uniqueRoomId("bind");
    const url = `${e2e.server.url}/r/${room}`;
    const one = await openAs("Ann", url);
    const two = await openAs("Bo", url);
    const { a, b, arrow } = await boundPair(one.page, room);

    // [BD1]
    expect(arrow.startId).toBe(a.id);
    expect(arrow.endId).toBe(b.id);
    expect(arrow.startAnchor?.x).toBeCloseTo(1, 2);
    expect(arrow.endAnchor?.x).toBeCloseTo(0, 2);
    expect(near(endOf(arrow).x, b.x, 0.6)).toBe(true);

    // [BD2] Hold B 200 units lower: the arrow's drawn end follows B before anything is stored.
    await waitFor(async () => (await docShapes(two.page)).length === 3, {
      message: "page 2 has the three shapes",
    });
    await hold(one.page, { x: 470, y: 165 }, { x: 470, y: 365 });
    const live = { x: b.x, y: b.y + 200 + b.height / 2 };
    for (const [label, page] of [
      ["page 1", one.page],
      ["page 2", two.page],
    ] as const) {
      await waitFor(
        async () => {
          const end = await drawnEnd(page, arrow.id);
          return end && near(end.x, live.x, 3) && near(end.y, live.y, 3);
        },
        { message: `${label} draws the arrow's end on B while B is held` },
      );
    }
    // Still held: the document has not changed.
    expect(endsOnTargets(await fetchSnapshot(e2e.server.url, room), [arrow.id])).toBe(true);
    expect((await fetchSnapshot(e2e.server.url, room)).find((s) => s.id === b.id)?.y).toBeCloseTo(
      b.y,
      0,
    );
    await one.page.mouse.up();

    const stored = await inSnapshot(
      room,
      (shapes) => {
        const movedB = shapes.find((s) => s.id === b.id);
        return (
          movedB && near(movedB.y, b.y + 200, 2) && endsOnTargets(shapes, [arrow.id]) && shapes
        );
      },
      "B moved and the arrow's end on B's anchor in the snapshot",
    );
    expect(near(endOf(stored.find((s) => s.id === arrow.id)!).y, live.y, 2)).toBe(true);
    for (const page of [one.page, two.page]) {
      await waitFor(async () => endsOnTargets(await docShapes(page), [arrow.id]), {
        message: "each page's document has the arrow's end on B",
      });
    }
    await waitFor(
      async () => {
        const end = await drawnEnd(two.page, arrow.id);
        return end && near(end.y, live.y, 2);
      },
      { message: "page 2 draws the arrow where it was stored" },
    );
    expect([...one.errors.messages, ...two.errors.messages]).toEqual([]);
  });

  test("[BD3] page 1 moves B while page 2 binds a new arrow to B: both end on B's edge everywhere", async () => {
    const room = uniqueRoomId("bind-race");
    const url = `${e2e.server.url}/r/${room}`;
    const one = await openAs("Ann", url);
    const two = await openAs("Bo", url);
    const { b, arrow } = await boundPair(one.page, room);
    await waitFor(async () => (await docShapes(two.page)).length === 3, {
      message: "page 2 has the three shapes",
    });

    // Page 1 picks B up and holds it 150 lower; page 2, meanwhile, draws an arrow from empty
    // canvas to B's bottom edge where page 1 is holding it; then page 1 lets go.
    await hold(one.page, { x: 470, y: 165 }, { x: 470, y: 315 });
    await waitFor(
      async () => {
        const end = await drawnEnd(two.page, arrow.id);
        return end && near(end.y, b.y + 150 + b.height / 2, 3);
      },
      { message: "page 2 sees B held lower" },
    );
    await two.page.keyboard.press("a");
    await dragOnStage(two.page, { x: 700, y: 500 }, { x: 470, y: b.y + 150 + b.height + 4 });
    await one.page.mouse.up();

    const both = await inSnapshot(
      room,
      (shapes) => {
        const arrows = shapes.filter((s) => s.type === "arrow");
        const movedB = shapes.find((s) => s.id === b.id);
        return (
          arrows.length === 2 &&
          movedB &&
          near(movedB.y, b.y + 150, 2) &&
          arrows.every((s) => s.endId === b.id) &&
          endsOnTargets(
            shapes,
            arrows.map((s) => s.id),
          ) &&
          arrows.map((s) => s.id)
        );
      },
      "two arrows bound to B, both ends on B's anchors, B moved",
    );
    for (const page of [one.page, two.page]) {
      await waitFor(async () => endsOnTargets(await docShapes(page), both), {
        message: "each page's document has both arrows on B",
      });
    }
    // The documents agree with the room on every arrow's geometry.
    const snapshot = await fetchSnapshot(e2e.server.url, room);
    for (const page of [one.page, two.page]) {
      const doc = await docShapes(page);
      for (const id of both) {
        const mine = doc.find((s) => s.id === id)!;
        const room = snapshot.find((s) => s.id === id)!;
        expect(
          near(endOf(mine).x, endOf(room).x, 0.01) && near(endOf(mine).y, endOf(room).y, 0.01),
        ).toBe(true);
      }
    }
    expect([...one.errors.messages, ...two.errors.messages]).toEqual([]);
  });
});

describe("bindings offline", () => {
  test("[BD4] page 2 binds an arrow to B offline while page 1 moves B: it ends on B's edge everywhere", async () => {
    const room = uniqueRoomId("bind-offline");
    const url = `${e2e.server.url}/r/${room}`;
    const one = await openAs("Ann", url);
    const two = await openAs("Bo", url);
    const { b } = await boundPair(one.page, room);
    await waitFor(async () => (await docShapes(two.page)).length === 3, {
      message: "page 2 has the three shapes",
    });

    await two.page.context().setOffline(true);
    await two.page
      .locator('[data-testid="connection-status"][data-state="offline"]')
      .waitFor({ state: "attached" });
    // Offline, page 2 binds a new arrow to B's bottom edge where it last saw B.
    await two.page.keyboard.press("a");
    await dragOnStage(two.page, { x: 700, y: 500 }, { x: 470, y: b.y + b.height + 4 });
    const offline = await waitFor(
      async () =>
        (await docShapes(two.page)).find(
          (s) => s.type === "arrow" && s.endId === b.id && s.startId === undefined,
        ),
      { message: "page 2's offline arrow, bound to B" },
    );
    // Meanwhile page 1 moves B 200 lower, and the room stores it.
    await two.page.keyboard.press("Escape");
    await one.page.keyboard.press("Escape");
    await dragOnStage(one.page, { x: 470, y: 165 }, { x: 470, y: 365 });
    await inSnapshot(
      room,
      (shapes) => near(shapes.find((s) => s.id === b.id)?.y, b.y + 200, 2),
      "B moved in the snapshot",
    );

    await two.page.context().setOffline(false);
    const arrows = await inSnapshot(
      room,
      (shapes) => {
        const ids = shapes.filter((s) => s.type === "arrow").map((s) => s.id);
        return ids.length === 2 && ids.includes(offline.id) && endsOnTargets(shapes, ids) && ids;
      },
      "the offline arrow arrived and ends on B where B is now",
    );
    const snapshot = await fetchSnapshot(e2e.server.url, room);
    expect(near(endOf(snapshot.find((s) => s.id === offline.id)!).y, b.y + 200 + b.height, 1)).toBe(
      true,
    );
    for (const page of [one.page, two.page]) {
      await waitFor(async () => endsOnTargets(await docShapes(page), arrows), {
        message: "each page's document has both arrows on B",
      });
    }
    expect([...one.errors.messages, ...two.errors.messages]).toEqual([]);
  });
});

/** Remote laser trails on a page's stage: their point counts and opacities. */
async function remoteTrails(page: Page): Promise<{ points: number; opacity: number }[]> {
  return page.evaluate(() => {
    type Line = { points(): number[]; opacity(): number };
    const Konva = (window as unknown as { Konva?: { stages: { find(s: string): Line[] }[] } })
      .Konva;
    return (Konva?.stages[0]?.find(".remote-laser") ?? []).map((l) => ({
      points: l.points().length,
      opacity: l.opacity(),
    }));
  });
}

describe("laser pointer", () => {
  test("[LZ5] a viewer's laser shows on the editor's page while dragging, fades, stores nothing", async () => {
    const room = uniqueRoomId("laser");
    const editor = await openAs("Edna", `${e2e.server.url}/r/${room}`);
    await editor.page.locator('[data-testid="share"]').click();
    const viewLink = await waitFor(
      async () => {
        const v = await editor.page.locator('[data-testid="share-view-link"]').inputValue();
        return v.startsWith(`${e2e.server.url}/v/`) ? v : null;
      },
      { message: "the view-only link" },
    );
    await editor.page.keyboard.press("Escape");
    const viewer = await openAs("Vic", viewLink);
    await waitFor(
      async () =>
        (await editor.page.locator('[data-testid="presence-user"]').allTextContents()).includes(
          "Vic",
        ),
      { message: "the editor sees the viewer" },
    );

    await viewer.page.keyboard.press("k");
    await expect
      .poll(() => viewer.page.getByTestId("tool-laser").getAttribute("aria-pressed"))
      .toBe("true");
    const box = await canvasBox(viewer.page);
    await viewer.page.mouse.move(box.x + 200, box.y + 200);
    await viewer.page.mouse.down();
    let step = 0;
    // Keep pointing (one small move per check) until the editor's page draws the trail.
    await waitFor(
      async () => {
        step++;
        await viewer.page.mouse.move(box.x + 200 + (step % 40) * 8, box.y + 200 + (step % 7) * 6);
        const trails = await remoteTrails(editor.page);
        return trails.some((t) => t.points >= 4 && t.opacity > 0.5);
      },
      { message: "the editor's page draws the viewer's laser trail" },
    );
    await viewer.page.mouse.up();
    // Let go: the trail fades out and goes.
    await waitFor(async () => (await remoteTrails(editor.page)).length === 0, {
      message: "the trail fades out after the drag",
    });
    // The laser wrote nothing, and the viewer was never refused anything.
    expect(await fetchSnapshot(e2e.server.url, room)).toEqual([]);
    expect(await docShapes(editor.page)).toEqual([]);
    expect(await editor.page.locator('[data-testid="notice"]').count()).toBe(0);
    expect(await viewer.page.locator('[data-testid="notice"]').count()).toBe(0);
    expect([...editor.errors.messages, ...viewer.errors.messages]).toEqual([]);
  });
});

/** The stage's camera on a page: its position and scale. */
async function stageView(page: Page): Promise<{ x: number; y: number; zoom: number }> {
  return page.evaluate(() => {
    type Stage = { x(): number; y(): number; scaleX(): number };
    const Konva = (window as unknown as { Konva?: { stages: Stage[] } }).Konva;
    const stage = Konva?.stages[0];
    if (!stage) throw new Error("no stage");
    return { x: stage.x(), y: stage.y(), zoom: stage.scaleX() };
  });
}

const shownZoom = async (page: Page) =>
  Number.parseInt(((await page.getByTestId("zoom-value").textContent()) ?? "").trim(), 10);

const sameView = (a: { x: number; y: number; zoom: number }, b: typeof a) =>
  Math.abs(a.zoom - b.zoom) < 0.005 && Math.abs(a.x - b.x) <= 2 && Math.abs(a.y - b.y) <= 2;

describe("bring everyone to my view", () => {
  test("[SM2] the presence list button, then the main menu, move the other page's camera to mine", async () => {
    const room = uniqueRoomId("summon");
    const url = `${e2e.server.url}/r/${room}`;
    const one = await openAs("Ann", url);
    const two = await openAs("Bo", url);
    await waitFor(async () => (await one.page.getByTestId("presence-user").count()) === 1, {
      message: "page 1 sees page 2",
    });

    // Page 1 zooms in twice and pans with the hand tool.
    await one.page.keyboard.press("=");
    await one.page.keyboard.press("=");
    await one.page.keyboard.press("h");
    await dragOnStage(one.page, { x: 600, y: 400 }, { x: 300, y: 250 });
    const zoomed = await stageView(one.page);
    expect(zoomed.zoom).toBeGreaterThan(1);
    expect(await shownZoom(two.page)).toBe(100);

    // Every zoom page 2 shows on the way: a summon glides there, it does not jump.
    await two.page.evaluate(() => {
      const el = document.querySelector('[data-testid="zoom-value"]')!;
      const seen: string[] = [];
      (window as unknown as { __zooms: string[] }).__zooms = seen;
      new MutationObserver(() => seen.push(el.textContent ?? "")).observe(el, {
        subtree: true,
        characterData: true,
        childList: true,
      });
    });
    await one.page.getByTestId("summon-everyone").click();
    // The glide passes within sameView's tolerance a frame or two before it lands, so wait for
    // the zoom shown too: the glide's last step sets the summoner's exact camera.
    const final = await shownZoom(one.page);
    await waitFor(
      async () =>
        sameView(await stageView(two.page), zoomed) && (await shownZoom(two.page)) === final,
      { message: "page 2's camera and zoom move to page 1's (presence list button)" },
    );
    const path = (
      await two.page.evaluate(() => (window as unknown as { __zooms: string[] }).__zooms)
    )
      .map((t) => Number.parseInt(t, 10))
      .filter((z) => z > 100 && z < final);
    expect(path.length, "zooms shown between 100% and the summoner's").toBeGreaterThan(0);

    // Page 2 wanders off; page 1 zooms out and asks again, from the main menu.
    await two.page.keyboard.press("Control+0");
    await waitFor(async () => (await shownZoom(two.page)) === 100, {
      message: "page 2 back to 100%",
    });
    await one.page.keyboard.press("-");
    await one.page.keyboard.press("-");
    await one.page.keyboard.press("-");
    const wide = await stageView(one.page);
    expect(wide.zoom).toBeLessThan(1);
    await one.page.getByTestId("main-menu").click();
    await one.page.getByTestId("menu-summon-everyone").click();
    const wideShown = await shownZoom(one.page);
    await waitFor(
      async () =>
        sameView(await stageView(two.page), wide) && (await shownZoom(two.page)) === wideShown,
      { message: "page 2's camera and zoom move to page 1's again (main menu)" },
    );
    expect(await shownZoom(one.page)).toBe(wideShown);
    // Page 1 itself stayed where it was.
    expect(sameView(await stageView(one.page), wide)).toBe(true);
    expect([...one.errors.messages, ...two.errors.messages]).toEqual([]);
  });
});
