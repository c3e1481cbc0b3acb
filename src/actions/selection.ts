/** Helpers actions share for reading the selection. */
import type { Shape } from "../shared/schema";
import type { ActionContext } from "./types";

/** The selected shapes, in paint order. */
export function selectedShapes(ctx: ActionContext): Shape[] {
  const wanted = new Set(ctx.selection());
  return ctx.shapes().filter((s) => wanted.has(s.id));
}
