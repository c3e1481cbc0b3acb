/** The style panel's stroke style and opacity rows (through the change-dash and change-opacity actions). */
import type { RoomActions } from "../actions";
import type { Dash } from "../shared/schema";
import type { ShapeStyle } from "../tools/shapeFactory";
import { OptionButton } from "./StylePanel";

export const DASH_CHOICES: { dash: Dash; label: string; pattern?: string }[] = [
  { dash: "solid", label: "Solid" },
  { dash: "dashed", label: "Dashed", pattern: "5 3" },
  { dash: "dotted", label: "Dotted", pattern: "0.1 4" },
];
export const OPACITY_CHOICES = [0.25, 0.5, 0.75, 1];

const percent = (opacity: number) => `${Math.round(opacity * 100)}%`;

export function DiagramStyleRows({
  style,
  actions,
  strokes = true,
}: {
  style: ShapeStyle;
  actions: RoomActions;
  /** False for a selection of images only: they have no stroke to dash. */
  strokes?: boolean;
}) {
  return (
    <>
      {strokes && <div className="panel-label">Stroke style</div>}
      {strokes && (
        <div className="widths">
          {DASH_CHOICES.map((d) => (
            <OptionButton
              key={d.dash}
              active={style.dash === d.dash}
              title={d.label}
              label={`Stroke ${d.label.toLowerCase()}`}
              onClick={() => actions.run("change-dash", { value: d.dash })}
            >
              <svg width="20" height="4" aria-hidden="true">
                <line
                  x1="2"
                  y1="2"
                  x2="18"
                  y2="2"
                  stroke="currentColor"
                  strokeWidth="2"
                  strokeLinecap="round"
                  strokeDasharray={d.pattern}
                />
              </svg>
            </OptionButton>
          ))}
        </div>
      )}
      <div className="panel-label">Opacity</div>
      <div className="widths">
        {OPACITY_CHOICES.map((o) => (
          <OptionButton
            key={o}
            active={Math.abs(style.opacity - o) < 0.005}
            title={`Opacity ${percent(o)}`}
            label={`Opacity ${percent(o)}`}
            extraClass="font-button"
            onClick={() => actions.run("change-opacity", { value: o })}
          >
            {Math.round(o * 100)}
          </OptionButton>
        ))}
      </div>
    </>
  );
}
