/**
 * Convergence through a real `partykit dev` with the real client (issue 5): 3–4 RoomClients, each
 * behind its own TCP proxy that randomly cuts its connection, apply random operations of every
 * tool (and some invalid writes the room must repair). When the network settles, every replica
 * holds identical, schema-valid shapes, and the room's HTTP snapshot agrees.
 *
 * Seeded: the seed is in the test name and in every failure message. Override with
 * CONVERGENCE_IT_SEEDS=1,2,3 and CONVERGENCE_IT_OPS=n. Rules cited: docs/conflicts.md C1–C10.
 */

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as Y from "yjs";
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

/** One random edit on one replica, as the UI would make it (one transaction). */
function randomEdit(rng: Rng, doc: Y.Doc): string {
  const shapes = getShapes(doc);
  const roll = rng.int(100);
  const id = rng.pick(IDS);
  const entry = shapes.get(id);
  if (roll < 25 || !(entry instanceof Y.Map)) {
    const shape = newShape(rng, id);
    doc.transact(() => shapes.set(id, shapeToYMap(shape)));
    return `create ${shape.type} ${id}`;
  }
  if (roll < 30) {
    // Invalid: the room must repair (C8) — non-finite x, bad colour.
    doc.transact(() => {
      entry.set("x", Number.POSITIVE_INFINITY);
      entry.set("stroke", "red");
    });
    return `invalid ${id}`;
  }
  doc.transact(() => {
    switch (rng.int(6)) {
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
        entry.set("z", `a${rng.int(10)}`);
        break;
      case 4:
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

describe("convergence through a real partykit dev", () => {
  for (const seed of SEEDS) {
    test(`[C1-C10] seed ${seed}: replicas with random drops converge on identical, valid shapes`, async () => {
      const rng = seededRandom(seed);
      const roomId = uniqueRoomId(`conv${seed}`);
      const count = 3 + rng.int(2);
      const proxies: TcpProxy[] = [];
      const clients: NodeClient[] = [];
      const log: string[] = [];
      try {
        for (let i = 0; i < count; i++) {
          const proxy = await startTcpProxy(server.port);
          proxies.push(proxy);
          clients.push(connectNodeClient(`127.0.0.1:${proxy.port}`, roomId));
        }
        await waitFor(() => clients.every((c) => c.client.getStatus().state === "connected"), {
          timeout: 30_000,
          message: `seed ${seed}: all connected`,
        });
        for (let op = 0; op < OPS; op++) {
          const i = rng.int(count);
          if (rng.int(100) < 8) {
            proxies[i]!.dropAll();
            log.push(`c${i} drop`);
          } else {
            log.push(`c${i} ${randomEdit(rng, clients[i]!.client.doc)}`);
          }
          // Let some messages cross (or not) before the next op: a bounded, seeded pause.
          await new Promise((r) => setTimeout(r, rng.int(25)));
        }
        const same = () => {
          const first = canonical(getShapes(clients[0]!.client.doc).toJSON());
          return clients.every(
            (c) =>
              c.client.getStatus().state === "connected" &&
              c.client.getStatus().saved &&
              canonical(getShapes(c.client.doc).toJSON()) === first,
          );
        };
        await waitFor(same, {
          timeout: 45_000,
          interval: 100,
          message: `seed ${seed}: replicas converge (ops: ${log.join("; ")})`,
        }).catch((error) => {
          const states = clients.map((c, i) => {
            const st = c.client.getStatus();
            return `c${i} ${st.state} saved=${st.saved} ${JSON.stringify(getShapes(c.client.doc).toJSON())}`;
          });
          throw new Error(`${String(error)}\n${states.join("\n")}`);
        });
        const expected = readShapes(clients[0]!.client.doc);
        getShapes(clients[0]!.client.doc).forEach((value, id) => {
          const result = checkShape(id, value instanceof Y.Map ? value.toJSON() : value);
          expect(result.status, `seed ${seed}: ${id} is valid`).toBe("valid");
        });
        const snapshot = await fetchSnapshot(server.url, roomId);
        expect(snapshot, `seed ${seed}: the room agrees`).toEqual(expected.map(shapeToJSON));
      } finally {
        for (const c of clients) c.client.destroy();
        for (const p of proxies) await p.close();
      }
    });
  }
});
