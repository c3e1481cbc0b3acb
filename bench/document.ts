/**
 * Document benchmarks (issue 7), each beside a baseline measured in the same run:
 *  - join: a Node client syncing an open room of N shapes (baseline: stock y-partykit room), and
 *    our room with N compact shapes (issue 13, docs/schema.md "Compact shapes");
 *  - propagation: one of 10 clients edits, time until all others have it (baseline: stock room);
 *  - memory: what an open room of N shapes adds to the server's resident memory (baseline: stock
 *    room), and ours with N compact shapes;
 *  - size: bytes per shape, bytes a drag adds (baseline: writing every frame of the drag), and
 *    the history left after 10,000 committed moves.
 */
import * as Y from "yjs";
import { getShapes, shapeToCompact, shapeToYMap } from "../src/shared/doc";
import { type DevServer, startDevServer } from "../test/helpers/devServer";
import { addShapes, makeShape } from "../test/helpers/shapes";
import { waitFor } from "../test/helpers/wait";
import { connectPeer, type Peer } from "../test/helpers/yclient";
import { groupRssBytes } from "./lib/cpu";
import { fmt, percentile } from "./lib/table";

export type Row = Record<string, string | number>;
type Party = "main" | "stock";
/**
 * How the board's shapes are stored: one Y.Map each (what drawing by hand writes), or compact,
 * one plain value each (what an import or a big paste writes, docs/schema.md).
 */
export type Representation = "Y.Map" | "compact";
const LABEL: Record<Party, string> = { main: "sketchroom", stock: "stock y-partykit" };
const BENCH_CONFIG = "bench/partykit.bench.json";

const partyUrl = (server: DevServer, party: Party) =>
  `ws://127.0.0.1:${server.port}/parties/${party}`;
const roomName = (what: string) =>
  `bench-${what}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Opens a room and keeps it open: the first client loads the room, and while any client stays
 * connected a room (ours or y-partykit's, which unloads its document when the last client
 * leaves) serves joins from memory, as it does for a board someone is working on.
 */
async function holdRoom(server: DevServer, party: Party, room: string): Promise<Peer> {
  const holder = await connectPeer(partyUrl(server, party), room, { control: party === "main" });
  await holder.synced;
  return holder;
}

/**
 * Has `writer` add `n` simple shapes (in batches: one transaction must stay far below 1 MB), then
 * waits until a fresh reader sees them all and, in our room, until they are saved.
 */
async function fillRoom(
  server: DevServer,
  party: Party,
  room: string,
  writer: Peer,
  n: number,
  representation: Representation = "Y.Map",
): Promise<void> {
  const write = representation === "compact" ? shapeToCompact : shapeToYMap;
  for (let i = 0; i < n; i += 250) {
    writer.doc.transact(() => {
      const map = getShapes(writer.doc) as Y.Map<unknown>;
      for (let k = i; k < Math.min(i + 250, n); k++) {
        const shape = makeShape({
          id: `s${k}`,
          x: (k % 100) * 30,
          y: Math.floor(k / 100) * 30,
          width: 20,
          height: 20,
          z: `a${k}`,
        });
        map.set(shape.id, write(shape));
      }
    });
  }
  const check = await connectPeer(partyUrl(server, party), room, { control: party === "main" });
  await check.waitFor(() => getShapes(check.doc).size === n, { timeout: 60_000, interval: 50 });
  await check.close();
  if (party === "main") await writer.waitForSaved({ timeout: 60_000 });
}

/** Fills a room with `n` simple shapes and leaves it with no client connected. */
export async function seedRoom(
  server: DevServer,
  party: Party,
  room: string,
  n: number,
  representation: Representation = "Y.Map",
): Promise<void> {
  const writer = await holdRoom(server, party, room);
  try {
    await fillRoom(server, party, room, writer, n, representation);
  } finally {
    await writer.close();
  }
}

/** ms from a fresh client's socket opening to its document holding every one of `n` shapes. */
async function timeJoin(server: DevServer, party: Party, room: string, n: number): Promise<number> {
  const t0 = performance.now();
  const peer = await connectPeer(partyUrl(server, party), room, { control: party === "main" });
  await peer.synced;
  await peer.waitFor(() => getShapes(peer.doc).size === n, { timeout: 30_000, interval: 2 });
  const ms = performance.now() - t0;
  await peer.close();
  return ms;
}

/** Every size with both rooms as Y.Maps, then every compact size in our room alone. */
function runs(sizes: number[], compactSizes: number[]) {
  return [
    ...sizes.flatMap((n) =>
      (["main", "stock"] as Party[]).map((party) => ({
        n,
        party,
        representation: "Y.Map" as Representation,
      })),
    ),
    ...compactSizes.map((n) => ({
      n,
      party: "main" as Party,
      representation: "compact" as Representation,
    })),
  ];
}

/**
 * Join time into a warm room: the writer who drew the board stays connected while others join,
 * for both rooms alike. One untimed join first, so neither room's first-join costs (code paths
 * warming up, a first encode) land in the figures. Compact boards (issue 13) are measured in our
 * room only: the stock room has no schema to hold them to.
 */
export async function joinBenchmark(
  sizes: number[],
  joins = 5,
  compactSizes: number[] = [],
): Promise<Row[]> {
  const rows: Row[] = [];
  const server = await startDevServer({ config: BENCH_CONFIG });
  try {
    for (const { n, party, representation } of runs(sizes, compactSizes)) {
      const room = roomName(`join${n}`);
      const holder = await holdRoom(server, party, room);
      try {
        await fillRoom(server, party, room, holder, n, representation);
        await timeJoin(server, party, room, n);
        const times: number[] = [];
        for (let j = 0; j < joins; j++) times.push(await timeJoin(server, party, room, n));
        times.sort((a, b) => a - b);
        rows.push({
          room: LABEL[party],
          representation,
          shapes: n,
          joins,
          median_ms: fmt(percentile(times, 50)),
          max_ms: fmt(times.at(-1)!),
        });
      } finally {
        await holder.close();
      }
    }
  } finally {
    await server.dispose();
  }
  return rows;
}

export async function propagationBenchmark(clients = 10, edits = 300): Promise<Row[]> {
  const rows: Row[] = [];
  const server = await startDevServer({ config: BENCH_CONFIG });
  try {
    for (const party of ["main", "stock"] as Party[]) {
      const room = roomName("prop");
      const peers: Peer[] = [];
      for (let i = 0; i < clients; i++) {
        const p = await connectPeer(partyUrl(server, party), room);
        await p.synced;
        peers.push(p);
      }
      addShapes(peers[0]!.doc, [makeShape({ id: "target", x: 0 })]);
      await Promise.all(
        peers.map((p) =>
          p.waitFor(() => getShapes(p.doc).has("target"), { timeout: 10_000, interval: 5 }),
        ),
      );
      const latencies: number[] = [];
      let missed = 0;
      for (let e = 1; e <= edits; e++) {
        const author = peers[e % clients]!;
        const others = peers.filter((p) => p !== author);
        const t0 = performance.now();
        const arrived = others.map(
          (p) =>
            new Promise<number>((resolve) => {
              const map = getShapes(p.doc).get("target")!;
              const check = () => {
                if (map.get("x") === e) {
                  map.unobserve(check);
                  resolve(performance.now() - t0);
                }
              };
              map.observe(check);
            }),
        );
        getShapes(author.doc).get("target")!.set("x", e);
        const timeout = new Promise<null>((r) => setTimeout(() => r(null), 2_000));
        for (const a of arrived) {
          const ms = await Promise.race([a, timeout]);
          if (ms === null) missed++;
          else latencies.push(ms);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      latencies.sort((a, b) => a - b);
      rows.push({
        room: LABEL[party],
        clients,
        edits,
        p50_ms: fmt(percentile(latencies, 50)),
        p99_ms: fmt(percentile(latencies, 99)),
        max_ms: fmt(latencies.at(-1) ?? Number.NaN),
        missed,
      });
      await Promise.all(peers.map((p) => p.close()));
    }
  } finally {
    await server.dispose();
  }
  return rows;
}

/** ms between resident-memory samples, and how long they must agree before one is taken. */
const RSS_SAMPLE_MS = 250;
const RSS_STEADY_MS = 1_000;
/** Samples within this many bytes of each other count as steady (allocator noise). */
const RSS_STEADY_BYTES = 2 ** 20;
const RSS_SETTLE_TIMEOUT_MS = 20_000;

/**
 * The workerd processes' resident memory once it has stopped moving (the room finished its
 * writes and the runtime its collections), or the last sample after the timeout, with a warning.
 */
async function steadyRss(server: DevServer): Promise<number> {
  const samples: number[] = [];
  const window = RSS_STEADY_MS / RSS_SAMPLE_MS;
  try {
    await waitFor(
      () => {
        samples.push(groupRssBytes(server.pid!));
        const last = samples.slice(-window - 1);
        return last.length > window && Math.max(...last) - Math.min(...last) <= RSS_STEADY_BYTES;
      },
      { timeout: RSS_SETTLE_TIMEOUT_MS, interval: RSS_SAMPLE_MS },
    );
  } catch {
    console.warn(`  memory: resident size still moving after ${RSS_SETTLE_TIMEOUT_MS} ms`);
  }
  return samples.at(-1)!;
}

/**
 * What an open room of `n` shapes adds to the server's resident memory, measured the same way
 * for both rooms on a fresh server each: a first client opens the room and stays (the room is
 * loaded and stays loaded), memory is taken; that client draws `n` shapes and a second client
 * joins and leaves; memory is taken again with the first client still connected.
 */
export async function memoryBenchmark(
  sizes: number[],
  compactSizes: number[] = [],
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { n, party, representation } of runs(sizes, compactSizes)) {
    const server = await startDevServer({ config: BENCH_CONFIG });
    try {
      const room = roomName("mem");
      const holder = await holdRoom(server, party, room);
      try {
        const before = await steadyRss(server);
        await fillRoom(server, party, room, holder, n, representation);
        const after = await steadyRss(server);
        rows.push({
          room: LABEL[party],
          representation,
          shapes: n,
          rss_before_mb: fmt(before / 2 ** 20),
          rss_after_mb: fmt(after / 2 ** 20),
          added_mb: fmt((after - before) / 2 ** 20),
        });
      } finally {
        await holder.close();
      }
    } finally {
      await server.dispose();
    }
  }
  return rows;
}

/** In-process: what the document costs in bytes (what storage and every joining client pay). */
export function sizeBenchmark(): Row[] {
  const rows: Row[] = [];
  const encoded = (doc: Y.Doc) => Y.encodeStateAsUpdate(doc).byteLength;

  const doc = new Y.Doc();
  const n = 1_000;
  addShapes(
    doc,
    Array.from({ length: n }, (_, i) =>
      makeShape({ id: `shape${i}`.padEnd(21, "x"), x: i, y: i, z: `a${i}` }),
    ),
  );
  const base = encoded(doc);
  rows.push({
    measure: "bytes per simple shape (rect, 21-char id)",
    value: fmt(base / n),
    baseline: "target ≤ 250",
  });

  // A drag of 120 frames (2 s at 60 fps): committed once at the end vs written every frame.
  const target = getShapes(doc).get("shape0".padEnd(21, "x"))!;
  const frames = 120;
  const before = encoded(doc);
  doc.transact(() => {
    target.set("x", 500);
    target.set("y", 400);
  });
  const committed = encoded(doc) - before;
  const naiveDoc = new Y.Doc();
  Y.applyUpdate(naiveDoc, Y.encodeStateAsUpdate(doc));
  const naiveTarget = getShapes(naiveDoc).get("shape0".padEnd(21, "x"))!;
  const naiveBefore = encoded(naiveDoc);
  for (let f = 0; f < frames; f++) {
    naiveDoc.transact(() => {
      naiveTarget.set("x", 500 + f);
      naiveTarget.set("y", 400 + f);
    });
  }
  const naive = encoded(naiveDoc) - naiveBefore;
  rows.push({
    measure: `bytes a ${frames}-frame drag adds (one commit)`,
    value: committed,
    baseline: `${naive} written every frame`,
  });

  // History overhead: 10,000 committed moves over the board.
  const moves = 10_000;
  const histBefore = encoded(doc);
  for (let m = 0; m < moves; m++) {
    const s = getShapes(doc).get(`shape${m % n}`.padEnd(21, "x"))!;
    doc.transact(() => {
      s.set("x", m);
      s.set("y", m);
    });
  }
  const histAfter = encoded(doc);
  rows.push({
    measure: `history after ${moves} committed moves`,
    value: `${fmt((histAfter - histBefore) / 1024)} KB (${fmt((histAfter - histBefore) / moves)} B/move)`,
    baseline: `board itself ${fmt(histBefore / 1024)} KB`,
  });
  return rows;
}
