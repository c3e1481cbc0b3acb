/** The tools, their shortcuts and labels: one table the toolbar and the keyboard both read. */

export type ToolName =
  | "select"
  | "hand"
  | "rect"
  | "ellipse"
  | "line"
  | "arrow"
  | "pen"
  | "text"
  | "sticky"
  | "eraser";

export interface ToolInfo {
  name: ToolName;
  label: string;
  key: string;
}

export const TOOLS: readonly ToolInfo[] = [
  { name: "select", label: "Select", key: "V" },
  { name: "hand", label: "Hand (pan)", key: "H" },
  { name: "rect", label: "Rectangle", key: "R" },
  { name: "ellipse", label: "Ellipse", key: "O" },
  { name: "line", label: "Line", key: "L" },
  { name: "arrow", label: "Arrow", key: "A" },
  { name: "pen", label: "Pen", key: "P" },
  { name: "text", label: "Text", key: "T" },
  { name: "sticky", label: "Sticky note", key: "S" },
  { name: "eraser", label: "Eraser", key: "E" },
];

const BY_KEY = new Map(TOOLS.map((t) => [t.key.toLowerCase(), t.name]));

/** The tool a plain (unmodified) key press selects, if any. */
export function toolForKey(key: string): ToolName | null {
  return BY_KEY.get(key.toLowerCase()) ?? null;
}

/** Tools that draw a shape by dragging. */
export const DRAW_TOOLS: ReadonlySet<ToolName> = new Set([
  "rect",
  "ellipse",
  "line",
  "arrow",
  "pen",
  "sticky",
]);
