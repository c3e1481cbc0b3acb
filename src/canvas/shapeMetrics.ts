/**
 * How shapes lay out their text, in canvas units: one place for the canvas (ShapeNode), the
 * text editor overlay that must sit exactly on it, and the SVG export that must match it. Pure
 * numbers, no Konva, so the export and its tests load none.
 */
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
/** Inset of a sticky note's text from its edges. */
export const STICKY_PADDING = 12;
/** Frame titles sit above the frame, at this font size… */
export const FRAME_TITLE_SIZE = 14;
/** …and this far above its top edge. */
export const FRAME_TITLE_GAP = 6;
/** Inset of a label from its shape's box. */
export const LABEL_PADDING = 8;
export const LABEL_FONT_SIZE = 18;
/** Width of a line or arrow label, centred on the middle of its points. */
export const CONNECTOR_LABEL_WIDTH = 160;
