/** Top-left menu: export and import, and bringing everyone to this user's view. */
import { useEffect, useRef, useState } from "react";
import type { ActionName, RoomActions } from "../actions";
import { ICONS } from "./icons";

interface Props {
  actions: RoomActions;
}

export function MainMenu({ actions }: Props) {
  const [open, setOpen] = useState(false);
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
          <button
            type="button"
            role="menuitem"
            data-testid="export-png"
            onClick={run("export-png")}
          >
            Export image (PNG)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="export-json"
            onClick={run("export-json")}
          >
            Export JSON
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
