/** Small inline SVG icons (24×24, stroke = currentColor). */
import type { ReactNode } from "react";

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {children}
    </svg>
  );
}

export const ICONS = {
  select: (
    <Svg>
      <path d="M5 3l14 8-6 2-3 6z" />
    </Svg>
  ),
  hand: (
    <Svg>
      <path d="M8 12V5.5a1.5 1.5 0 013 0V11M11 10V4.5a1.5 1.5 0 013 0V11M14 10.5V6a1.5 1.5 0 013 0v8a6 6 0 01-6 6h-1a6 6 0 01-4.8-2.4L3.6 14a1.5 1.5 0 012.3-1.9L8 14" />
    </Svg>
  ),
  rect: (
    <Svg>
      <rect x="4" y="5" width="16" height="14" rx="2" />
    </Svg>
  ),
  ellipse: (
    <Svg>
      <ellipse cx="12" cy="12" rx="8.5" ry="7" />
    </Svg>
  ),
  diamond: (
    <Svg>
      <path d="M12 3l9 9-9 9-9-9z" />
    </Svg>
  ),
  frame: (
    <Svg>
      <path d="M7 3v18M17 3v18M3 7h18M3 17h18" />
    </Svg>
  ),
  triangle: (
    <Svg>
      <path d="M12 4l9 16H3z" />
    </Svg>
  ),
  line: (
    <Svg>
      <path d="M5 19L19 5" />
    </Svg>
  ),
  arrow: (
    <Svg>
      <path d="M5 19L19 5M10 5h9v9" />
    </Svg>
  ),
  pen: (
    <Svg>
      <path d="M4 20l4-1 11-11-3-3L5 16zM14 6l3 3" />
    </Svg>
  ),
  text: (
    <Svg>
      <path d="M5 6V4h14v2M12 4v16M9 20h6" />
    </Svg>
  ),
  sticky: (
    <Svg>
      <path d="M5 4h14v10l-6 6H5z" />
      <path d="M13 20v-6h6" />
    </Svg>
  ),
  eraser: (
    <Svg>
      <path d="M8 20h12M4.5 15.5l9-9a2 2 0 012.8 0l2.2 2.2a2 2 0 010 2.8L11 19H8z" />
    </Svg>
  ),
  laser: (
    <Svg>
      <path d="M3 21c3-1 6-4 9-8s5-6 7-7" />
      <circle cx="19" cy="6" r="2.2" fill="currentColor" />
    </Svg>
  ),
  image: (
    <Svg>
      <rect x="3" y="4" width="18" height="16" rx="2" />
      <circle cx="9" cy="10" r="1.8" />
      <path d="M21 16l-5-5-9 9" />
    </Svg>
  ),
  summon: (
    <Svg>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2v4M12 18v4M2 12h4M18 12h4" />
    </Svg>
  ),
  undo: (
    <Svg>
      <path d="M9 14L4 9l5-5" />
      <path d="M4 9h10a6 6 0 010 12h-3" />
    </Svg>
  ),
  redo: (
    <Svg>
      <path d="M15 14l5-5-5-5" />
      <path d="M20 9H10a6 6 0 000 12h3" />
    </Svg>
  ),
  plus: (
    <Svg>
      <path d="M12 5v14M5 12h14" />
    </Svg>
  ),
  minus: (
    <Svg>
      <path d="M5 12h14" />
    </Svg>
  ),
  fit: (
    <Svg>
      <path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5" />
    </Svg>
  ),
  share: (
    <Svg>
      <path d="M10 14a4 4 0 005.7 0l3-3a4 4 0 00-5.7-5.7l-1 1M14 10a4 4 0 00-5.7 0l-3 3a4 4 0 005.7 5.7l1-1" />
    </Svg>
  ),
  front: (
    <Svg>
      <rect x="8" y="8" width="12" height="12" rx="1" fill="currentColor" />
      <path d="M4 14V4h10" />
    </Svg>
  ),
  forward: (
    <Svg>
      <path d="M12 19V5M6 11l6-6 6 6" />
    </Svg>
  ),
  backward: (
    <Svg>
      <path d="M12 5v14M6 13l6 6 6-6" />
    </Svg>
  ),
  back: (
    <Svg>
      <rect x="4" y="4" width="12" height="12" rx="1" fill="currentColor" />
      <path d="M20 10v10H10" />
    </Svg>
  ),
  duplicate: (
    <Svg>
      <rect x="8" y="8" width="12" height="12" rx="2" />
      <path d="M16 8V5a1 1 0 00-1-1H5a1 1 0 00-1 1v10a1 1 0 001 1h3" />
    </Svg>
  ),
  trash: (
    <Svg>
      <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
    </Svg>
  ),
  lock: (
    <Svg>
      <rect x="5" y="11" width="14" height="9" rx="2" />
      <path d="M8 11V8a4 4 0 018 0v3" />
    </Svg>
  ),
  unlock: (
    <Svg>
      <rect x="5" y="11" width="14" height="9" rx="2" />
      <path d="M8 11V8a4 4 0 017.5-2" />
    </Svg>
  ),
  menu: (
    <Svg>
      <path d="M4 6h16M4 12h16M4 18h16" />
    </Svg>
  ),
} as const;
