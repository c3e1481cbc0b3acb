/**
 * The harness itself: a dev server started by the helpers leaves no process behind (partykit
 * spawns workerd and esbuild children), and restarts on the same port.
 */
import { afterAll, expect, test } from "vitest";
import { type DevServer, groupMembers, processAlive, startDevServer } from "../helpers/devServer";

let server: DevServer | undefined;

afterAll(async () => {
  await server?.dispose();
});

test("stop, kill and restart leave no workerd or other child behind", async () => {
  server = await startDevServer();
  const port = server.port;
  const first = server.pid!;
  const members = groupMembers(first);
  expect(members.map((m) => m.comm)).toContain("workerd");

  await server.kill();
  expect(server.pid).toBeNull();
  expect(groupMembers(first)).toEqual([]);
  expect(members.filter((m) => processAlive(m.pid))).toEqual([]);

  await server.restart();
  expect(server.port).toBe(port);
  const second = server.pid!;
  const res = await fetch(`${server.url}/parties/main/harness-check`);
  expect(res.status).toBe(200);
  const secondMembers = groupMembers(second);

  await server.stop();
  expect(groupMembers(second)).toEqual([]);
  expect(secondMembers.filter((m) => processAlive(m.pid))).toEqual([]);
});
