/** One action per tool (V H R O D Y L A P T S E K), made from the tools table the toolbar also reads. */
import { TOOLS, type ToolName, toolForKey } from "../tools/tools";
import { isPlain } from "./keys";
import { type Action, defineAction } from "./types";

/** Tools that change nothing: a viewer may still select, pan and point with the laser. */
const VIEW_TOOLS: ReadonlySet<ToolName> = new Set(["select", "hand", "laser"]);

export type ToolActionName = `tool-${ToolName}`;

export function toolActionName(tool: ToolName): ToolActionName {
  return `tool-${tool}`;
}

function toolAction(name: ToolName, label: string): Action<ToolActionName> {
  return defineAction({
    name: toolActionName(name),
    label,
    viewerMay: VIEW_TOOLS.has(name),
    keyTest: (e) => isPlain(e) && toolForKey(e.key) === name,
    // A bare letter has no browser default worth stopping.
    keepDefault: true,
    perform(ctx) {
      ctx.board()?.cancelGesture();
      ctx.setTool(name);
      if (name !== "select") ctx.select([]);
    },
  });
}

export const toolActions: readonly Action<ToolActionName>[] = TOOLS.map((t) =>
  toolAction(t.name, t.label),
);
