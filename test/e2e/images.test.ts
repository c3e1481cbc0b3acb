/**
 * Images through the real UI in Chromium (issue 12), checked in a second browser's pixels, the
 * room's snapshot and the room's asset endpoint: what everyone else gets, not what the adding
 * page thinks.
 *
 *  [IM5] A pasted image (a PNG file in a paste event, as a screenshot arrives) is centred at the
 *        pointer, stored by the room under its SHA-256, and painted in a second browser.
 *  [IM6] An image file dropped on the canvas lands centred at the drop point.
 *  [IM7] The toolbar's image button opens a file picker; the picked file lands at the viewport's
 *        centre, scaled to fit half the viewport.
 *  [IM8] An image added while the server is down shows at once from this device's copy, and
 *        reaches the room (and the other page) once the server is back.
 *  [IM9] An image whose bytes the room does not have yet shows a placeholder, then the picture
 *        once another client uploads them (retry with backoff).
 *  [IM10] A view-only link shows images (through its own party), and a drop there adds nothing.
 *  [IM11] Exports carry images: PNG untainted, SVG with data: URLs, JSON with the bytes, which
 *         an import into another room uploads there.
 *  [IM12] A picture of a type the room refuses, or a GIF over the cap, is refused on the device
 *         with a notice; no shape, no upload.
 *  [IM14] An image copied in one room and pasted into another (another tab of the same browser)
 *         reaches the second room and a second browser there, though this browser never had the
 *         bytes before the copy (they came from the room).
 *  [IM15] A room whose shapes name a picture it has no bytes for gets them from the first
 *         editor's browser that has a copy and opens it; a second browser then paints it.
 *  [IM13] This device's copy of a picture unused for 30 days is dropped when a room opens; one
 *         still waiting to upload is kept, and uploads once its room is back. (The month is the only
 *         thing faked: the test ages the copies' recorded use in IndexedDB.)
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import * as Y from "yjs";
import { getShapes } from "../../src/shared/doc";
import { roomHelpers, setupE2E } from "../helpers/e2e";
import { canvasBox, near, openRoom, STATUS, shapesIn } from "../helpers/pages";
import { paintedAt } from "../helpers/pixels";
import { sha256Hex, solidPng } from "../helpers/png";
import { addShapes, fetchSnapshot, makeShape } from "../helpers/shapes";
import { waitFor } from "../helpers/wait";
import { connectPeer, uniqueRoomId } from "../helpers/yclient";

const e2e = setupE2E();
const { openNewRoom, inSnapshot } = roomHelpers(e2e, "images");

beforeEach(async () => {
  // A test that failed while the server was down must not take the next one with it.
  if (e2e.server.pid === null) await e2e.server.restart();
});

const RED = [230, 30, 30, 255] as const;
const BLUE = [30, 60, 220, 255] as const;
const GREEN = [40, 170, 60, 255] as const;

/** The RGBA painted at canvas point (x, y) on the shapes layer (zoom 1, new room's camera). */
function colorAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const c = document.querySelector('[data-testid="canvas"] canvas') as HTMLCanvasElement;
      const ratio = c.width / (c.clientWidth || c.width);
      const d = c
        .getContext("2d")
        ?.getImageData(Math.round(px * ratio), Math.round(py * ratio), 1, 1);
      return d ? [...d.data] : [];
    },
    [x, y] as const,
  );
}

const sameColor = (got: number[], want: readonly number[], tolerance = 12) =>
  got.length === 4 && got.every((v, i) => Math.abs(v - want[i]!) <= tolerance);

async function waitForColor(
  page: Page,
  x: number,
  y: number,
  want: readonly number[],
  what: string,
) {
  await waitFor(async () => sameColor(await colorAt(page, x, y), want), {
    timeout: 30_000,
    message: `${what} (last colour ${JSON.stringify(await colorAt(page, x, y))})`,
  });
}

/** Dispatches a real paste event whose clipboard holds `bytes` as a file, as a screenshot paste does. */
async function pasteFile(page: Page, bytes: Buffer, name: string, type: string): Promise<void> {
  await page.evaluate(
    ([b64, n, t]) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], n, { type: t }));
      document.body.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }),
      );
    },
    [bytes.toString("base64"), name, type] as const,
  );
}

/** Drops `bytes` as a file on the canvas at canvas point (x, y) (dragenter, dragover, drop). */
async function dropFile(
  page: Page,
  bytes: Buffer,
  name: string,
  type: string,
  x: number,
  y: number,
) {
  const box = await canvasBox(page);
  await page.evaluate(
    ([b64, n, t, cx, cy]) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], n, { type: t }));
      const target = document.elementFromPoint(cx, cy) ?? document.body;
      for (const kind of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(
          new DragEvent(kind, {
            dataTransfer: dt,
            clientX: cx,
            clientY: cy,
            bubbles: true,
            cancelable: true,
          }),
        );
      }
    },
    [bytes.toString("base64"), name, type, box.x + x, box.y + y] as const,
  );
}

async function assetBytes(room: string, hash: string, party = "main"): Promise<Buffer | null> {
  const res = await fetch(`${e2e.server.url}/parties/${party}/${room}/assets/${hash}`, {
    signal: AbortSignal.timeout(10_000),
  });
  return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
}

async function waitForAsset(room: string, hash: string, bytes: Buffer, timeout = 30_000) {
  const got = await waitFor(() => assetBytes(room, hash), {
    timeout,
    message: `the room serves asset ${hash.slice(0, 8)}…`,
  });
  expect(got.equals(bytes)).toBe(true);
}

/** The hashes this device keeps a copy of (IndexedDB, src/assets/localStore.ts). */
function deviceCopies(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("sketchroom-assets");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction("blobs").objectStore("blobs").getAllKeys();
          req.onsuccess = () => {
            open.result.close();
            // The store also holds `used:<hash>` records beside the bytes.
            resolve((req.result as string[]).filter((k) => /^[0-9a-f]{64}$/.test(k)).sort());
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** Moves every copy's last recorded use `days` into the past, as if the device sat unused. */
function ageDeviceCopies(page: Page, days: number): Promise<number> {
  return page.evaluate(
    (ms) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("sketchroom-assets");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction("blobs", "readwrite");
          const used = IDBKeyRange.bound("used:", "used:\uffff");
          let n = 0;
          tx.objectStore("blobs").openCursor(used).onsuccess = (e) => {
            const cursor = (e.target as IDBRequest<IDBCursorWithValue | null>).result;
            if (!cursor) return;
            cursor.update({ ...cursor.value, at: cursor.value.at - ms });
            n++;
            cursor.continue();
          };
          tx.oncomplete = () => {
            open.result.close();
            resolve(n);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    days * 24 * 60 * 60_000,
  );
}

async function secondPage(room: string, label: string): Promise<Page> {
  const { page } = await e2e.session.newPage(label);
  await openRoom(page, `${e2e.server.url}/r/${room}`);
  return page;
}

describe("images", () => {
  test("[IM5] a pasted image is stored under its hash and painted in a second browser", async () => {
    const png = solidPng(200, 100, RED);
    const hash = sha256Hex(png);
    const { page, errors, room } = await openNewRoom("paste");
    const other = await secondPage(room, "paste-b");
    const box = await canvasBox(page);
    await page.mouse.move(box.x + 300, box.y + 250);
    await pasteFile(page, png, "red.png", "image/png");

    const image = await inSnapshot(
      room,
      (shapes) => shapes.find((s) => s.type === "image"),
      "an image shape in the snapshot",
    );
    expect(image.asset).toBe(hash);
    expect(image.mime).toBe("image/png");
    for (const [k, want] of Object.entries({ x: 200, y: 200, width: 200, height: 100 })) {
      expect(near(image[k as "x"], want), `${k} = ${image[k as "x"]}`).toBe(true);
    }
    await waitForAsset(room, hash, png);
    await waitForColor(other, 300, 250, RED, "the second browser paints the pasted image");
    await waitForColor(page, 210, 210, RED, "the pasting page paints it too");
    expect(errors.messages).toEqual([]);
  }, 90_000);

  test("[IM6] an image file dropped on the canvas lands centred at the drop point", async () => {
    const png = solidPng(120, 80, BLUE);
    const { page, errors, room } = await openNewRoom("drop");
    await dropFile(page, png, "blue.png", "image/png", 500, 300);
    const image = await inSnapshot(
      room,
      (shapes) => shapes.find((s) => s.type === "image"),
      "the dropped image in the snapshot",
    );
    expect(image.asset).toBe(sha256Hex(png));
    for (const [k, want] of Object.entries({ x: 440, y: 260, width: 120, height: 80 })) {
      expect(near(image[k as "x"], want), `${k} = ${image[k as "x"]}`).toBe(true);
    }
    await waitForAsset(room, sha256Hex(png), png);
    await waitForColor(page, 500, 300, BLUE, "the dropping page paints the image");
    expect(errors.messages).toEqual([]);
  }, 90_000);

  test("[IM7] the toolbar's image button picks a file; a large one is scaled to half the viewport", async () => {
    const png = solidPng(3000, 1000, GREEN);
    const { page, errors, room } = await openNewRoom("picker");
    const [chooser] = await Promise.all([
      page.waitForEvent("filechooser"),
      page.getByTestId("insert-image").click(),
    ]);
    await chooser.setFiles({ name: "green.png", mimeType: "image/png", buffer: png });
    const image = await inSnapshot(
      room,
      (shapes) => shapes.find((s) => s.type === "image"),
      "the picked image in the snapshot",
    );
    const view = await canvasBox(page);
    // 3000 px wide is over the 2048 px edge: the stored picture is downscaled, hence another hash.
    expect(image.asset).not.toBe(sha256Hex(png));
    expect(image.width / image.height).toBeCloseTo(3, 1);
    expect(image.width).toBeLessThanOrEqual(view.width / 2 + 1);
    expect(image.height).toBeLessThanOrEqual(view.height / 2 + 1);
    const cx = image.x + image.width / 2;
    const cy = image.y + image.height / 2;
    expect(near(cx, view.width / 2, 2) && near(cy, view.height / 2, 2), `${cx}, ${cy}`).toBe(true);
    // Selected, the picture's style panel offers what applies to it: opacity, not stroke or fill.
    const panel = page.getByTestId("style-panel");
    await panel.getByRole("button", { name: "Opacity 50%" }).waitFor({ timeout: 5_000 });
    expect(await panel.getByRole("button", { name: /^(Fill|Stroke) / }).count()).toBe(0);
    const stored = await waitFor(() => assetBytes(room, image.asset!), {
      timeout: 30_000,
      message: "the room serves the downscaled asset",
    });
    expect(sha256Hex(stored)).toBe(image.asset);
    expect(stored.readUInt32BE(16)).toBe(2048); // PNG IHDR width: the longest edge
    await waitForColor(page, cx, cy, GREEN, "the page paints the picked image");
    expect(errors.messages).toEqual([]);
  }, 90_000);

  test("[IM8] an image added while the server is down shows at once and reaches the room after a restart", async () => {
    const png = solidPng(160, 90, BLUE);
    const hash = sha256Hex(png);
    const room = uniqueRoomId("images-offline");
    const a = await secondPage(room, "offline-a");
    const b = await secondPage(room, "offline-b");
    // The page loads its image code as the room opens; a user offline later relies on that.
    await waitFor(() =>
      a.evaluate(() =>
        performance.getEntriesByType("resource").some((e) => /\/lazy-[^/]*\.js$/.test(e.name)),
      ),
    );
    await e2e.server.kill();
    await waitFor(
      async () => (await a.locator(STATUS).getAttribute("data-state")) !== "connected",
      { timeout: 20_000, message: "A's badge leaves connected once the server is gone" },
    );
    const box = await canvasBox(a);
    await a.mouse.move(box.x + 400, box.y + 300);
    await pasteFile(a, png, "offline.png", "image/png");
    // From this device's copy: nothing can have come from the room.
    await waitForColor(a, 400, 300, BLUE, "A paints its offline image at once");
    const added = await waitFor(async () => (await shapesIn(a)).find((s) => s.type === "image"), {
      message: "A's document holds the image shape",
    });
    expect(added.asset).toBe(hash);

    await e2e.server.restart();
    await waitForAsset(room, hash, png, 60_000);
    await waitForColor(b, 400, 300, BLUE, "B paints A's offline image after the restart");
    expect((await fetchSnapshot(e2e.server.url, room)).find((s) => s.type === "image")?.asset).toBe(
      hash,
    );
  }, 150_000);

  test("[IM13] a device copy unused for a month is dropped when a room opens; one waiting to upload stays", async () => {
    const [red, blue] = [solidPng(120, 80, RED), solidPng(120, 80, BLUE)];
    const [redHash, blueHash] = [sha256Hex(red), sha256Hex(blue)];
    const room = uniqueRoomId("images-prune");
    const a = await secondPage(room, "prune-a");
    const box = await canvasBox(a);
    await a.mouse.move(box.x + 200, box.y + 200);
    await pasteFile(a, red, "red.png", "image/png");
    await waitForAsset(room, redHash, red);
    // The room has red; blue is added while the server is down, so it waits in the queue.
    await e2e.server.kill();
    await waitFor(
      async () => (await a.locator(STATUS).getAttribute("data-state")) !== "connected",
      { timeout: 20_000, message: "A's badge leaves connected once the server is gone" },
    );
    await a.mouse.move(box.x + 500, box.y + 300);
    await pasteFile(a, blue, "blue.png", "image/png");
    await waitForColor(a, 500, 300, BLUE, "A paints its offline image");
    await waitFor(async () => (await deviceCopies(a)).length === 2, {
      message: "both pictures are in this device's copies",
    });
    expect(await deviceCopies(a)).toEqual([redHash, blueHash].sort());

    expect(await ageDeviceCopies(a, 31)).toBe(2);
    // A month later the user opens another board (the server still down: the page comes from
    // the service worker). Neither picture is shown there, so neither copy is used again.
    await a.goto(`${e2e.server.url}/r/${uniqueRoomId("images-prune-other")}`);
    await waitFor(async () => (await deviceCopies(a)).length === 1, {
      timeout: 30_000,
      message: "the month-old copy the room has is dropped",
    });
    expect(await deviceCopies(a)).toEqual([blueHash]);
    // Back on the first board once the server is back: blue uploads from the copy kept for it,
    // and red comes from the room.
    await e2e.server.restart();
    await a.goto(`${e2e.server.url}/r/${room}`);
    await waitForAsset(room, blueHash, blue, 60_000);
    await waitForColor(a, 500, 300, BLUE, "A paints blue");
    await waitForColor(a, 200, 200, RED, "A paints red from the room");
  }, 150_000);

  test("[IM14] an image copied from one room and pasted into another reaches the second room", async () => {
    const png = solidPng(140, 100, GREEN);
    const hash = sha256Hex(png);
    const from = uniqueRoomId("images-copy-from");
    const to = uniqueRoomId("images-copy-to");
    // Room one gets the picture from a plain HTTP client and a Yjs peer: the browser below only
    // ever sees it through the room.
    const res = await fetch(`${e2e.server.url}/parties/main/${from}/assets/${hash}`, {
      method: "PUT",
      body: new Uint8Array(png),
      headers: { "content-type": "image/png" },
    });
    expect(res.status).toBe(201);
    const peer = await connectPeer(e2e.server.wsUrl, from);
    try {
      await peer.synced;
      const shape = {
        x: 240,
        y: 190,
        width: 140,
        height: 100,
        asset: hash,
        mime: "image/png" as const,
      };
      addShapes(peer.doc, [makeShape({ type: "image", ...shape })]);
      const a = await secondPage(from, "copy-a");
      await waitForColor(a, 310, 240, GREEN, "A paints room one's image");
      expect(await deviceCopies(a)).toEqual([]);

      // Select it, and copy: the copy event the browser fires for Ctrl+C.
      const box = await canvasBox(a);
      await a.mouse.click(box.x + 310, box.y + 240);
      const json = await a.evaluate(() => {
        const dt = new DataTransfer();
        document.dispatchEvent(
          new ClipboardEvent("copy", { clipboardData: dt, bubbles: true, cancelable: true }),
        );
        return dt.getData("text/plain");
      });
      expect(json).toContain(hash);

      // Another tab of the same browser, on room two: paste at the pointer.
      const b = await a.context().newPage();
      await openRoom(b, `${e2e.server.url}/r/${to}`);
      const bBox = await canvasBox(b);
      await b.mouse.move(bBox.x + 500, bBox.y + 300);
      await b.evaluate((text) => {
        const dt = new DataTransfer();
        dt.setData("text/plain", text);
        document.dispatchEvent(
          new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }),
        );
      }, json);
      const pasted = await waitFor(
        async () => (await fetchSnapshot(e2e.server.url, to)).find((s) => s.type === "image"),
        { message: "the pasted image shape in room two" },
      );
      expect(pasted.asset).toBe(hash);
      await waitForAsset(to, hash, png);
      const c = await secondPage(to, "copy-c");
      const [cx, cy] = [pasted.x + pasted.width / 2, pasted.y + pasted.height / 2];
      await waitForColor(c, cx, cy, GREEN, "a second browser paints the pasted image in room two");
    } finally {
      await peer.close();
    }
  }, 120_000);

  test("[IM15] a browser that has a picture heals a room that lacks its bytes", async () => {
    const png = solidPng(130, 90, BLUE);
    const hash = sha256Hex(png);
    const first = uniqueRoomId("images-heal-a");
    const second = uniqueRoomId("images-heal-b");
    // A's browser adds the picture to room one, so this device has a copy.
    const a = await secondPage(first, "heal-a");
    const box = await canvasBox(a);
    await a.mouse.move(box.x + 300, box.y + 250);
    await pasteFile(a, png, "blue.png", "image/png");
    await waitForAsset(first, hash, png);
    // Room two gets a shape naming it from a client without the bytes; B sees a placeholder.
    const peer = await connectPeer(e2e.server.wsUrl, second);
    try {
      await peer.synced;
      const at = { x: 200, y: 150, width: 130, height: 90 };
      addShapes(peer.doc, [
        makeShape({ type: "image", ...at, asset: hash, mime: "image/png" as const }),
      ]);
      const b = await secondPage(second, "heal-b");
      await waitFor(async () => (await shapesIn(b)).some((s) => s.type === "image"), {
        message: "B's document holds the image shape",
      });
      expect(await assetBytes(second, hash)).toBeNull();
      expect(sameColor(await colorAt(b, 265, 195), BLUE)).toBe(false);
      // A opens room two: it draws the picture from its copy and gives the room the bytes.
      await a.goto(`${e2e.server.url}/r/${second}`);
      await waitForAsset(second, hash, png);
      await waitForColor(
        b,
        265,
        195,
        BLUE,
        "B paints the picture once A's browser healed the room",
      );
    } finally {
      await peer.close();
    }
  }, 120_000);

  test("[IM9] an image whose bytes are not in the room yet shows a placeholder, then the picture once uploaded", async () => {
    const png = solidPng(200, 120, GREEN);
    const hash = sha256Hex(png);
    const { page, errors, room } = await openNewRoom("missing");
    let misses = 0;
    page.on("response", (r) => {
      if (r.url().endsWith(`/assets/${hash}`) && r.status() === 404) misses++;
    });
    // Another client writes the shape but has not uploaded the bytes (still offline, say).
    const peer = await connectPeer(e2e.server.wsUrl, room);
    try {
      await peer.synced;
      peer.doc.transact(() => {
        const m = new Y.Map<unknown>();
        for (const [k, v] of Object.entries({
          type: "image",
          x: 100,
          y: 100,
          width: 200,
          height: 120,
          asset: hash,
          mime: "image/png",
          z: "a5",
        })) {
          m.set(k, v);
        }
        getShapes(peer.doc).set("late-image", m as never);
      });
      await waitForColor(
        page,
        120,
        110,
        [0xf1, 0xf3, 0xf5, 255],
        "the page paints the placeholder",
      );
      // The page has asked the room and been told "not yet": what follows can only be a retry.
      await waitFor(() => misses > 0, { message: "the page's GET of the asset answered 404" });
      expect(await assetBytes(room, hash)).toBeNull();

      const res = await fetch(`${e2e.server.url}/parties/main/${room}/assets/${hash}`, {
        method: "PUT",
        headers: { "content-type": "image/png" },
        body: new Uint8Array(png),
      });
      expect(res.status).toBe(201);
      await waitForColor(page, 120, 110, GREEN, "the page paints the picture once it is uploaded");
      expect(errors.messages.filter((m) => !/404/.test(m))).toEqual([]);
    } finally {
      await peer.close();
    }
  }, 90_000);

  test("[IM10] a view link shows images through its own party, and a drop there adds nothing", async () => {
    const png = solidPng(100, 100, RED);
    const hash = sha256Hex(png);
    const { page, room } = await openNewRoom("viewer");
    await dropFile(page, png, "red.png", "image/png", 300, 200);
    await waitForAsset(room, hash, png);
    await page.locator('[data-testid="share"]').click();
    const viewLink = await waitFor(
      async () => {
        const v = await page.locator('[data-testid="share-view-link"]').inputValue();
        return v.includes("/v/") ? v : null;
      },
      { message: "the view-only link in the Share menu" },
    );
    const viewId = viewLink.split("/v/")[1]!;
    const { page: viewer } = await e2e.session.newPage("viewer");
    await openRoom(viewer, viewLink);
    await waitForColor(viewer, 300, 200, RED, "the viewer paints the image");
    expect(await assetBytes(viewId, hash, "view")).not.toBeNull();
    const viewerRequests: string[] = [];
    viewer.on("request", (r) => {
      if (r.url().includes("/assets/")) viewerRequests.push(`${r.method()} ${r.url()}`);
    });
    await dropFile(viewer, solidPng(50, 50, GREEN), "green.png", "image/png", 600, 400);
    await pasteFile(viewer, solidPng(50, 50, BLUE), "blue.png", "image/png");
    expect(await viewer.getByTestId("insert-image").isDisabled()).toBe(true);
    // The page made no shape and sent no upload; the room holds the one image.
    expect((await shapesIn(viewer)).filter((s) => s.type === "image")).toHaveLength(1);
    expect(viewerRequests.filter((r) => r.startsWith("PUT"))).toEqual([]);
    expect(await paintedAt(viewer, 600, 400)).toBe(false);
    expect(
      (await fetchSnapshot(e2e.server.url, room)).filter((s) => s.type === "image"),
    ).toHaveLength(1);
  }, 90_000);

  test("[IM11] exports carry images: PNG drawn untainted, SVG with a data: URL, JSON with the bytes, which an import re-uploads elsewhere", async () => {
    const png = solidPng(90, 60, RED);
    const hash = sha256Hex(png);
    const { page, errors, room } = await openNewRoom("export");
    await dropFile(page, png, "red.png", "image/png", 300, 200);
    await waitForAsset(room, hash, png);
    await waitForColor(page, 300, 200, RED, "the page paints the image");
    const menuItem = async (p: Page, testId: string) => {
      await p.getByTestId("main-menu").click();
      await p.getByTestId(testId).click();
    };
    const download = async (p: Page, testId: string) => {
      const [file] = await Promise.all([p.waitForEvent("download"), menuItem(p, testId)]);
      return readFileSync(await file.path());
    };
    // A tainted canvas would throw in toDataURL and no file would come.
    const pngOut = await download(page, "export-png");
    expect([...pngOut.subarray(0, 4)]).toEqual([137, 80, 78, 71]);
    const svg = (await download(page, "export-svg")).toString("utf8");
    expect(svg).toContain(`href="data:image/png;base64,${png.toString("base64")}"`);
    const json = JSON.parse((await download(page, "export-json")).toString("utf8")) as {
      shapes: { type: string; asset?: string }[];
      assets: Record<string, { type: string; data: string }>;
    };
    expect(json.shapes.find((s) => s.type === "image")?.asset).toBe(hash);
    expect(json.assets[hash]).toEqual({ type: "image/png", data: png.toString("base64") });

    const target = uniqueRoomId("images-import");
    const { page: other, errors: otherErrors } = await e2e.session.newPage("importer");
    await openRoom(other, `${e2e.server.url}/r/${target}`);
    const [chooser] = await Promise.all([
      other.waitForEvent("filechooser"),
      menuItem(other, "import-json"),
    ]);
    await chooser.setFiles({
      name: "board.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(json)),
    });
    const imported = await inSnapshot(
      target,
      (shapes) => shapes.find((s) => s.type === "image"),
      "the imported image in the other room",
    );
    expect(imported.asset).toBe(hash);
    await waitForAsset(target, hash, png);
    expect([...errors.messages, ...otherErrors.messages]).toEqual([]);
  }, 120_000);

  test("[IM12] a picture that cannot be added (type, size) is refused on the device with a notice, and nothing is written", async () => {
    const { page, errors, room } = await openNewRoom("refused");
    const notice = page.getByTestId("notice");
    await pasteFile(page, Buffer.from("BM not really a bitmap"), "x.bmp", "image/bmp");
    await waitFor(
      async () => /PNG, JPEG, GIF, WebP or SVG/.test((await notice.textContent()) ?? ""),
      {
        message: "a notice names the types a room accepts",
      },
    );
    // A GIF is never re-encoded: over the cap it is refused before any upload.
    const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(4 * 1024 * 1024 + 10, 7)]);
    await pasteFile(page, gif, "huge.gif", "image/gif");
    await waitFor(async () => /most a room stores/.test((await notice.textContent()) ?? ""), {
      message: "a notice says the GIF is too large",
    });
    expect((await shapesIn(page)).filter((s) => s.type === "image")).toEqual([]);
    const listed = (await (
      await fetch(`${e2e.server.url}/parties/main/${room}/assets`)
    ).json()) as { assets: unknown[] };
    expect(listed.assets).toEqual([]);
    expect(errors.messages).toEqual([]);
  }, 60_000);
});
