/**
 * Stroke, fill, width and font size for the selection, or for the next shape when nothing is
 * selected.
 */
import type { RoomActions } from "../actions";
import type { ShapeStyle } from "../tools/shapeFactory";
import { AlignRow } from "./AlignRow";
import { DiagramStyleRows } from "./DiagramStyleRows";
import { ICONS } from "./icons";

export const STROKE_COLORS = ["#1e1e1e", "#e03131", "#2f9e44", "#1971c2", "#f08c00", "#9c36b5"];
export const FILL_COLORS = ["transparent", "#ffc9c9", "#b2f2bb", "#a5d8ff", "#ffec99", "#eebefa"];
export const STROKE_WIDTHS = [
  { width: 1, label: "Thin" },
  { width: 2, label: "Regular" },
  { width: 4, label: "Bold" },
  { width: 8, label: "Extra bold" },
];
export const FONT_SIZES = [
  { size: 16, short: "S", label: "Small" },
  { size: 20, short: "M", label: "Medium" },
  { size: 28, short: "L", label: "Large" },
  { size: 36, short: "XL", label: "Extra large" },
];

interface Props {
  style: ShapeStyle;
  /** The selection holds text or a note, or the text or note tool is active. */
  showFontSize: boolean;
  selectionCount: number;
  /** Every selected shape is locked (GR7): the lock button then unlocks. */
  locked?: boolean;
  /**
   * False when the selection is images only: stroke, fill, width and dash do not apply to a
   * picture, so only opacity, layers and actions show.
   */
  strokes?: boolean;
  actions: RoomActions;
}

function Swatch({
  color,
  active,
  onClick,
  label,
}: {
  color: string;
  active: boolean;
  onClick: () => void;
  label: string;
}) {
  return (
    <button
      type="button"
      className={active ? "swatch active" : "swatch"}
      style={color === "transparent" ? undefined : { background: color }}
      data-transparent={color === "transparent" || undefined}
      title={label}
      aria-label={label}
      aria-pressed={active}
      onClick={onClick}
    />
  );
}

/** One choice in a row of choices (stroke width, font size): pressed when it is the current one. */
export function OptionButton({
  active,
  title,
  label,
  extraClass,
  onClick,
  children,
}: {
  active: boolean;
  title: string;
  label: string;
  extraClass?: string;
  onClick: () => void;
  children: React.ReactNode;
}) {
  const base = extraClass ? `width-button ${extraClass}` : "width-button";
  return (
    <button
      type="button"
      className={active ? `${base} active` : base}
      title={title}
      aria-label={label}
      aria-pressed={active}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

export function StylePanel({
  style,
  showFontSize,
  selectionCount,
  locked = false,
  strokes = true,
  actions,
}: Props) {
  return (
    <div className="style-panel panel" data-testid="style-panel">
      {strokes && (
        <>
          <div className="panel-label">Stroke</div>
          <div className="swatches">
            {STROKE_COLORS.map((c) => (
              <Swatch
                key={c}
                color={c}
                active={style.stroke === c}
                label={`Stroke ${c}`}
                onClick={() => actions.run("change-stroke", { value: c })}
              />
            ))}
          </div>
          <div className="panel-label">Fill</div>
          <div className="swatches">
            {FILL_COLORS.map((c) => (
              <Swatch
                key={c}
                color={c}
                active={style.fill === c}
                label={c === "transparent" ? "No fill" : `Fill ${c}`}
                onClick={() => actions.run("change-fill", { value: c })}
              />
            ))}
          </div>
          <div className="panel-label">Stroke width</div>
          <div className="widths">
            {STROKE_WIDTHS.map((w) => (
              <OptionButton
                key={w.width}
                active={style.strokeWidth === w.width}
                title={w.label}
                label={w.label}
                onClick={() => actions.run("change-stroke-width", { value: w.width })}
              >
                <span style={{ height: Math.min(w.width, 6) }} />
              </OptionButton>
            ))}
          </div>
        </>
      )}
      <DiagramStyleRows style={style} actions={actions} strokes={strokes} />
      {showFontSize && (
        <>
          <div className="panel-label">Font size</div>
          <div className="widths">
            {FONT_SIZES.map((f) => (
              <OptionButton
                key={f.size}
                active={style.fontSize === f.size}
                title={`${f.label} text`}
                label={`Font size ${f.label.toLowerCase()}`}
                extraClass="font-button"
                onClick={() => actions.run("change-font-size", { value: f.size })}
              >
                {f.short}
              </OptionButton>
            ))}
          </div>
        </>
      )}
      {selectionCount >= 2 && <AlignRow selectionCount={selectionCount} actions={actions} />}
      {selectionCount > 0 && (
        <>
          <div className="panel-label">Layers</div>
          <div className="actions">
            <button
              type="button"
              title="Send to back — Ctrl+Shift+["
              aria-label="Send to back"
              onClick={() => actions.run("send-to-back")}
            >
              {ICONS.back}
            </button>
            <button
              type="button"
              title="Send backward — Ctrl+["
              aria-label="Send backward"
              onClick={() => actions.run("send-backward")}
            >
              {ICONS.backward}
            </button>
            <button
              type="button"
              title="Bring forward — Ctrl+]"
              aria-label="Bring forward"
              onClick={() => actions.run("bring-forward")}
            >
              {ICONS.forward}
            </button>
            <button
              type="button"
              title="Bring to front — Ctrl+Shift+]"
              aria-label="Bring to front"
              onClick={() => actions.run("bring-to-front")}
            >
              {ICONS.front}
            </button>
          </div>
          <div className="panel-label">Actions</div>
          <div className="actions">
            <button
              type="button"
              title="Duplicate — Ctrl+D"
              aria-label="Duplicate"
              onClick={() => actions.run("duplicate")}
            >
              {ICONS.duplicate}
            </button>
            <button
              type="button"
              title="Delete — Delete"
              aria-label="Delete"
              onClick={() => actions.run("delete")}
            >
              {ICONS.trash}
            </button>
            <button
              type="button"
              title={locked ? "Unlock — Ctrl+Shift+L" : "Lock — Ctrl+Shift+L"}
              aria-label={locked ? "Unlock" : "Lock"}
              aria-pressed={locked}
              className={locked ? "active" : undefined}
              onClick={() => actions.run("toggle-lock")}
            >
              {locked ? ICONS.lock : ICONS.unlock}
            </button>
          </div>
        </>
      )}
    </div>
  );
}
