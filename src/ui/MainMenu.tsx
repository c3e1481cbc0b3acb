/** Top-left menu: export and import. */
import { useEffect, useRef, useState } from "react";
import { ICONS } from "./icons";

interface Props {
  onExportPng: () => void;
  onExportJson: () => void;
  onImportJson: () => void;
}

export function MainMenu({ onExportPng, onExportJson, onImportJson }: Props) {
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
  const run = (action: () => void) => () => {
    setOpen(false);
    action();
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
          <button type="button" role="menuitem" data-testid="export-png" onClick={run(onExportPng)}>
            Export image (PNG)
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="export-json"
            onClick={run(onExportJson)}
          >
            Export JSON
          </button>
          <button
            type="button"
            role="menuitem"
            data-testid="import-json"
            onClick={run(onImportJson)}
          >
            Import JSON…
          </button>
        </div>
      )}
    </div>
  );
}
