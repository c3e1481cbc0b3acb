/**
 * Wires fake WebSockets to an in-memory RoomServer through one FIFO queue of deliveries, so a
 * real RoomClient (partysocket + y-protocols) talks to the real room logic with no network.
 * Nothing moves until the test calls `pump()`.
 */
import type { RoomConnection, RoomServer } from "../../../party/room";
import { createFakeWebSocket, type FakeSocket, type FakeSocketClass } from "./fakeSocket";

export interface RoomLink extends FakeSocketClass {
  /** Runs queued deliveries (both directions) until none are left. Returns how many ran. */
  pump(): number;
  /** The room-side connection of a socket. */
  connOf(socket: FakeSocket): RoomConnection;
  /** When false, new sockets are not accepted (the server is unreachable). */
  accepting: boolean;
}

export function linkToRoom(room: RoomServer): RoomLink {
  const queue: (() => void)[] = [];
  const conns = new Map<FakeSocket, RoomConnection>();
  let next = 0;
  const link: RoomLink = {
    ...createFakeWebSocket((socket) => {
      const conn: RoomConnection = {
        id: `conn-${++next}`,
        send: (data) => queue.push(() => socket.deliver(data)),
        close: (code, reason) => queue.push(() => socket.drop(code, reason)),
      };
      conns.set(socket, conn);
      socket.onSend = (data) => {
        const frame =
          typeof data === "string"
            ? data
            : data instanceof ArrayBuffer
              ? new Uint8Array(data)
              : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
        queue.push(() => room.message(conn, frame));
      };
      socket.onClientClose = () => queue.push(() => room.disconnect(conn));
      queue.push(() => {
        if (!link.accepting || socket.readyState !== 0) return;
        room.connect(conn);
        socket.accept();
      });
    }),
    accepting: true,
    pump() {
      let n = 0;
      while (queue.length > 0 && n < 100_000) {
        queue.shift()!();
        n++;
      }
      return n;
    },
    connOf(socket) {
      return conns.get(socket)!;
    },
  };
  return link;
}
