/**
 * Align and distribute buttons (src/actions/align.ts), shown in the style panel while 2 or more
 * shapes are selected; distribute needs 3. Icons live here so the shared icon file stays as it is.
 */
import type { ReactNode } from "react";
import type { ActionName, RoomActions } from "../actions";

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

const BUTTONS: { name: ActionName; title: string; min: number; icon: ReactNode }[] = [
  {
    name: "align-left",
    title: "Align left — Ctrl+Shift+←",
    min: 2,
    icon: (
      <Icon>
        <path d="M4 3v18M8 7h10M8 15h6" />
      </Icon>
    ),
  },
  {
    name: "align-center",
    title: "Align centres horizontally",
    min: 2,
    icon: (
      <Icon>
        <path d="M12 3v18M6 7h12M8 15h8" />
      </Icon>
    ),
  },
  {
    name: "align-right",
    title: "Align right — Ctrl+Shift+→",
    min: 2,
    icon: (
      <Icon>
        <path d="M20 3v18M6 7h10M10 15h6" />
      </Icon>
    ),
  },
  {
    name: "align-top",
    title: "Align top — Ctrl+Shift+↑",
    min: 2,
    icon: (
      <Icon>
        <path d="M3 4h18M7 8v10M15 8v6" />
      </Icon>
    ),
  },
  {
    name: "align-middle",
    title: "Align middles vertically",
    min: 2,
    icon: (
      <Icon>
        <path d="M3 12h18M7 6v12M15 8v8" />
      </Icon>
    ),
  },
  {
    name: "align-bottom",
    title: "Align bottom — Ctrl+Shift+↓",
    min: 2,
    icon: (
      <Icon>
        <path d="M3 20h18M7 6v10M15 10v6" />
      </Icon>
    ),
  },
  {
    name: "distribute-horizontal",
    title: "Distribute horizontally — Alt+H",
    min: 3,
    icon: (
      <Icon>
        <path d="M3 4v16M21 4v16M10 8v8M14 8v8" />
      </Icon>
    ),
  },
  {
    name: "distribute-vertical",
    title: "Distribute vertically — Alt+V",
    min: 3,
    icon: (
      <Icon>
        <path d="M4 3h16M4 21h16M8 10h8M8 14h8" />
      </Icon>
    ),
  },
];

export function AlignRow({
  selectionCount,
  actions,
}: {
  selectionCount: number;
  actions: RoomActions;
}) {
  return (
    <>
      <div className="panel-label">Align</div>
      <div className="actions" data-testid="align-row">
        {BUTTONS.filter((b) => selectionCount >= b.min).map((b) => (
          <button
            key={b.name}
            type="button"
            title={b.title}
            aria-label={b.title.split(" — ")[0]}
            data-testid={b.name}
            onClick={() => actions.run(b.name)}
          >
            {b.icon}
          </button>
        ))}
      </div>
    </>
  );
}
