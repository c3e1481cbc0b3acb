/**
 * Presence end to end (issue 3) in a real Chromium against a real `partykit dev`: a labelled
 * cursor follows the other user's mouse, the presence list names them, a shape being dragged
 * moves live for the other user before anything is committed, follow mode copies the other
 * user's viewport, and someone who leaves disappears within 5 s.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { PageErrors } from "../helpers/browser";
import { setupE2E } from "../helpers/e2e";
import { openRoom, setIdentity } from "../helpers/pages";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();

async function openAs(name: string, color: string, roomId: string) {
  const { page, errors } = await e2e.session.newPage(name);
  await setIdentity(page, name, color);
  await openRoom(page, `${e2e.server.url}/r/${roomId}`);
  return { page, errors };
}

/** Where the canvas sits on the page (canvas (0,0) is its top-left at zoom 1). */
async function canvasOrigin(page: Page) {
  const box = await page.locator('[data-testid="canvas"]').boundingBox();
  if (!box) throw new Error("no canvas");
  return box;
}

/** A Konva node's absolute (canvas) position in the page, by name or id, or null. */
async function nodeState(page: Page, selector: string) {
  return page.evaluate((sel) => {
    const Konva = (window as unknown as { Konva?: { stages: { findOne(s: string): unknown }[] } })
      .Konva;
    const stage = Konva?.stages[0];
    const node = stage?.findOne(sel) as
      | { x(): number; y(): number; visible(): boolean; isVisible(): boolean }
      | undefined;
    return node ? { x: node.x(), y: node.y(), visible: node.isVisible() } : null;
  }, selector);
}

async function clientIdOf(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { __sketchroom: { doc: { clientID: number } } }).__sketchroom.doc
        .clientID,
  );
}

describe("presence", () => {
  test("cursor with a name, presence list, live drag, follow, leaving", async () => {
    const roomId = uniqueRoomId("presence");
    const alice = await openAs("Alice", "#e03131", roomId);
    const bob = await openAs("Bob", "#1971c2", roomId);
    const errors: PageErrors[] = [alice.errors, bob.errors];

    // The presence list shows the other user's name.
    await waitFor(
      async () =>
        (await bob.page.locator('[data-testid="presence-user"]').allTextContents()).join() ===
        "Alice",
      {
        timeout: 15_000,
        message: "Bob's presence list to show Alice",
      },
    );
    // The other direction arrives on its own (Bob's presence, a later relay tick, Alice's render).
    await waitFor(
      async () =>
        (await alice.page.locator('[data-testid="presence-user"]').allTextContents()).join() ===
        "Bob",
      { timeout: 15_000, message: "Alice's presence list to show Bob" },
    );

    // Alice moves her mouse: Bob sees her cursor, labelled, arriving at the same canvas point.
    const aliceId = await clientIdOf(alice.page);
    const a = await canvasOrigin(alice.page);
    await alice.page.mouse.move(a.x + 300, a.y + 260);
    await alice.page.mouse.move(a.x + 420, a.y + 330, { steps: 8 });
    const cursor = await waitFor(
      async () => {
        const n = await nodeState(bob.page, `.cursor-${aliceId}`);
        return n?.visible && Math.abs(n.x - 420) < 2 && Math.abs(n.y - 330) < 2 ? n : null;
      },
      { timeout: 10_000, message: "Alice's cursor at (420, 330) on Bob's canvas" },
    );
    expect(cursor.visible).toBe(true);
    const label = await bob.page.evaluate((id) => {
      const Konva = (
        window as unknown as {
          Konva: { stages: { findOne(s: string): { findOne(s: string): { text(): string } } }[] };
        }
      ).Konva;
      return Konva.stages[0]!.findOne(`.cursor-${id}`).findOne("Text").text();
    }, aliceId);
    expect(label).toBe("Alice");

    // Alice draws a rectangle, then drags it without letting go: Bob's canvas shows it moving
    // while the document still holds the old position.
    await alice.page.keyboard.press("r");
    await alice.page.mouse.move(a.x + 500, a.y + 200);
    await alice.page.mouse.down();
    await alice.page.mouse.move(a.x + 600, a.y + 280, { steps: 5 });
    await alice.page.mouse.up();
    const rectId = await waitFor(
      () =>
        bob.page.evaluate(() => {
          const doc = (
            window as unknown as {
              __sketchroom: { doc: { getMap(n: string): Map<string, unknown> } };
            }
          ).__sketchroom.doc;
          return [...doc.getMap("shapes").keys()][0] ?? null;
        }),
      { timeout: 10_000, message: "the rectangle to reach Bob" },
    );
    await alice.page.mouse.move(a.x + 550, a.y + 240);
    await alice.page.mouse.down();
    await alice.page.mouse.move(a.x + 650, a.y + 340, { steps: 10 });
    const live = await waitFor(
      async () => {
        const n = await nodeState(bob.page, `#${rectId}`);
        return n && Math.abs(n.x - 600) < 3 && Math.abs(n.y - 300) < 3 ? n : null;
      },
      { timeout: 10_000, message: "the rectangle to move live on Bob's canvas" },
    );
    expect(live.x).toBeCloseTo(600, 0);
    const committedX = await bob.page.evaluate((id) => {
      const doc = (
        window as unknown as {
          __sketchroom: { doc: { getMap(n: string): Map<string, { get(k: string): unknown }> } };
        }
      ).__sketchroom.doc;
      return doc.getMap("shapes").get(id)!.get("x");
    }, rectId);
    expect(committedX).toBeCloseTo(500, 0);
    await alice.page.mouse.up();
    await waitFor(
      () =>
        bob.page.evaluate((id) => {
          const doc = (
            window as unknown as {
              __sketchroom: {
                doc: { getMap(n: string): Map<string, { get(k: string): unknown }> };
              };
            }
          ).__sketchroom.doc;
          const x = doc.getMap("shapes").get(id)!.get("x") as number;
          return Math.abs(x - 600) < 3;
        }, rectId),
      { timeout: 10_000, message: "the committed move to reach Bob" },
    );

    // Bob follows Alice; Alice pans; Bob's camera centres where Alice's does.
    await bob.page.locator('[data-testid="presence-user"]').first().click();
    await alice.page.mouse.move(a.x + 640, a.y + 400);
    await alice.page.mouse.wheel(300, 200);
    const centreOf = (page: Page) =>
      page.evaluate(() => {
        const hook = (
          window as unknown as {
            __sketchroom: { getView(): { x: number; y: number; zoom: number } };
          }
        ).__sketchroom;
        const v = hook.getView();
        const el = document.querySelector('[data-testid="canvas"]')!;
        return { x: (el.clientWidth / 2 - v.x) / v.zoom, y: (el.clientHeight / 2 - v.y) / v.zoom };
      });
    await waitFor(
      async () => {
        const [ca, cb] = [await centreOf(alice.page), await centreOf(bob.page)];
        return Math.abs(ca.x - cb.x) < 1 && Math.abs(ca.y - cb.y) < 1 && Math.abs(ca.x - 640) > 50;
      },
      { timeout: 10_000, message: "Bob's view to follow Alice's pan" },
    );

    for (const e of errors) expect(e.messages).toEqual([]);

    // Alice leaves: she disappears from Bob's list within 5 s.
    await alice.page.close();
    const left = Date.now();
    await waitFor(
      async () => (await bob.page.locator('[data-testid="presence-user"]').count()) === 0,
      {
        timeout: 5_000,
        message: "Alice to disappear from Bob's presence list",
      },
    );
    expect(Date.now() - left).toBeLessThan(5_000);
  });

  test("a stroke being drawn shows for the other user before it is committed, then lands", async () => {
    const roomId = uniqueRoomId("drafts");
    const alice = await openAs("Alice", "#e03131", roomId);
    const bob = await openAs("Bob", "#1971c2", roomId);
    const drafts = (page: Page) =>
      page.evaluate(() => {
        type Node = { getChildren(): { getClassName(): string }[] };
        const Konva = (window as unknown as { Konva: { stages: { findOne(s: string): Node }[] } })
          .Konva;
        return Konva.stages[0]!.findOne(".remote-drafts")
          .getChildren()
          .map((n) => n.getClassName());
      });
    const committed = (page: Page) =>
      page.evaluate(
        () =>
          (
            window as unknown as {
              __sketchroom: {
                doc: { getMap(n: string): Map<string, { get(k: string): unknown }> };
              };
            }
          ).__sketchroom.doc.getMap("shapes").size,
      );
    await waitFor(
      async () => (await bob.page.locator('[data-testid="presence-user"]').count()) === 1,
      {
        timeout: 15_000,
        message: "Bob to see Alice in the room",
      },
    );

    // Alice draws with the pen and keeps the button down: Bob sees the stroke, nothing is stored.
    const a = await canvasOrigin(alice.page);
    await alice.page.keyboard.press("p");
    await alice.page.mouse.move(a.x + 300, a.y + 300);
    await alice.page.mouse.down();
    await alice.page.mouse.move(a.x + 420, a.y + 360, { steps: 12 });
    await alice.page.mouse.move(a.x + 520, a.y + 300, { steps: 12 });
    await waitFor(async () => (await drafts(bob.page)).length === 1, {
      timeout: 10_000,
      message: "Alice's stroke in progress on Bob's canvas",
    });
    expect(await committed(bob.page)).toBe(0);
    expect(await committed(alice.page)).toBe(0);

    // She lets go: the stroke is committed and the draft disappears.
    await alice.page.mouse.up();
    await waitFor(
      async () => (await committed(bob.page)) === 1 && (await drafts(bob.page)).length === 0,
      {
        timeout: 10_000,
        message: "the committed stroke on Bob's canvas and no draft left",
      },
    );
    for (const e of [alice.errors, bob.errors]) expect(e.messages).toEqual([]);
  });
});
