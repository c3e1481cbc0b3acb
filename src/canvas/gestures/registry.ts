/**
 * Tool id → what it does on the canvas. A new tool is one new gesture file and one line here
 * (a new drawing tool: a shape builder and `drawTool(name, builder)`); the board's dispatcher
 * never changes. The Record type makes a tool without a line here a compile error.
 */
import type { ToolName } from "../../tools/tools";
import { drawTool } from "./draw";
import { eraserTool } from "./erase";
import { frameTool } from "./frame";
import { laserTool } from "./laser";
import { startPan } from "./pan";
import { selectTool } from "./select";
import { textTool } from "./text";
import type { ToolBehaviour } from "./types";

export const TOOL_BEHAVIOURS: Readonly<Record<ToolName, ToolBehaviour>> = {
  select: selectTool,
  hand: { cursor: "grab", start: startPan },
  rect: drawTool("rect"),
  ellipse: drawTool("ellipse"),
  diamond: drawTool("diamond"),
  triangle: drawTool("triangle"),
  line: drawTool("line"),
  arrow: drawTool("arrow"),
  pen: drawTool("pen"),
  sticky: drawTool("sticky"),
  text: textTool,
  eraser: eraserTool,
  frame: frameTool,
  laser: laserTool,
};

/** The canvas cursor for a tool, with the gesture in progress (if any) and space held. */
export function cursorFor(
  tool: ToolName,
  gestureCursor: string | undefined,
  spaceHeld: boolean,
): string {
  if (gestureCursor) return gestureCursor;
  if (spaceHeld) return "grab";
  return TOOL_BEHAVIOURS[tool].cursor;
}
