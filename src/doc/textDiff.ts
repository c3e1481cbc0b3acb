/**
 * Minimal text edits for Y.Text: replacing a whole string would make two people typing in one
 * note overwrite each other; a delete + insert around the common prefix/suffix merges.
 */
import type * as Y from "yjs";

export interface TextSplice {
  index: number;
  deleteCount: number;
  insert: string;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** The single splice that turns `before` into `after`, or null when they are equal. */
export function diffText(before: string, after: string): TextSplice | null {
  if (before === after) return null;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair: Y.Text indexes UTF-16 code units.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix--;
  return {
    index: prefix,
    deleteCount: before.length - prefix - suffix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

/** Applies `next` to `ytext` as one splice. Call inside a transaction. */
export function applyTextDiff(ytext: Y.Text, next: string): void {
  const splice = diffText(ytext.toString(), next);
  if (!splice) return;
  if (splice.deleteCount > 0) ytext.delete(splice.index, splice.deleteCount);
  if (splice.insert) ytext.insert(splice.index, splice.insert);
}

/**
 * Moves a caret (an index into the old text) through a Y.Text change delta, so a remote edit
 * arriving while the user types does not make their caret jump.
 */
export function mapCaret(
  caret: number,
  delta: ReadonlyArray<{ retain?: number; insert?: unknown; delete?: number }>,
): number {
  let pos = 0; // position in the old text
  let out = caret;
  for (const op of delta) {
    if (pos > caret) break;
    if (op.retain !== undefined) {
      pos += op.retain;
    } else if (typeof op.insert === "string") {
      if (pos < caret) out += op.insert.length;
    } else if (op.delete !== undefined) {
      if (caret > pos) out -= Math.min(op.delete, caret - pos);
      pos += op.delete;
    }
  }
  return Math.max(0, out);
}
