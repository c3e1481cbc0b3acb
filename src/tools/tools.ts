/**
 * The tools, their shortcuts and labels: one table the toolbar and the keyboard both read. A
 * tool is one row here and one line in src/canvas/gestures/registry.ts (what it does on the
 * canvas); `ToolName` is derived from the rows.
 */

interface ToolRow {
  name: string;
  label: string;
  key: string;
  /** Draws a shape of the same type by dragging (see DRAW_TOOLS). */
  draws?: true;
}

export const TOOLS = [
  { name: "select", label: "Select", key: "V" },
  { name: "hand", label: "Hand (pan)", key: "H" },
  { name: "rect", label: "Rectangle", key: "R", draws: true },
  { name: "ellipse", label: "Ellipse", key: "O", draws: true },
  { name: "diamond", label: "Diamond", key: "D", draws: true },
  { name: "triangle", label: "Triangle", key: "Y", draws: true },
  { name: "line", label: "Line", key: "L", draws: true },
  { name: "arrow", label: "Arrow", key: "A", draws: true },
  { name: "pen", label: "Pen", key: "P", draws: true },
  { name: "text", label: "Text", key: "T" },
  { name: "sticky", label: "Sticky note", key: "S", draws: true },
  { name: "eraser", label: "Eraser", key: "E" },
  { name: "frame", label: "Frame", key: "F", draws: true },
  { name: "laser", label: "Laser pointer", key: "K" },
] as const satisfies readonly ToolRow[];

export type ToolName = (typeof TOOLS)[number]["name"];

export interface ToolInfo extends ToolRow {
  name: ToolName;
}

const BY_KEY = new Map<string, ToolName>(TOOLS.map((t) => [t.key.toLowerCase(), t.name]));

/** The tool a plain (unmodified) key press selects, if any. */
export function toolForKey(key: string): ToolName | null {
  return BY_KEY.get(key.toLowerCase()) ?? null;
}

/**
 * Tools that draw a shape by dragging. Receivers accept another user's draft only of these
 * types (src/presence/peers.ts), so a drawing tool's name is the type of shape it draws.
 */
export const DRAW_TOOLS: ReadonlySet<ToolName> = new Set(
  TOOLS.flatMap((t): ToolName[] => ("draws" in t ? [t.name] : [])),
);
