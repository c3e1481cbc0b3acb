/**
 * The main menu's image items: export PNG and SVG, copy as PNG and SVG, over the selection or
 * the whole board, with or without the white background.
 */
import type { ActionName, RoomActions } from "../actions";
import type { ExportOptions } from "../export/scope";

/** The menu's two choices. Held by the menu, so they outlive its closing. */
export type ExportChoices = ExportOptions;

/** The whole board unless asked: the menu shows the choice, and a file of one shape surprises. */
export const INITIAL_EXPORT_CHOICES: ExportChoices = { selectionOnly: false, background: true };

interface Props {
  actions: RoomActions;
  selectionCount: number;
  choices: ExportChoices;
  onChoices: (choices: ExportChoices) => void;
  /** After an item ran (the menu closes). */
  onRun: () => void;
}

const ITEMS: { name: ActionName; label: string; hint?: string }[] = [
  { name: "export-png", label: "Export image (PNG)" },
  { name: "export-svg", label: "Export SVG" },
  { name: "copy-as-png", label: "Copy as PNG", hint: "Ctrl+Shift+C" },
  { name: "copy-as-svg", label: "Copy as SVG" },
];

export function ExportImageItems({ actions, selectionCount, choices, onChoices, onRun }: Props) {
  const { selectionOnly, background } = choices;
  const options: ExportOptions = { selectionOnly: selectionOnly && selectionCount > 0, background };
  return (
    <>
      {ITEMS.map((item) => (
        <button
          key={item.name}
          type="button"
          role="menuitem"
          data-testid={item.name}
          title={item.hint ? `${item.label} — ${item.hint}` : item.label}
          onClick={() => {
            onRun();
            actions.run(item.name, { value: options });
          }}
        >
          {item.label}
        </button>
      ))}
      {selectionCount > 0 && (
        <label className="menu-option">
          <input
            type="checkbox"
            data-testid="export-selection-only"
            checked={selectionOnly}
            onChange={(e) => onChoices({ ...choices, selectionOnly: e.currentTarget.checked })}
          />
          Only the selection
        </label>
      )}
      <label className="menu-option">
        <input
          type="checkbox"
          data-testid="export-background"
          checked={background}
          onChange={(e) => onChoices({ ...choices, background: e.currentTarget.checked })}
        />
        Background
      </label>
      <hr className="menu-separator" />
    </>
  );
}
