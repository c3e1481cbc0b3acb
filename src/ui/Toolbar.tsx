/** The top-centre tool picker. Each button names its shortcut in the tooltip. */
import { type RoomActions, toolActionName } from "../actions";
import { TOOLS, type ToolName } from "../tools/tools";
import { ICONS } from "./icons";

interface Props {
  tool: ToolName;
  /** Tools the connection may not use (view-only: the editing ones) show disabled. */
  actions: RoomActions;
}

export function Toolbar({ tool, actions }: Props) {
  return (
    <div className="toolbar panel" role="toolbar" aria-label="Tools">
      {TOOLS.map((t) => {
        const action = toolActionName(t.name);
        return (
          <button
            key={t.name}
            type="button"
            className={t.name === tool ? "tool active" : "tool"}
            data-testid={`tool-${t.name}`}
            title={`${t.label} — ${t.key}`}
            aria-label={t.label}
            aria-pressed={t.name === tool}
            disabled={!actions.canRun(action)}
            onClick={() => actions.run(action)}
          >
            {ICONS[t.name]}
            <span className="tool-key">{t.key}</span>
          </button>
        );
      })}
      <button
        type="button"
        className="tool"
        data-testid="insert-image"
        title="Insert image — I (or paste, or drop a file)"
        aria-label="Insert image"
        disabled={!actions.canRun("insert-image")}
        onClick={() => actions.run("insert-image")}
      >
        {ICONS.image}
        <span className="tool-key">I</span>
      </button>
    </div>
  );
}
