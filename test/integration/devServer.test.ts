/**
 * The harness itself: a dev server started by the helpers leaves no process behind (partykit
 * spawns workerd and esbuild children), and restarts on the same port.
 */
import { execFileSync } from "node:child_process";
import { afterAll, expect, test } from "vitest";
import { type DevServer, startDevServer } from "../helpers/devServer";

let server: DevServer | undefined;

afterAll(async () => {
  await server?.dispose();
});

/** pid and command of every process in process group `pgid`. */
function groupMembers(pgid: number): { pid: number; comm: string }[] {
  const out = execFileSync("ps", ["-eo", "pid=,pgid=,comm="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid)
    .map((f) => ({ pid: Number(f[0]), comm: f.slice(2).join(" ") }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("stop, kill and restart leave no workerd or other child behind", async () => {
  server = await startDevServer();
  const port = server.port;
  const first = server.pid!;
  const members = groupMembers(first);
  expect(members.map((m) => m.comm)).toContain("workerd");

  await server.kill();
  expect(server.pid).toBeNull();
  expect(groupMembers(first)).toEqual([]);
  expect(members.filter((m) => alive(m.pid))).toEqual([]);

  await server.restart();
  expect(server.port).toBe(port);
  const second = server.pid!;
  const res = await fetch(`${server.url}/parties/main/harness-check`);
  expect(res.status).toBe(200);
  const secondMembers = groupMembers(second);

  await server.stop();
  expect(groupMembers(second)).toEqual([]);
  expect(secondMembers.filter((m) => alive(m.pid))).toEqual([]);
});
