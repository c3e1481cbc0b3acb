/**
 * "While you were away": after an offline spell, what others changed while the tab caught up,
 * and which of this tab's offline edits did not stick (a key another writer won, C2, or a shape
 * the room or a peer removed, C3/C8). Pure Yjs: it watches the document's own events between
 * `start()` (the connection dropped) and `finish()` (the room's state has been merged), so it
 * costs nothing while the tab is online. Unit-tested in Node with two Y.Docs.
 *
 * This module loads after the page (src/ui/AwayNotice.tsx) and imports no Yjs of its own: a
 * second importer of Yjs would split Yjs out of the initial chunk and cost every visitor bytes.
 * It takes the `shapes` map and finds the Y.Map class through it.
 */
import type * as Y from "yjs";

/** One author's part of what changed while this tab was away. */
export interface AwayAuthor {
  /** The peer's name from awareness, or null when nobody present can say ("someone"). */
  name: string | null;
  added: number;
  changed: number;
  deleted: number;
}

/** One of this tab's offline edits that did not stick. */
export interface LostEdit {
  id: string;
  /** The property that another write won, or null when the whole shape went. */
  key: string | null;
  /** overwritten: a concurrent write won (C2) or the room repaired it (C8); removed: the shape is gone. */
  kind: "overwritten" | "removed";
  /** Who won, when awareness can tell; null for "someone or the room". */
  by: string | null;
}

export interface AwaySummary {
  others: AwayAuthor[];
  lost: LostEdit[];
}

/** The item Yjs keeps for a map key: its id says which client wrote the current value. */
interface MapItem {
  id: { client: number };
  deleted: boolean;
}

/**
 * The current item of `key` in a Y.Map. Yjs exposes who wrote a value only through this
 * internal field (stable across Yjs 13); it is read, never written.
 */
function itemOf(map: Y.Map<unknown>, key: string): MapItem | undefined {
  return (map as unknown as { _map: Map<string, MapItem> })._map.get(key);
}

/** The shape id an event inside `shapes` belongs to, and whether it is on `shapes` itself. */
function shapeIdOf(event: Y.YEvent<Y.AbstractType<unknown>>): string | null {
  const first = event.path[0];
  return typeof first === "string" ? first : null;
}

/** Stands for "someone": Yjs client ids are unsigned, so no client has it. */
const UNKNOWN_WRITER = -1;

/** True when the summary has nothing worth showing. */
export function isEmptySummary(s: AwaySummary): boolean {
  return s.others.length === 0 && s.lost.length === 0;
}

export class AwayTracker {
  private readonly doc: Y.Doc;
  /** The Y.Map class of the Yjs the document uses (see the module comment). */
  private readonly YMap: typeof Y.Map;
  /** This tab's offline writes: shape id → keys written ("" = the whole entry: created, replaced). */
  private readonly own = new Map<string, Set<string>>();
  /** Shapes this tab deleted offline: their absence is this tab's own doing. */
  private readonly ownDeleted = new Set<string>();
  /** Remote changes since reconnecting: shape id → what happened and which clients wrote it. */
  private readonly remote = new Map<
    string,
    { action: "added" | "changed" | "deleted"; clients: Set<number> }
  >();
  private phase: "idle" | "away" | "catching-up" = "idle";

  constructor(
    /** The document's `shapes` map (getShapes in src/shared/doc.ts). */
    private readonly shapes: Y.Map<unknown>,
    /** Origin of the room's updates: everything else in a local transaction is this tab's. */
    private readonly remoteOrigin: unknown,
  ) {
    if (!shapes.doc) throw new Error("AwayTracker: the shapes map is not in a document");
    this.doc = shapes.doc;
    this.YMap = shapes.constructor as typeof Y.Map;
  }

  get active(): boolean {
    return this.phase !== "idle";
  }

  /** Reconnected and waiting for the room's state. */
  get catchingUp(): boolean {
    return this.phase === "catching-up";
  }

  /** The connection dropped: from now on this tab's edits are offline edits. */
  start(): void {
    // Dropped again before the catch-up finished: keep what was recorded, keep watching.
    if (this.phase === "catching-up") this.phase = "away";
    if (this.phase !== "idle") return;
    this.own.clear();
    this.ownDeleted.clear();
    this.remote.clear();
    this.phase = "away";
    this.shapes.observeDeep(this.observer);
  }

  /** The connection is back: what the room sends from now on is what others did meanwhile. */
  reconnected(): void {
    if (this.phase === "away") this.phase = "catching-up";
  }

  /** Stops watching without a summary (the tab is closing). */
  stop(): void {
    if (this.phase !== "idle") this.shapes.unobserveDeep(this.observer);
    this.phase = "idle";
  }

  /**
   * The room's state has been merged (and this tab's offline edits acknowledged): the summary.
   * `nameOf` maps a Yjs client id to a present peer's name (awareness), else null.
   */
  finish(nameOf: (clientId: number) => string | null): AwaySummary {
    const lost = this.lostEdits(nameOf);
    const lostIds = new Set(lost.map((l) => l.id));
    const authors = new Map<string, AwayAuthor>();
    for (const [id, change] of this.remote) {
      // A repair or loss of this tab's own edit is listed once, as a lost edit.
      if (lostIds.has(id)) continue;
      const names = [...change.clients]
        .filter((c) => c !== this.doc.clientID)
        .map((c) => nameOf(c));
      const name = names.find((n) => n !== null) ?? null;
      const key = name ?? "";
      const author = authors.get(key) ?? { name, added: 0, changed: 0, deleted: 0 };
      authors.set(key, author);
      author[change.action]++;
    }
    this.stop();
    // Named authors first, then "someone".
    const others = [...authors.values()].sort((a, b) =>
      a.name === b.name ? 0 : a.name === null ? 1 : b.name === null ? -1 : a.name < b.name ? -1 : 1,
    );
    return { others, lost };
  }

  private lostEdits(nameOf: (clientId: number) => string | null): LostEdit[] {
    const lost: LostEdit[] = [];
    const me = this.doc.clientID;
    const by = (client: number) => (client === me ? null : nameOf(client));
    for (const [id, keys] of this.own) {
      const entry = itemOf(this.shapes, id);
      const value = this.shapes.get(id);
      if (value === undefined) {
        if (!this.ownDeleted.has(id)) {
          lost.push({ id, key: null, kind: "removed", by: null });
        }
        continue;
      }
      if (keys.has("") && entry && entry.id.client !== me) {
        lost.push({ id, key: null, kind: "overwritten", by: by(entry.id.client) });
        continue;
      }
      if (!(value instanceof this.YMap)) continue;
      // A shape this tab created offline: a repair of any of its keys is a loss.
      for (const key of keys.has("") ? value.keys() : keys) {
        if (key === "") continue;
        const item = itemOf(value, key);
        if (!item) continue;
        // Our set is kept when the current item is ours and alive; our delete is kept when the
        // current item is deleted. Anything else means another write came after or won the tie.
        const kept = item.deleted || item.id.client === me;
        if (!kept) lost.push({ id, key, kind: "overwritten", by: by(item.id.client) });
      }
    }
    return lost;
  }

  private readonly observer = (
    events: Y.YEvent<Y.AbstractType<unknown>>[],
    transaction: Y.Transaction,
  ) => {
    const remote = transaction.origin === this.remoteOrigin || !transaction.local;
    if (!remote && this.phase !== "away") return;
    if (remote && this.phase !== "catching-up") return;
    for (const event of events) {
      if (event.target === this.shapes) {
        for (const [id, change] of event.changes.keys) {
          if (remote) {
            const action =
              change.action === "add"
                ? "added"
                : change.action === "update"
                  ? "changed"
                  : "deleted";
            const item = itemOf(this.shapes, id);
            this.noteRemote(id, action, action === "deleted" || !item ? [] : [item.id.client]);
          } else if (change.action === "delete") {
            this.ownDeleted.add(id);
            this.own.delete(id);
          } else {
            this.ownDeleted.delete(id);
            this.own.set(id, new Set([""]));
          }
        }
        continue;
      }
      const id = shapeIdOf(event);
      if (id === null) continue;
      if (remote) {
        const clients = this.writersOf(event);
        if (clients.length > 0) this.noteRemote(id, "changed", clients);
      } else if (event.target instanceof this.YMap && event.path.length === 1) {
        const keys = this.own.get(id) ?? new Set<string>();
        for (const key of (event as Y.YMapEvent<unknown>).keysChanged) keys.add(key);
        this.own.set(id, keys);
      }
    }
  };

  /**
   * Who made a remote change inside a shape, as Yjs client ids (UNKNOWN_WRITER for a deletion,
   * which carries no author). A key whose current value is still this tab's is left out: the
   * remote write lost to it (C2), so nothing this user sees changed.
   */
  private writersOf(event: Y.YEvent<Y.AbstractType<unknown>>): number[] {
    const me = this.doc.clientID;
    if (event.target instanceof this.YMap) {
      const map = event.target as Y.Map<unknown>;
      return [...(event as Y.YMapEvent<unknown>).keysChanged].flatMap((key) => {
        const item = itemOf(map, key);
        if (!item || item.deleted) return [UNKNOWN_WRITER];
        return item.id.client === me ? [] : [item.id.client];
      });
    }
    const added = [...event.changes.added].map((item) => item.id.client).filter((c) => c !== me);
    if (added.length > 0) return added;
    return event.changes.deleted.size > 0 ? [UNKNOWN_WRITER] : [];
  }

  private noteRemote(id: string, action: "added" | "changed" | "deleted", clients: number[]) {
    const prior = this.remote.get(id);
    if (!prior) {
      this.remote.set(id, { action, clients: new Set(clients) });
      return;
    }
    for (const c of clients) prior.clients.add(c);
    // Added then changed is an addition; anything then deleted is a deletion; added then
    // deleted while catching up is nothing anyone saw.
    if (action === "deleted") {
      if (prior.action === "added") this.remote.delete(id);
      else prior.action = "deleted";
    } else if (prior.action === "deleted") {
      prior.action = "changed";
    }
  }
}

/** One line per author ("Ada added 2 shapes, changed 1"), for the notice. */
export function describeAuthor(a: AwayAuthor): string {
  const parts: string[] = [];
  const n = (count: number, verb: string) =>
    count > 0 && parts.push(`${verb} ${count} shape${count === 1 ? "" : "s"}`);
  n(a.added, "added");
  n(a.changed, "changed");
  n(a.deleted, "deleted");
  return `${a.name ?? "Someone"} ${parts.join(", ")}`;
}

/** One line per lost edit, for the notice. */
export function describeLost(l: LostEdit, typeOf: (id: string) => string | null): string {
  const what = typeOf(l.id) ?? "shape";
  if (l.kind === "removed") return `A ${what} you edited was removed`;
  const who = l.by ?? "someone else or the room";
  return l.key === null
    ? `Your ${what} was replaced by ${who}`
    : `Your change to a ${what}'s ${l.key} lost to ${who}`;
}
