/**
 * Scale benchmark (issue 13): one room of a real `partykit dev` with 1,000 raw WebSocket clients
 * on loopback, most of them viewers (`?mode=view`). Editors move cursors at 20 Hz, a few of them
 * also edit; some viewers move cursors too, so the room holds more cursors than one receiver is
 * sent (PRESENCE_MAX_PEERS). Measures:
 *  - connect: time for every client to open and receive the room's sync step 1;
 *  - presence messages per receiver per second (awareness frames + presence-count), max and p99,
 *    and presence bytes per receiver per second (mean);
 *  - cursor latency (sent → arrival) over a sample of receivers (every SAMPLE_EVERY-th client, so
 *    decoding does not swamp this process, which shares the machine with the server);
 *  - edit propagation: each edit's arrival at every other client, p99 and max (target ≤ 200 ms);
 *  - server CPU (% of one core) and resident memory of workerd.
 * The baseline in the same run is today's design at its limit: 100 clients, every one moving a
 * cursor, the plain coalesced relay (`--var PRESENCE_MAX_PEERS=all`).
 *
 * Every loop is bounded in count and time; every socket is closed (terminated after 5 s); each
 * dev server is stopped by its process group.
 */
import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { CURSOR_THROTTLE_MS } from "../src/shared/constants";
import { type DevServer, startDevServer } from "../test/helpers/devServer";
import { awarenessFrame, updateFrame } from "../test/helpers/frames";
import { addShapes, makeShape } from "../test/helpers/shapes";
import { groupCpuSeconds, groupRssBytes } from "./lib/cpu";
import type { Row } from "./lib/results";
import { fmt, percentile } from "./lib/table";

export interface ScaleLoad {
  /** Clients in the room. */
  connections: number;
  /** Of them, editors (the rest are viewers); every editor moves its cursor. */
  editors: number;
  /** Viewers that move a cursor too. */
  pointers: number;
  /** Editors that also make an edit every EDIT_EVERY_MS. */
  writers: number;
  /** Presence relay: bounded per receiver (today's code) or the plain relay of before. */
  relay: "bounded" | "plain";
}

const WARMUP_S = 2;
/** ms. Each writer's edit interval. */
const EDIT_EVERY_MS = 500;
/** Every n-th client decodes presence for cursor latency (the rest only count frames). */
const SAMPLE_EVERY = 10;
/** Sockets opening at once: a burst of 1,000 handshakes only measures the listen backlog. */
const CONNECT_CONCURRENCY = 25;
/** ms. Longest the whole connect phase may take. */
const CONNECT_DEADLINE_MS = 120_000;
/** Bytes in every edit's shape id, so receivers find edits without decoding Yjs. */
const EDIT_MARK = "benchedit";

interface Client {
  ws: WebSocket;
  index: number;
  clientId: number;
  clock: number;
  sample: boolean;
  presenceMessages: number;
  presenceBytes: number;
  timer: ReturnType<typeof setInterval> | null;
  /** Close code if the room closed it after it joined. */
  closedWith: number | null;
}

export async function runScaleLoad(
  server: DevServer,
  load: ScaleLoad,
  seconds: number,
): Promise<Row> {
  const room = `bench-scale-${load.relay}-${load.connections}-${Date.now()}`;
  const cursorLatencies: number[] = [];
  /** [sent at, latency] for every (edit, receiver) pair; filtered to the window at the end. */
  const editArrivals: [number, number][] = [];
  const editSentAt = new Map<number, { at: number; writer: number }>();
  let editsSent = 0;
  let measuring = false;
  let measureStart = Number.POSITIVE_INFINITY;
  const clients: Client[] = [];
  const connectTimes: number[] = [];
  const marker = Buffer.from(EDIT_MARK);

  const onMessage = (c: Client, data: Buffer, isBinary: boolean) => {
    const now = performance.now();
    if (!isBinary) {
      if (measuring && data.includes('"presence-count"')) c.presenceMessages++;
      return;
    }
    if (data[0] === 0 && data[1] === 2) {
      // A sync update: an edit if it carries the marker, followed by the edit's sequence number.
      const at = data.indexOf(marker);
      if (at < 0) return;
      const m = /^(\d+)x/.exec(
        data.toString("latin1", at + marker.length, at + marker.length + 12),
      );
      const sent = m ? editSentAt.get(Number(m[1])) : undefined;
      if (sent && sent.writer !== c.index) editArrivals.push([sent.at, now - sent.at]);
      return;
    }
    if (data[0] !== 1) return;
    if (measuring) {
      c.presenceMessages++;
      c.presenceBytes += data.length;
    }
    if (!c.sample || !measuring) return;
    const decoder = decoding.createDecoder(
      new Uint8Array(data.buffer, data.byteOffset, data.length),
    );
    decoding.readVarUint(decoder);
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const count = decoding.readVarUint(update);
    for (let k = 0; k < count; k++) {
      decoding.readVarUint(update);
      decoding.readVarUint(update);
      const json = decoding.readVarString(update);
      const m = /"sentAt":([0-9.]+)/.exec(json);
      if (m && Number(m[1]) >= measureStart) cursorLatencies.push(now - Number(m[1]));
    }
  };

  // ---- connect: editors first (they hold the cursors), then viewers ----
  const connectStart = performance.now();
  const deadline = Date.now() + CONNECT_DEADLINE_MS;
  const open = (index: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const viewer = index >= load.editors;
      const url = `${server.wsUrl}/${room}?control=1${viewer ? "&mode=view" : ""}`;
      const started = performance.now();
      const ws = new WebSocket(url);
      const c: Client = {
        ws,
        index,
        clientId: 100_000 + index,
        clock: 0,
        sample: index % SAMPLE_EVERY === 0,
        presenceMessages: 0,
        presenceBytes: 0,
        timer: null,
        closedWith: null,
      };
      let joined = false;
      clients[index] = c;
      const t = setTimeout(
        () => reject(new Error(`client ${index} did not join in time`)),
        Math.max(0, deadline - Date.now()),
      );
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        // Joined once the room's sync step 1 arrives (after hello, before presence).
        if (!joined && isBinary && data[0] === 0 && data[1] === 0) {
          joined = true;
          clearTimeout(t);
          connectTimes.push(performance.now() - started);
          resolve();
        }
        onMessage(c, data, isBinary);
      });
      ws.on("error", () => {});
      ws.once("close", (code) => {
        clearTimeout(t);
        c.closedWith = code;
        reject(new Error(`client ${index} was closed (${code})`));
      });
    });
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, load.connections) }, async () => {
      while (next < load.connections) await open(next++);
    }),
  );
  const connectAllS = (performance.now() - connectStart) / 1000;
  const rssIdle = groupRssBytes(server.pid!);

  // ---- load: cursors at 20 Hz, edits every EDIT_EVERY_MS ----
  const movers = clients.slice(0, load.editors + load.pointers);
  for (const [k, c] of movers.entries()) {
    setTimeout(
      () => {
        c.timer = setInterval(() => {
          if (c.ws.readyState !== WebSocket.OPEN) return;
          c.clock++;
          const t = performance.now();
          // Cursors wander around the default view (centre 720, 450) and well beyond it.
          const state = {
            user: { name: `Bench ${c.index}`, color: "#4c6ef5" },
            cursor: {
              x: Math.round(720 + Math.sin(t / 900 + k) * 400 * (1 + (k % 5))),
              y: Math.round(450 + Math.cos(t / 1100 + k) * 300 * (1 + (k % 3))),
            },
            selection: [],
            sentAt: Number(t.toFixed(3)),
          };
          c.ws.send(awarenessFrame(c.clientId, c.clock, state));
        }, CURSOR_THROTTLE_MS);
      },
      (k / movers.length) * CURSOR_THROTTLE_MS,
    );
  }
  const writerDocs = clients.slice(0, load.writers).map((c) => {
    const doc = new Y.Doc();
    doc.on("update", (update: Uint8Array) => {
      if (c.ws.readyState === WebSocket.OPEN) c.ws.send(updateFrame(update));
    });
    return { c, doc };
  });
  const editTimers = writerDocs.map(({ c, doc }, w) =>
    setInterval(() => {
      const seq = ++editsSent;
      editSentAt.set(seq, { at: performance.now(), writer: c.index });
      addShapes(doc, [makeShape({ id: `${EDIT_MARK}${seq}x`, x: seq % 1000, y: w * 50 })]);
    }, EDIT_EVERY_MS),
  );

  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const cpuBefore = groupCpuSeconds(server.pid!);
  const t0 = performance.now();
  measureStart = t0;
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const windowEnd = performance.now();
  const elapsed = (windowEnd - t0) / 1000;
  const cpu = groupCpuSeconds(server.pid!) - cpuBefore;
  const rssLoaded = groupRssBytes(server.pid!);
  // Edits sent at the window's end still count if they arrive within a second.
  for (const t of editTimers) clearInterval(t);
  await new Promise((r) => setTimeout(r, 1000));
  const closedByRoom = clients.filter((c) => c.closedWith !== null).length;

  for (const c of movers) if (c.timer) clearInterval(c.timer);
  for (const { doc } of writerDocs) doc.destroy();
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const t = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 5_000);
          c.ws.once("close", () => {
            clearTimeout(t);
            resolve();
          });
          c.ws.close();
        }),
    ),
  );

  cursorLatencies.sort((a, b) => a - b);
  const inWindow = (at: number) => at >= t0 && at < windowEnd;
  const editLatencies = editArrivals
    .filter(([at]) => inWindow(at))
    .map(([, ms]) => ms)
    .sort((a, b) => a - b);
  connectTimes.sort((a, b) => a - b);
  const rates = clients.map((c) => c.presenceMessages / elapsed).sort((a, b) => a - b);
  // Every edit from the window should reach every client but its writer.
  const editsInWindow = [...editSentAt.values()].filter((e) => inWindow(e.at)).length;
  const expectedEdits = editsInWindow * (load.connections - 1);
  return {
    relay: load.relay,
    connections: load.connections,
    viewers: load.connections - load.editors,
    cursors: movers.length,
    writers: load.writers,
    seconds: Number(elapsed.toFixed(1)),
    connect_all_s: Number(fmt(connectAllS)),
    connect_p99_ms: Number(fmt(percentile(connectTimes, 99))),
    presence_msgs_per_recv_s_p99: Number(fmt(percentile(rates, 99))),
    presence_msgs_per_recv_s_max: Number(fmt(rates.at(-1) ?? Number.NaN)),
    presence_kb_per_recv_s: Number(
      fmt(clients.reduce((sum, c) => sum + c.presenceBytes, 0) / clients.length / elapsed / 1024),
    ),
    cursor_p50_ms: Number(fmt(percentile(cursorLatencies, 50))),
    cursor_p99_ms: Number(fmt(percentile(cursorLatencies, 99))),
    edit_p99_ms: Number(fmt(percentile(editLatencies, 99))),
    edit_max_ms: Number(fmt(editLatencies.at(-1) ?? Number.NaN)),
    edits_delivered_pct: Number(
      fmt(expectedEdits > 0 ? Math.min(100, (100 * editLatencies.length) / expectedEdits) : 0),
    ),
    closed_by_room: closedByRoom,
    server_cpu_pct: Number(fmt((100 * cpu) / elapsed)),
    server_rss_idle_mb: Number(fmt(rssIdle / 2 ** 20)),
    server_rss_loaded_mb: Number(fmt(rssLoaded / 2 ** 20)),
  };
}

export interface ScaleOptions {
  connections: number;
  editors: number;
  pointers: number;
  writers: number;
  seconds: number;
  /** Clients in the baseline room (all editors, all moving: today's design at its limit). */
  baseline: number;
}

export async function scaleBenchmark(options: ScaleOptions): Promise<Row[]> {
  const rows: Row[] = [];
  const runs: { vars: Record<string, string>; load: ScaleLoad }[] = [
    {
      vars: {},
      load: {
        connections: options.connections,
        editors: options.editors,
        pointers: options.pointers,
        writers: options.writers,
        relay: "bounded",
      },
    },
    {
      vars: { PRESENCE_MAX_PEERS: "all" },
      load: {
        connections: options.baseline,
        editors: options.baseline,
        pointers: 0,
        writers: options.writers,
        relay: "plain",
      },
    },
  ];
  for (const { vars, load } of runs) {
    const server = await startDevServer({ vars });
    try {
      const row = await runScaleLoad(server, load, options.seconds);
      console.log(
        `  scale ${load.relay} n=${load.connections}: connect ${row.connect_all_s} s, edit p99 ${row.edit_p99_ms} ms, cursor p99 ${row.cursor_p99_ms} ms`,
      );
      rows.push(row);
    } finally {
      await server.dispose();
    }
  }
  return rows;
}
