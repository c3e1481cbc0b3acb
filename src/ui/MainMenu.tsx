/** Top-left menu: images (PNG, SVG, to a file or the clipboard), JSON export and import, snapping toggles, the board's history, and bringing everyone to this user's view. */
import { useEffect, useRef, useState } from "react";
import type { ActionName, RoomActions } from "../actions";
import { useSnapSettings } from "../canvas/snapSettings";
import { ExportImageItems, INITIAL_EXPORT_CHOICES } from "./ExportImageItems";
import { ICONS } from "./icons";

interface Props {
  actions: RoomActions;
  /** How many shapes are selected: images may then cover only those. */
  selectionCount?: number;
  /** Exactly one frame is selected: the frame exports apply. */
  frameSelected?: boolean;
}

export function MainMenu({ actions, selectionCount = 0, frameSelected = false }: Props) {
  const [open, setOpen] = useState(false);
  const [exportChoices, setExportChoices] = useState(INITIAL_EXPORT_CHOICES);
  const snap = useSnapSettings();
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("pointerdown", close);
    return () => window.removeEventListener("pointerdown", close);
  }, [open]);
  const run = (name: ActionName) => () => {
    setOpen(false);
    actions.run(name);
  };
  return (
    <div className="menu" ref={rootRef}>
      <button
        type="button"
        className="panel menu-button"
        data-testid="main-menu"
        title="Menu"
        aria-label="Menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {ICONS.menu}
      </button>
      {open && (
        <div className="panel menu-items" role="menu">
          <ExportImageItems
            actions={actions}
            selectionCount={selectionCount}
            choices={exportChoices}
            onChoices={setExportChoices}
            onRun={() => setOpen(false)}
          />
          <button
            type="button"
            role="menuitem"
            data-testid="export-json"
            onClick={run("export-json")}
          >
            Export JSON
          </button>
          {frameSelected && (
            <>
              <button
                type="button"
                role="menuitem"
                data-testid="export-frame-png"
                onClick={run("export-frame-png")}
              >
                Export frame (PNG)
              </button>
              <button
                type="button"
                role="menuitem"
                data-testid="export-frame-svg"
                onClick={run("export-frame-svg")}
              >
                Export frame (SVG)
              </button>
            </>
          )}
          <button
            type="button"
            role="menuitem"
            data-testid="group"
            disabled={!actions.canRun("group")}
            onClick={run("group")}
          >
            Group (Ctrl+G)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="ungroup"
            disabled={!actions.canRun("ungroup")}
            onClick={run("ungroup")}
          >
            Ungroup (Ctrl+Shift+G)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="toggle-lock"
            disabled={!actions.canRun("toggle-lock")}
            onClick={run("toggle-lock")}
          >
            Lock / unlock (Ctrl+Shift+L)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="import-json"
            disabled={!actions.canRun("import-json")}
            onClick={run("import-json")}
          >
            Import JSON…
          </button>
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={snap.objects}
            data-testid="toggle-snap"
            title="Alt+S"
            onClick={run("toggle-snap")}
          >
            {snap.objects ? "✓ " : ""}Snap to objects
          </button>
          <button
            type="button"
            role="menuitemcheckbox"
            aria-checked={snap.grid}
            data-testid="toggle-grid"
            title="Ctrl+'"
            onClick={run("toggle-grid")}
          >
            {snap.grid ? "✓ " : ""}Show and snap to grid
          </button>
          <button type="button" role="menuitem" data-testid="menu-history" onClick={run("history")}>
            History…
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="menu-summon-everyone"
            disabled={!actions.canRun("summon-everyone")}
            onClick={run("summon-everyone")}
          >
            Bring everyone to my view
          </button>
        </div>
      )}
    </div>
  );
}
