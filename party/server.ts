import type * as Party from "partykit/server";
export default class S implements Party.Server {
  constructor(readonly room: Party.Room) {}
  onRequest() {
    return new Response("hi " + this.room.id);
  }
  onMessage(m: string | ArrayBuffer, c: Party.Connection) {
    c.send(m);
  }
}
