/**
 * Transport benchmark (issue 8, docs/transport.md): one writer and one reader in a room of a
 * real `partykit dev`, over WebSocket, SSE + POST and long polling + POST. The writer makes 300
 * edits (BENCH_TRANSPORT_EDITS; under the room's 400-message burst budget) one after another;
 * each edit's latency is send → the reader holding the update.
 * Server cost is the dev server's CPU (whole process group) per edit, and HTTP requests per edit
 * (Cloudflare bills each request; WebSocket messages are billed at a fraction of a request).
 *
 * Every loop is bounded by count and time; the server is stopped by its process group.
 */
import * as decoding from "lib0/decoding";
import WebSocket from "ws";
import * as Y from "yjs";
import { type BatchFrame, decodeBatch, encodeBatch } from "../src/shared/frameBatch";
import { fromBase64 } from "../src/shared/protocol";
import { startDevServer } from "../test/helpers/devServer";
import { updateFrame } from "../test/helpers/frames";
import { addShapes, makeShape } from "../test/helpers/shapes";
import { sseEvents } from "../test/helpers/sse";
import { groupCpuSeconds } from "./lib/cpu";
import { fmt, percentile } from "./lib/table";

export type Row = Record<string, string | number>;

type Kind = "websocket" | "sse" | "long-polling";

/** One end of a connection: frames in (callback), frames out. */
interface End {
  send(frame: Uint8Array): Promise<void>;
  close(): void;
}

const EDITS = Number(process.env.BENCH_TRANSPORT_EDITS ?? 300);
const EDIT_TIMEOUT_MS = 5_000;

/** Whether a frame is a sync update (type 0, sub-type 2) or step 2 (sub-type 1). */
function isDocFrame(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 2) return false;
  const d = decoding.createDecoder(bytes);
  return decoding.readVarUint(d) === 0 && decoding.readVarUint(d) === 2;
}

async function openWebSocket(url: string, onFrame: (b: Uint8Array) => void): Promise<End> {
  const ws = new WebSocket(`${url}?control=1`);
  ws.binaryType = "arraybuffer";
  ws.on("message", (data: ArrayBuffer, isBinary: boolean) => {
    if (isBinary) onFrame(new Uint8Array(data));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    send: async (frame) => ws.send(frame),
    close: () => ws.close(),
  };
}

function sender(base: string, id: string, token: string): (frame: Uint8Array) => Promise<void> {
  const url = `${base}/send?id=${encodeURIComponent(id)}&token=${token}`;
  return async (frame) => {
    const res = await fetch(url, {
      method: "POST",
      body: encodeBatch([{ kind: "binary", data: frame }]),
    });
    if (res.status !== 204) throw new Error(`send answered ${res.status}`);
  };
}

async function openSse(
  base: string,
  onFrame: (b: Uint8Array) => void,
  counter: { requests: number },
): Promise<End> {
  const abort = new AbortController();
  const res = await fetch(`${base}/sse?control=1`, { signal: abort.signal });
  counter.requests++;
  let session: { id: string; token: string } | null = null;
  let resolveSession: () => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveSession = r;
  });
  void (async () => {
    try {
      for await (const { event, data } of sseEvents(res.body!)) {
        if (event === "session") {
          session = JSON.parse(data) as { id: string; token: string };
          resolveSession();
        } else if (event === "b") onFrame(fromBase64(data));
      }
    } catch {
      // aborted
    }
  })();
  await ready;
  const s = session as unknown as { id: string; token: string };
  const post = sender(base, s.id, s.token);
  return {
    send: async (frame) => {
      counter.requests++;
      await post(frame);
    },
    close: () => abort.abort(),
  };
}

async function openLongPoll(
  base: string,
  onFrame: (b: Uint8Array) => void,
  counter: { requests: number },
): Promise<End> {
  const res = await fetch(`${base}/open?control=1`, { method: "POST" });
  counter.requests++;
  const { id, token } = (await res.json()) as { id: string; token: string };
  const abort = new AbortController();
  let open = true;
  void (async () => {
    // Bounded by the connection's life: it ends when `close()` aborts the pending poll.
    while (open) {
      try {
        const r = await fetch(`${base}/poll?id=${encodeURIComponent(id)}&token=${token}`, {
          signal: abort.signal,
        });
        counter.requests++;
        const frames: BatchFrame[] = decodeBatch(new Uint8Array(await r.arrayBuffer()));
        for (const f of frames) if (f.kind === "binary") onFrame(f.data);
        if (frames.some((f) => f.kind === "close")) return;
      } catch {
        return;
      }
    }
  })();
  const post = sender(base, id, token);
  return {
    send: async (frame) => {
      counter.requests++;
      await post(frame);
    },
    close: () => {
      open = false;
      abort.abort();
    },
  };
}

async function run(kind: Kind, httpBase: string, wsBase: string, pgid: number): Promise<Row> {
  const room = `bench-transport-${kind}-${Date.now()}`;
  const counter = { requests: 0 };
  let arrived: (() => void) | null = null;
  const onReaderFrame = (b: Uint8Array) => {
    if (isDocFrame(b)) arrived?.();
  };
  const noop = () => {};
  const open = (onFrame: (b: Uint8Array) => void) =>
    kind === "websocket"
      ? openWebSocket(`${wsBase}/${room}`, onFrame)
      : kind === "sse"
        ? openSse(`${httpBase}/${room}`, onFrame, counter)
        : openLongPoll(`${httpBase}/${room}`, onFrame, counter);
  const reader = await open(onReaderFrame);
  const writer = await open(noop);
  const doc = new Y.Doc();
  let pending: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => {
    pending = u;
  });
  const latencies: number[] = [];
  counter.requests = 0;
  const cpu0 = groupCpuSeconds(pgid);
  const t0 = performance.now();
  try {
    for (let i = 0; i < EDITS; i++) {
      addShapes(doc, [makeShape({ id: `e${i}`, x: i })]);
      const frame = updateFrame(pending!);
      const got = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`edit ${i} not received within ${EDIT_TIMEOUT_MS} ms`)),
          EDIT_TIMEOUT_MS,
        );
        arrived = () => {
          clearTimeout(timer);
          arrived = null;
          resolve();
        };
      });
      const start = performance.now();
      await writer.send(frame);
      await got;
      latencies.push(performance.now() - start);
    }
  } finally {
    reader.close();
    writer.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = groupCpuSeconds(pgid) - cpu0;
  latencies.sort((a, b) => a - b);
  return {
    transport: kind,
    edits: latencies.length,
    p50_ms: fmt(percentile(latencies, 50)),
    p99_ms: fmt(percentile(latencies, 99)),
    server_cpu_ms_per_edit: fmt((cpu * 1000) / latencies.length, 2),
    http_requests_per_edit: fmt(counter.requests / latencies.length, 2),
    seconds: fmt(seconds),
  };
}

export async function transportBenchmark(): Promise<Row[]> {
  const server = await startDevServer();
  try {
    const pgid = server.pid!;
    const httpBase = `${server.url}/parties/main`;
    const rows: Row[] = [];
    for (const kind of ["websocket", "sse", "long-polling"] as const) {
      // Warm-up: the first room start and JIT are not the transport's cost.
      await run(kind, httpBase, server.wsUrl, pgid);
      rows.push(await run(kind, httpBase, server.wsUrl, pgid));
    }
    return rows;
  } finally {
    await server.dispose();
  }
}
