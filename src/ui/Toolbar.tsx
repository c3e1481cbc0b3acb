/** The top-centre tool picker. Each button names its shortcut in the tooltip. */
import { TOOLS, type ToolName } from "../tools/tools";
import { ICONS } from "./icons";

interface Props {
  tool: ToolName;
  onTool: (tool: ToolName) => void;
  /** View-only: only the tools that do not edit stay enabled. */
  readOnly?: boolean;
}

const VIEW_TOOLS: ReadonlySet<ToolName> = new Set(["select", "hand"]);

export function Toolbar({ tool, onTool, readOnly = false }: Props) {
  return (
    <div className="toolbar panel" role="toolbar" aria-label="Tools">
      {TOOLS.map((t) => (
        <button
          key={t.name}
          type="button"
          className={t.name === tool ? "tool active" : "tool"}
          data-testid={`tool-${t.name}`}
          title={`${t.label} — ${t.key}`}
          aria-label={t.label}
          aria-pressed={t.name === tool}
          disabled={readOnly && !VIEW_TOOLS.has(t.name)}
          onClick={() => onTool(t.name)}
        >
          {ICONS[t.name]}
          <span className="tool-key">{t.key}</span>
        </button>
      ))}
    </div>
  );
}
