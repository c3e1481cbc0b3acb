/**
 * Checks a Yjs (v1) update's structure before Yjs decodes it.
 *
 * Updates come off the wire from untrusted peers. Yjs trusts their counts: a crafted update that
 * claims 2^50 structs makes it allocate a huge array or loop for hours reading past the end of
 * the buffer (lib0 returns `undefined` there instead of throwing). This walks the same format
 * with every count, length and nesting depth bounded by the bytes actually present, and says
 * no to anything that does not fit. It allocates nothing but the walk itself.
 *
 * Format: yjs/src/utils/encoding.js (writeClientsStructs, writeDeleteSet) and
 * yjs/src/structs/Item.js (readItemContent).
 */

import { MAX_UPDATE_ANY_DEPTH as MAX_ANY_DEPTH } from "../src/shared/constants";

const BITS5 = 31;
const BIT6 = 32;
const BIT7 = 64;
const BIT8 = 128;

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.bytes.length) throw new UpdateError("truncated");
    return this.bytes[this.pos++]!;
  }

  varUint(): number {
    let num = 0;
    let mult = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      num += (b & 0x7f) * mult;
      if (b < 0x80) return num;
      mult *= 128;
    }
    throw new UpdateError("varuint too long");
  }

  varInt(): void {
    let b = this.u8();
    for (let i = 0; b & 0x80; i++) {
      if (i > 8) throw new UpdateError("varint too long");
      b = this.u8();
    }
  }

  skip(n: number): void {
    if (n > this.remaining) throw new UpdateError("length past end");
    this.pos += n;
  }

  /** A count of things that each take at least `minBytes` bytes. */
  count(minBytes = 1): number {
    const n = this.varUint();
    if (n * minBytes > this.remaining) throw new UpdateError("count larger than the update");
    return n;
  }

  varString(): void {
    this.skip(this.varUint());
  }
}

class UpdateError extends Error {}

/** Throws UpdateError when `update` is not a well-formed Yjs v1 update. */
function assertWellFormedUpdate(update: Uint8Array): void {
  const r = new Reader(update);
  const clients = r.count(3);
  for (let c = 0; c < clients; c++) {
    const structs = r.count(1);
    r.varUint(); // client
    r.varUint(); // clock
    for (let s = 0; s < structs; s++) readStruct(r);
  }
  // Delete set.
  const dsClients = r.count(2);
  for (let c = 0; c < dsClients; c++) {
    r.varUint(); // client
    const deletes = r.count(2);
    for (let d = 0; d < deletes; d++) {
      r.varUint(); // clock
      r.varUint(); // len
    }
  }
  if (r.remaining !== 0) throw new UpdateError("trailing bytes");
}

/** Whether `update` is well formed (never throws). */
export function isWellFormedUpdate(update: Uint8Array): boolean {
  try {
    assertWellFormedUpdate(update);
    return true;
  } catch (error) {
    if (error instanceof UpdateError) return false;
    throw error;
  }
}

function readStruct(r: Reader): void {
  const info = r.u8();
  switch (info & BITS5) {
    case 0: // GC
    case 10: // Skip
      r.varUint();
      return;
    default: {
      const cantCopyParentInfo = (info & (BIT7 | BIT8)) === 0;
      if (info & BIT8) readId(r); // origin
      if (info & BIT7) readId(r); // right origin
      if (cantCopyParentInfo) {
        if (r.varUint() === 1)
          r.varString(); // parent is a root type, by name
        else readId(r); // parent is an item
        if (info & BIT6) r.varString(); // parentSub (map key)
      }
      readContent(r, info & BITS5);
    }
  }
}

function readId(r: Reader): void {
  r.varUint();
  r.varUint();
}

function readContent(r: Reader, ref: number): void {
  switch (ref) {
    case 1: // ContentDeleted
      r.varUint();
      return;
    case 2: {
      // ContentJSON
      const n = r.count(1);
      for (let i = 0; i < n; i++) r.varString();
      return;
    }
    case 3: // ContentBinary
      r.skip(r.varUint());
      return;
    case 4: // ContentString
    case 5: // ContentEmbed
      r.varString();
      return;
    case 6: // ContentFormat
      r.varString();
      r.varString();
      return;
    case 7: {
      // ContentType
      const typeRef = r.varUint();
      if (typeRef > 6) throw new UpdateError("unknown type ref");
      if (typeRef === 3 || typeRef === 5) r.varString(); // XmlElement / XmlHook name
      return;
    }
    case 8: {
      // ContentAny
      const n = r.count(1);
      for (let i = 0; i < n; i++) readAny(r, 0);
      return;
    }
    case 9: // ContentDoc
      r.varString();
      readAny(r, 0);
      return;
    default:
      throw new UpdateError(`unknown content ref ${ref}`);
  }
}

function readAny(r: Reader, depth: number): void {
  if (depth > MAX_ANY_DEPTH) throw new UpdateError("value nested too deep");
  const type = r.u8();
  switch (type) {
    case 127: // undefined
    case 126: // null
    case 121: // false
    case 120: // true
      return;
    case 125:
      r.varInt();
      return;
    case 124:
      r.skip(4);
      return;
    case 123:
    case 122:
      r.skip(8);
      return;
    case 119:
      r.varString();
      return;
    case 118: {
      const n = r.count(2);
      for (let i = 0; i < n; i++) {
        r.varString();
        readAny(r, depth + 1);
      }
      return;
    }
    case 117: {
      const n = r.count(1);
      for (let i = 0; i < n; i++) readAny(r, depth + 1);
      return;
    }
    case 116:
      r.skip(r.varUint());
      return;
    default:
      throw new UpdateError(`unknown value type ${type}`);
  }
}
