/** Minimal text diffs (src/doc/textDiff.ts). */
import { describe, expect, test } from "vitest";
import * as Y from "yjs";
import { applyTextDiff, diffText, mapCaret } from "../../src/doc/textDiff";

describe("diffText", () => {
  test("finds the single changed span", () => {
    expect(diffText("hello", "hello")).toBeNull();
    expect(diffText("hello", "help")).toEqual({ index: 3, deleteCount: 2, insert: "p" });
    expect(diffText("abc", "abXc")).toEqual({ index: 2, deleteCount: 0, insert: "X" });
    expect(diffText("aaa", "aa")).toEqual({ index: 2, deleteCount: 1, insert: "" });
    expect(diffText("", "new")).toEqual({ index: 0, deleteCount: 0, insert: "new" });
  });

  test("never splits a surrogate pair", () => {
    const splice = diffText("a😀b", "a😃b")!;
    expect(splice.index).toBe(1);
    expect(splice.insert).toBe("😃");
    const t = new Y.Text("a😀b");
    new Y.Doc().getMap("m").set("t", t);
    applyTextDiff(t, "a😃b");
    expect(t.toString()).toBe("a😃b");
  });

  test("applyTextDiff reaches the target for arbitrary edits", () => {
    const doc = new Y.Doc();
    const t = doc.getText("t");
    for (const next of ["hello", "hello world", "hi world", "", "x", "xyx"]) {
      applyTextDiff(t, next);
      expect(t.toString()).toBe(next);
    }
  });
});

describe("mapCaret", () => {
  test("inserts before the caret push it right, after it leave it", () => {
    expect(mapCaret(5, [{ insert: "ab" }])).toBe(7);
    expect(mapCaret(5, [{ retain: 6 }, { insert: "ab" }])).toBe(5);
  });
  test("deletes before the caret pull it left, at most to the deletion start", () => {
    expect(mapCaret(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(mapCaret(5, [{ retain: 3 }, { delete: 10 }])).toBe(3);
    expect(mapCaret(2, [{ retain: 4 }, { delete: 1 }])).toBe(2);
  });
});
