/**
 * Presence benchmark (issue 3): N simulated clients in one room of a real `partykit dev`, each
 * moving its cursor at 20 Hz. Reports cursor latency (send → arrival at every receiver),
 * messages and bytes per receiver per second, and the server's CPU; the same load against the
 * relay-everything baseline (`--var PRESENCE_COALESCE=off`) runs in the same invocation.
 *
 * Clients run in this process and share the machine's 2 cores with the server, as the targets
 * assume. Every loop is bounded by time; every process started is stopped by its group id.
 */
import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import { type DevServer, startDevServer } from "../test/helpers/devServer";
import { awarenessFrame } from "../test/helpers/frames";
import { groupCpuSeconds } from "./lib/cpu";
import { fmt, percentile } from "./lib/table";

const SEND_HZ = 20;
const WARMUP_S = 2;

export interface PresenceRow {
  mode: "coalesced" | "baseline";
  clients: number;
  seconds: number;
  p50_ms: number;
  p99_ms: number;
  msgs_per_recv_s: number;
  kb_per_recv_s: number;
  delivered_pct: number;
  server_cpu_pct: number;
}

interface SimClient {
  ws: WebSocket;
  clientId: number;
  clock: number;
  frames: number;
  bytes: number;
  timer: ReturnType<typeof setInterval> | null;
}

export async function runPresenceLoad(
  server: DevServer,
  mode: PresenceRow["mode"],
  n: number,
  seconds: number,
): Promise<PresenceRow> {
  const room = `bench-presence-${mode}-${n}-${Date.now()}`;
  const latencies: number[] = [];
  let measuring = false;
  let measureStart = Number.POSITIVE_INFINITY;
  let sentWhileMeasuring = 0;
  const clients: SimClient[] = [];
  const openDeadline = Date.now() + 30_000;

  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`${server.wsUrl}/${room}`);
    ws.binaryType = "arraybuffer";
    const c: SimClient = { ws, clientId: 1000 + i, clock: 0, frames: 0, bytes: 0, timer: null };
    ws.on("message", (data: ArrayBuffer, isBinary: boolean) => {
      if (!isBinary) return;
      const bytes = new Uint8Array(data);
      const decoder = decoding.createDecoder(bytes);
      if (decoding.readVarUint(decoder) !== 1) return; // presence only
      const now = performance.now();
      if (measuring) {
        c.frames++;
        c.bytes += bytes.byteLength;
      }
      const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
      const count = decoding.readVarUint(update);
      for (let k = 0; k < count; k++) {
        decoding.readVarUint(update);
        decoding.readVarUint(update);
        const json = decoding.readVarString(update);
        const m = /"sentAt":([0-9.]+)/.exec(json);
        // Only updates sent inside the window count, so delivered_pct compares like with like.
        if (m && measuring && Number(m[1]) >= measureStart) latencies.push(now - Number(m[1]));
      }
    });
    ws.on("error", () => {});
    clients.push(c);
  }
  for (const c of clients) {
    if (c.ws.readyState === WebSocket.OPEN) continue;
    await new Promise<void>((resolve, reject) => {
      const left = openDeadline - Date.now();
      const t = setTimeout(() => reject(new Error("clients did not connect in time")), left);
      c.ws.once("open", () => {
        clearTimeout(t);
        resolve();
      });
      c.ws.once("close", () => {
        clearTimeout(t);
        reject(new Error("a client was refused"));
      });
    });
  }

  const period = 1000 / SEND_HZ;
  for (const [i, c] of clients.entries()) {
    const start = (i / n) * period;
    setTimeout(() => {
      c.timer = setInterval(() => {
        if (c.ws.readyState !== WebSocket.OPEN) return;
        c.clock++;
        const t = performance.now();
        const state = {
          user: { name: `Bench ${i}`, color: "#4c6ef5" },
          cursor: {
            x: Math.round(Math.sin(t / 500 + i) * 400),
            y: Math.round(Math.cos(t / 700) * 300),
          },
          selection: [],
          sentAt: Number(t.toFixed(3)),
        };
        c.ws.send(awarenessFrame(c.clientId, c.clock, state));
        if (measuring) sentWhileMeasuring++;
      }, period);
    }, start);
  }

  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
  const cpuBefore = groupCpuSeconds(server.pid!);
  const t0 = performance.now();
  measureStart = t0;
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = groupCpuSeconds(server.pid!) - cpuBefore;

  for (const c of clients) if (c.timer) clearInterval(c.timer);
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

  latencies.sort((a, b) => a - b);
  const frames = clients.reduce((s, c) => s + c.frames, 0);
  const bytes = clients.reduce((s, c) => s + c.bytes, 0);
  // Every update should reach the n − 1 others (coalescing may merge, never drop, the latest state;
  // superseded intermediate positions are legitimately skipped, so delivered can be < 100%).
  const expected = sentWhileMeasuring * (n - 1);
  return {
    mode,
    clients: n,
    seconds: Number(elapsed.toFixed(1)),
    p50_ms: Number(fmt(percentile(latencies, 50))),
    p99_ms: Number(fmt(percentile(latencies, 99))),
    msgs_per_recv_s: Number(fmt(frames / n / elapsed)),
    kb_per_recv_s: Number(fmt(bytes / n / elapsed / 1024)),
    delivered_pct: Number(fmt(expected > 0 ? (100 * latencies.length) / expected : 0)),
    server_cpu_pct: Number(fmt((100 * cpu) / elapsed)),
  };
}

export async function presenceBenchmark(options: {
  sizes: number[];
  seconds: number;
}): Promise<PresenceRow[]> {
  const rows: PresenceRow[] = [];
  for (const mode of ["coalesced", "baseline"] as const) {
    const server = await startDevServer(
      mode === "baseline" ? { vars: { PRESENCE_COALESCE: "off" } } : {},
    );
    try {
      for (const n of options.sizes) {
        const row = await runPresenceLoad(server, mode, n, options.seconds);
        console.log(
          `  presence ${mode} n=${n}: p99 ${row.p99_ms} ms, ${row.msgs_per_recv_s} msg/s`,
        );
        rows.push(row);
      }
    } finally {
      await server.dispose();
    }
  }
  return rows;
}
