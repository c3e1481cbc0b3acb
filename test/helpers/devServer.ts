/**
 * Starts a real `partykit dev` for integration and e2e tests, on a free loopback port with its
 * own persistence directory, and stops it (and every workerd it spawned) by process group.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { delay, waitFor } from "./wait";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The `bin` entry of node_modules/partykit/package.json. */
const PARTYKIT_BIN = join(REPO_ROOT, "node_modules/partykit/dist/bin.mjs");

/** ms. A cold `partykit dev` (esbuild of server and client, workerd boot) on a 2-core machine. */
const START_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;
/** ms. Grace period between SIGTERM and SIGKILL. */
const STOP_GRACE_MS = 5_000;
/** Keep only the tail of the server's output: enough to diagnose a failed start. */
const MAX_LOG_CHARS = 200_000;

export interface DevServerOptions {
  /** Directory for room storage; a fresh temp dir (removed by `dispose`) if omitted. */
  persistDir?: string;
  /** Port to listen on; a free loopback port if omitted. */
  port?: number;
  /** Variables for the room (`--var KEY=VALUE`), e.g. benchmark switches. */
  vars?: Record<string, string>;
  /** Another partykit.json (benchmarks add a stock baseline party), relative to the repo root. */
  config?: string;
}

export interface DevServer {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  /** ws://127.0.0.1:port/parties/main (append `/<roomId>`). */
  readonly wsUrl: string;
  readonly persistDir: string;
  /** Process id (= process group id) of the running server, or null when stopped. */
  readonly pid: number | null;
  /** Everything the server printed (tail). */
  output(): string;
  /** SIGTERM the process group, SIGKILL after 5 s; resolves when every process is gone. */
  stop(): Promise<void>;
  /** SIGKILL the process group at once (a crash); resolves when every process is gone. */
  kill(): Promise<void>;
  /** Starts again on the same port and persistence directory (after stop or kill). */
  restart(): Promise<void>;
  /** stop(), then remove the persistence directory if this helper created it. */
  dispose(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; we release it at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      if (addr === null || typeof addr === "string") {
        srv.close();
        reject(new Error("no port"));
        return;
      }
      const port = addr.port;
      srv.close(() => resolvePort(port));
    });
  });
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolveFree(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolveFree(true)));
  });
}

/** True while any process in the group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

/** Process groups started here and not yet stopped. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/**
 * The dev server runs in its own process group (so one signal reaches workerd too), which also
 * means it would outlive a test worker that dies without running afterAll. Kill what is left
 * when the worker exits or is signalled (synchronous: nothing async runs there).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pgid of liveGroups) signalGroup(pgid, "SIGKILL");
  };
  process.once("exit", killAll);
  // Vitest ends its fork workers with SIGTERM, where Node runs no "exit" handlers: clean up,
  // then die of the same signal as before.
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(sig, () => {
      killAll();
      process.kill(process.pid, sig);
    });
  }
}

export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  const ownsDir = opts.persistDir === undefined;
  const persistDir = opts.persistDir ?? mkdtempSync(join(tmpdir(), "sketchroom-persist-"));
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let log = "";

  const append = (chunk: Buffer) => {
    log += chunk.toString("utf8");
    if (log.length > MAX_LOG_CHARS) log = log.slice(-MAX_LOG_CHARS);
  };

  const terminate = async (signal: NodeJS.Signals, graceMs: number) => {
    const proc = child;
    if (proc?.pid === undefined) return;
    const pgid = proc.pid;
    signalGroup(pgid, signal);
    const gone = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
    if (!gone) signalGroup(pgid, "SIGKILL");
    await exited;
    // The leader is gone; wait for its workerd children (same group) too, and make sure.
    await waitFor(
      () => {
        if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
        return !groupAlive(pgid);
      },
      { timeout: 10_000, interval: 50, message: `process group ${pgid} to exit` },
    );
    liveGroups.delete(pgid);
    child = null;
  };

  const launch = async () => {
    await waitFor(() => isPortFree(port), {
      timeout: 15_000,
      interval: POLL_INTERVAL_MS,
      message: `port ${port} to be free`,
    });
    log = "";
    const proc = spawn(
      process.execPath,
      [
        PARTYKIT_BIN,
        "dev",
        "--port",
        String(port),
        "--persist",
        persistDir,
        "--disable-request-cf-fetch",
        "--no-hotkeys",
        ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}=${v}`]),
        ...(opts.config ? ["--config", opts.config] : []),
      ],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
      },
    );
    child = proc;
    if (proc.pid !== undefined) liveGroups.add(proc.pid);
    installExitHook();
    exited = new Promise((res) => proc.once("exit", () => res()));
    proc.stdout?.on("data", append);
    proc.stderr?.on("data", append);
    let exitCode: number | null = null;
    proc.once("exit", (code, signal) => {
      exitCode = code ?? (signal ? -1 : 0);
    });
    try {
      await waitFor(
        async () => {
          // Truthy ends the wait early; the exit is reported just below.
          if (exitCode !== null) return true;
          try {
            const res = await fetch(`${url}/parties/main/healthcheck-probe`, {
              signal: AbortSignal.timeout(2_000),
            });
            await res.arrayBuffer();
            return res.status < 500;
          } catch {
            return false;
          }
        },
        {
          timeout: START_TIMEOUT_MS,
          interval: POLL_INTERVAL_MS,
          message: `partykit dev to answer on ${url}`,
        },
      );
      if (exitCode !== null) throw new Error(`partykit dev exited early (code ${exitCode})`);
    } catch (err) {
      await terminate("SIGKILL", 0);
      console.error(`---- partykit dev output (port ${port}) ----\n${log}\n---- end ----`);
      throw err;
    }
  };

  try {
    await launch();
  } catch (err) {
    if (ownsDir) rmSync(persistDir, { recursive: true, force: true });
    throw err;
  }

  const server: DevServer = {
    port,
    url,
    wsUrl: `ws://127.0.0.1:${port}/parties/main`,
    persistDir,
    get pid() {
      return child?.pid ?? null;
    },
    output: () => log,
    stop: () => terminate("SIGTERM", STOP_GRACE_MS),
    kill: () => terminate("SIGKILL", 0),
    restart: async () => {
      await terminate("SIGTERM", STOP_GRACE_MS);
      await launch();
    },
    dispose: async () => {
      await terminate("SIGTERM", STOP_GRACE_MS);
      if (ownsDir) rmSync(persistDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** pid and command of every process in process group `pgid` (partykit, workerd, esbuild). */
export function groupMembers(pgid: number): { pid: number; comm: string }[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,comm="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid)
    .map((f) => ({ pid: Number(f[0]), comm: f.slice(2).join(" ") }));
}

/** Whether a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
