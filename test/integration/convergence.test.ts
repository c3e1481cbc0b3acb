/**
 * Convergence through a real `partykit dev` with the real client (issue 5): 3–4 RoomClients, each
 * behind its own TCP proxy that randomly cuts its connection, apply random operations of every
 * tool through the client's own document model (`ShapeStore`): create, edit, type, reorder,
 * delete, clear the board, undo and redo, and some invalid writes the room must repair (C8). A
 * view-only client writes too; the room refuses it and it rolls back as the app does (C9). After
 * each op its local effect is checked (undo touches only the client's own shapes, C6; to front /
 * to back and clear take effect at once, C4/C7). When the network settles, every replica holds
 * identical, schema-valid shapes, the room's HTTP snapshot agrees, and holds nothing the
 * view-only client wrote.
 *
 * Seeded: the seed is in the test name and in every failure message. Override with
 * CONVERGENCE_IT_SEEDS=1,2,3 and CONVERGENCE_IT_OPS=n. Rules cited: docs/conflicts.md C1–C10.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import WS from "ws";
import * as Y from "yjs";
import { LOCAL_ORIGIN } from "../../src/doc/origin";
import { ShapeStore } from "../../src/doc/shapeStore";
import type { ZMove } from "../../src/doc/zorder";
import { createRoomClient } from "../../src/net/roomClient";
import type { RoomClient } from "../../src/net/types";
import { getShapes, readShapes, shapeToJSON, shapeToYMap } from "../../src/shared/doc";
import { checkShape, SHAPE_TYPES, type Shape, type ShapeType } from "../../src/shared/schema";
import { type DevServer, startDevServer } from "../helpers/devServer";
import { type SeededRandom, seededRandom } from "../helpers/prng";
import { connectNodeClient, type NodeClient } from "../helpers/resilience";
import { fetchSnapshot } from "../helpers/shapes";
import { startTcpProxy, type TcpProxy } from "../helpers/tcpProxy";
import { waitFor } from "../helpers/wait";
import { uniqueRoomId } from "../helpers/yclient";

const SEEDS = (process.env.CONVERGENCE_IT_SEEDS ?? "1,2,3").split(",").map(Number);
const OPS = Number(process.env.CONVERGENCE_IT_OPS ?? 60);

type Rng = SeededRandom;

const COLOURS = ["#1e1e1e", "#e03131", "#2f9e44", "#1971c2"];
const IDS = Array.from({ length: 10 }, (_, i) => `shape${i}`);

function newShape(rng: Rng, id: string): Shape {
  const type = rng.pick(SHAPE_TYPES) as ShapeType;
  const points = type === "line" || type === "arrow" || type === "pen";
  return {
    id,
    type,
    x: rng.int(800),
    y: rng.int(600),
    width: points ? 0 : 20 + rng.int(200),
    height: points ? 0 : 20 + rng.int(200),
    rotation: 0,
    points: points ? [0, 0, rng.int(200), rng.int(200)] : [],
    stroke: rng.pick(COLOURS),
    fill: type === "sticky" ? "#ffec99" : "transparent",
    strokeWidth: 2,
    text: type === "text" || type === "sticky" ? "note" : "",
    fontSize: type === "text" || type === "sticky" ? rng.pick([16, 20, 28]) : 0,
    z: `a${rng.int(10)}`,
  };
}

/** A replica driven through the client's document model, as the UI drives it. */
class Replica {
  readonly store: ShapeStore;
  /** Shapes this replica has written locally: all its undo may touch (C6). */
  readonly written = new Set<string>();
  /** What the last undo or redo changed. */
  undoChanged = new Set<string>();

  constructor(readonly client: RoomClient) {
    const doc = client.doc;
    this.store = new ShapeStore(doc);
    const shapes = getShapes(doc) as unknown as Y.AbstractType<unknown>;
    doc.on("afterTransaction", (tr: Y.Transaction) => {
      if (tr.origin !== LOCAL_ORIGIN && tr.origin !== this.store.undoManager) return;
      const ids = new Set<string>();
      for (const [type, keys] of tr.changed) {
        let t = type as unknown as Y.AbstractType<unknown>;
        if (t === shapes) {
          for (const k of keys) if (k !== null) ids.add(k);
          continue;
        }
        while (t._item && t._item.parent !== shapes) t = t._item.parent as Y.AbstractType<unknown>;
        if (t._item?.parentSub) ids.add(t._item.parentSub);
      }
      if (tr.origin === LOCAL_ORIGIN) for (const id of ids) this.written.add(id);
      else this.undoChanged = ids;
    });
  }

  destroy(): void {
    this.store.destroy();
    this.client.destroy();
  }
}

/** One random op on one replica, as the UI would make it; checks its local effect. */
function randomEdit(rng: Rng, r: Replica, idPool: readonly string[] = IDS): string {
  const { store } = r;
  const doc = r.client.doc;
  const shapes = getShapes(doc);
  const roll = rng.int(100);
  const id = rng.pick(idPool);
  const entry = shapes.get(id);
  if (roll < 10) {
    r.undoChanged = new Set();
    const redo = rng.chance(0.3);
    if (redo) store.redo();
    else store.undo();
    const stray = [...r.undoChanged].filter((x) => !r.written.has(x));
    if (stray.length > 0)
      throw new Error(`[C6] ${redo ? "redo" : "undo"} changed others' ${stray}`);
    return redo ? "redo" : "undo";
  }
  if (roll < 16) {
    const visible = readShapes(doc);
    if (visible.length === 0) return "noop";
    const picked = new Set([rng.pick(visible).id, rng.pick(visible).id]);
    const move = rng.pick<ZMove>(["front", "back", "forward", "backward"]);
    store.moveZ([...picked], move);
    const order = readShapes(doc).map((x) => x.id);
    const ends = move === "front" ? order.slice(-picked.size) : order.slice(0, picked.size);
    if ((move === "front" || move === "back") && ends.some((x) => !picked.has(x))) {
      throw new Error(`[C4] ${move} ${[...picked]} left the paint order ${order}`);
    }
    return `z ${move} ${[...picked]}`;
  }
  if (roll < 19) {
    store.remove([...shapes.keys()]);
    if (shapes.size > 0) throw new Error(`[C7] clear left ${[...shapes.keys()]}`);
    return "clear";
  }
  if (roll < 40 || !(entry instanceof Y.Map)) {
    const shape = newShape(rng, id);
    store.transact(() => shapes.set(id, shapeToYMap(shape)));
    return `create ${shape.type} ${id}`;
  }
  if (roll < 45) {
    // Invalid: the room must repair (C8) — non-finite x, bad colour. Not an undoable UI edit.
    doc.transact(() => {
      entry.set("x", Number.POSITIVE_INFINITY);
      entry.set("stroke", "red");
    });
    return `invalid ${id}`;
  }
  store.transact(() => {
    switch (rng.int(5)) {
      case 0:
        entry.set("x", rng.int(800));
        entry.set("y", rng.int(600));
        break;
      case 1:
        entry.set("stroke", rng.pick(COLOURS));
        break;
      case 2: {
        const text = entry.get("text");
        if (text instanceof Y.Text)
          text.insert(rng.int(text.length + 1), rng.pick(["a", "bc", " "]));
        break;
      }
      case 3:
        entry.set("rotation", rng.int(360));
        break;
      default:
        shapes.delete(id);
    }
  });
  return `edit ${id}`;
}

/** JSON with sorted keys: map iteration order may differ between replicas, content may not. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

let server: DevServer;

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await server?.dispose();
});

const RO_IDS = Array.from({ length: 4 }, (_, i) => `ro-${i}`);

describe("convergence through a real partykit dev", () => {
  for (const seed of SEEDS) {
    test(`[C1-C10] seed ${seed}: replicas with random drops, undo, reorders, clears and a refused view-only writer converge on identical, valid shapes`, async () => {
      const rng = seededRandom(seed);
      const roomId = uniqueRoomId(`conv${seed}`);
      const count = 3 + rng.int(2);
      const proxies: TcpProxy[] = [];
      const clients: NodeClient[] = [];
      const replicas: Replica[] = [];
      let viewer: Replica | null = null;
      let viewerRollbacks = 0;
      let viewerWrites = 0;
      const log: string[] = [];
      try {
        for (let i = 0; i < count; i++) {
          const proxy = await startTcpProxy(server.port);
          proxies.push(proxy);
          const c = connectNodeClient(`127.0.0.1:${proxy.port}`, roomId);
          clients.push(c);
          replicas.push(new Replica(c.client));
        }
        await waitFor(() => clients.every((c) => c.client.getStatus().state === "connected"), {
          timeout: 30_000,
          message: `seed ${seed}: all connected`,
        });
        // A view-only link's client that writes anyway (a stale tab, a script): refused (C9).
        const viewId = await waitFor(() => clients[0]!.client.getStatus().viewId, {
          message: "the room's view id",
        });
        const openViewer = () => {
          const client = createRoomClient(viewId, {
            host: `127.0.0.1:${server.port}`,
            party: "view",
            WebSocket: WS as unknown as typeof WebSocket,
            persistLocally: false,
            guardUnload: false,
          });
          const r = new Replica(client);
          // As the app does on a refusal: forget this copy and load the room's state afresh.
          client.onNotice((n) => {
            if (n.code !== "READ_ONLY" || viewer !== r) return;
            viewerRollbacks++;
            r.destroy();
            viewer = openViewer();
          });
          return r;
        };
        viewer = openViewer();
        await waitFor(() => viewer!.client.getStatus().state === "connected", {
          message: "the view-only client connected",
        });

        for (let op = 0; op < OPS; op++) {
          const i = rng.int(count);
          const roll = rng.int(100);
          if (roll < 8) {
            proxies[i]!.dropAll();
            log.push(`c${i} drop`);
          } else if (roll < 14 && viewer.client.getStatus().state === "connected") {
            viewerWrites++;
            log.push(`viewer ${randomEdit(rng, viewer, RO_IDS)}`);
          } else {
            log.push(`c${i} ${randomEdit(rng, replicas[i]!)}`);
          }
          // Let some messages cross (or not) before the next op: a bounded, seeded pause.
          await new Promise((r) => setTimeout(r, rng.int(25)));
        }
        const all = () => [...replicas, viewer!];
        const same = () => {
          const first = canonical(getShapes(replicas[0]!.client.doc).toJSON());
          return all().every(
            (r) =>
              r.client.getStatus().state === "connected" &&
              r.client.getStatus().saved &&
              canonical(getShapes(r.client.doc).toJSON()) === first,
          );
        };
        await waitFor(same, {
          timeout: 45_000,
          interval: 100,
          message: `seed ${seed}: replicas converge (ops: ${log.join("; ")})`,
        }).catch((error) => {
          const states = all().map((r, i) => {
            const st = r.client.getStatus();
            return `r${i} ${st.state} saved=${st.saved} ${JSON.stringify(getShapes(r.client.doc).toJSON())}`;
          });
          throw new Error(`${String(error)}\n${states.join("\n")}`);
        });
        const expected = readShapes(replicas[0]!.client.doc);
        getShapes(replicas[0]!.client.doc).forEach((value, id) => {
          const result = checkShape(id, value instanceof Y.Map ? value.toJSON() : value);
          expect(result.status, `seed ${seed}: ${id} is valid`).toBe("valid");
        });
        const snapshot = await fetchSnapshot(server.url, roomId);
        expect(snapshot, `seed ${seed}: the room agrees`).toEqual(expected.map(shapeToJSON));
        // C9: nothing the view-only client wrote reached the room, and it was rolled back.
        expect(snapshot.filter((x) => x.id.startsWith("ro-"))).toEqual([]);
        if (viewerWrites > 0) expect(viewerRollbacks).toBeGreaterThan(0);
      } finally {
        viewer?.destroy();
        for (const r of replicas) r.destroy();
        for (const p of proxies) await p.close();
      }
    });
  }
});
