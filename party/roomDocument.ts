/**
 * RoomDocument: the room's copy of the board and the rules it keeps. It knows nothing of
 * connections: it applies updates, repairs what breaks the schema, drops what it cannot place,
 * and hands every change to `relay` as a ready sync frame. Frames are written with y-protocols'
 * own writers, so stock Yjs clients read them unchanged.
 */
import type * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { MAX_DOCUMENT_BYTES, MAX_REPORTED_SHAPE_IDS } from "../src/shared/constants";
import { checkEntry, getShapes, readShapes, shapeToJSON, writeShapePatch } from "../src/shared/doc";
import { MessageType } from "../src/shared/protocol";
import { checkReferences, ReferenceIndex } from "../src/shared/references";
import { isWellFormedUpdate } from "./updateGuard";

/** Origin of the room's own repair transactions. */
const REPAIR_ORIGIN = "room-repair";
const STORAGE_ORIGIN = "room-storage";

export interface DocumentStats {
  repairs: number;
  removals: number;
  discarded: number;
  /** Bindings and frame references the room fixed (C12, C13): convergence, not an error. */
  references: number;
}

export type ApplyResult =
  | {
      status: "applied";
      /** Part of the update depended on content the room lacks and was dropped. */
      discarded: boolean;
      /** Shapes the update broke and the room repaired or removed (at most MAX_REPORTED_SHAPE_IDS). */
      repaired: { count: number; ids: string[] };
    }
  /** Not structurally a Yjs update: the sender is broken or hostile. */
  | { status: "malformed" }
  /** Applying it would take the document over its cap; it was not applied. */
  | { status: "too-large"; limit: number };

export class RoomDocument {
  readonly doc = new Y.Doc({ gc: true });
  /** Shape ids touched by the transaction being applied (for repair). */
  private touched = new Set<string>();
  /** Size of the last encoded snapshot plus update bytes applied since: a cheap size estimate. */
  private approxBytes = 0;
  /** Who refers to whom (bindings, frames), so a move costs its connectors, not a board scan. */
  private readonly references: ReferenceIndex;

  constructor(
    /** Every change (clients', repairs) as a sync update frame, with its transaction origin. */
    private readonly relay: (frame: Uint8Array, origin: unknown) => void,
    readonly stats: DocumentStats,
    private readonly log: (message: string) => void,
    readonly maxBytes = MAX_DOCUMENT_BYTES,
  ) {
    getShapes(this.doc).observeDeep((events) => {
      for (const event of events) {
        if (event.target === getShapes(this.doc)) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) this.touched.add(key);
        } else {
          const id = event.path[0];
          if (typeof id === "string") this.touched.add(id);
        }
      }
    });
    this.references = new ReferenceIndex(getShapes(this.doc) as Y.Map<unknown>);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === STORAGE_ORIGIN) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.Sync);
      syncProtocol.writeUpdate(encoder, update);
      this.relay(encoding.toUint8Array(encoder), origin);
    });
  }

  /** Restores a stored snapshot; content stored before a schema rule existed is repaired. */
  restore(snapshot: Uint8Array | null): void {
    if (snapshot) {
      Y.applyUpdate(this.doc, snapshot, STORAGE_ORIGIN);
      this.approxBytes = snapshot.byteLength;
      // Snapshots written before the room discarded pending content may still carry some.
      if (this.discardPending()) this.log("discarded stored content with missing dependencies");
    }
    this.touched = new Set(getShapes(this.doc).keys());
    this.repairTouched();
  }

  /** Sync step 1: the room's state vector; a client answers with a step 2 holding what we lack. */
  step1Frame(): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    return encoding.toUint8Array(encoder);
  }

  /** The answer to a client's step 1 (`decoder` positioned at its state vector): a step 2. */
  step2Frame(decoder: decoding.Decoder): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.Sync);
    syncProtocol.readSyncStep1(decoder, encoder, this.doc);
    return encoding.toUint8Array(encoder);
  }

  /**
   * Applies a client's update with `origin` (its connection: the relay skips the author).
   * Throws if Yjs gives up halfway, after repairing whatever landed.
   */
  apply(update: Uint8Array, origin: unknown): ApplyResult {
    // Structure first: Yjs trusts the counts inside an update (see updateGuard.ts).
    if (!isWellFormedUpdate(update)) return { status: "malformed" };
    // An empty step 2 adds nothing: refusing it would make every tab that joins a full room
    // reload (C9) and rejoin forever.
    if (!isEmptyUpdate(update) && this.approxBytes + update.byteLength > this.maxBytes) {
      return { status: "too-large", limit: this.maxBytes };
    }
    this.touched.clear();
    try {
      Y.applyUpdate(this.doc, update, origin);
    } catch (error) {
      // Yjs can throw halfway through a well-formed update after integrating (and relaying)
      // the structs before the failing one: repair what landed before the sender is closed.
      this.approxBytes += update.byteLength;
      this.discardPending();
      this.repairTouched();
      throw error;
    }
    this.approxBytes += update.byteLength;
    const discarded = this.discardPending();
    return { status: "applied", discarded, repaired: this.repairTouched() };
  }

  /** A compacted snapshot for storage; also resets the size estimate to its exact size. */
  encodeSnapshot(): Uint8Array {
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.approxBytes = snapshot.byteLength;
    return snapshot;
  }

  /** The HTTP snapshot: valid shapes in paint order. */
  shapesJSON(): { shapes: Record<string, unknown>[] } {
    return { shapes: readShapes(this.doc).map(shapeToJSON) };
  }

  /**
   * Drops what Yjs keeps aside from the last update because it depends on content the room does
   * not have (structs after a gap, deletions of unknown items). Yjs would send it to every peer
   * that syncs and store it in snapshots, and a peer receiving it in one piece can integrate
   * parts the room never retries: peers would then hold content the room does not, and their
   * edits would never be acknowledged (docs/conflicts.md, C11). Returns whether anything went.
   */
  private discardPending(): boolean {
    const store = this.doc.store;
    if (store.pendingStructs === null && store.pendingDs === null) return false;
    store.pendingStructs = null;
    store.pendingDs = null;
    this.stats.discarded++;
    return true;
  }

  /**
   * Checks every shape the last transaction touched and repairs or removes the invalid ones, in
   * one room transaction that reaches every client (the author's optimistic edit rolls back).
   */
  private repairTouched(): { count: number; ids: string[] } {
    const none = { count: 0, ids: [] };
    if (this.touched.size === 0) return none;
    const ids = [...this.touched];
    this.touched.clear();
    // Values may be Y.Maps or compact plain objects (docs/schema.md).
    const shapes = getShapes(this.doc) as Y.Map<unknown>;
    const fixes: { id: string; patch?: Record<string, unknown> }[] = [];
    for (const id of ids) {
      if (!shapes.has(id)) continue;
      const result = checkEntry(id, shapes.get(id));
      if (result.status === "repair") fixes.push({ id, patch: result.patch });
      else if (result.status === "remove") fixes.push({ id });
    }
    const touched = new Set(ids);
    // References between shapes (C12, C13) depend on the whole board: checked after the schema
    // fixes, in the same transaction, so a shape the room removes also loses its referrers.
    const needsReferences = () => checkReferences(shapes, touched, this.references);
    const references = fixes.length === 0 ? needsReferences() : null;
    if (fixes.length === 0 && references?.length === 0) return none;
    this.doc.transact(() => {
      for (const fix of fixes) {
        if (fix.patch && writeShapePatch(shapes, fix.id, fix.patch)) this.stats.repairs++;
        else {
          shapes.delete(fix.id);
          this.stats.removals++;
        }
      }
      for (const fix of references ?? needsReferences()) {
        if (writeShapePatch(shapes, fix.id, fix.patch)) this.stats.references++;
      }
    }, REPAIR_ORIGIN);
    this.touched.clear();
    if (fixes.length === 0) return none;
    return {
      count: fixes.length,
      ids: fixes.map((f) => f.id).slice(0, MAX_REPORTED_SHAPE_IDS),
    };
  }
}

/** An update that adds and deletes nothing (what a client with nothing new sends as step 2). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  // Two zero varints: no structs, empty delete set.
  return update.byteLength === 2 && update[0] === 0 && update[1] === 0;
}
