/**
 * The transaction origin of every edit this tab makes. The undo manager tracks only this origin,
 * so remote changes (and the IndexedDB copy loading) are never undone by a local Ctrl+Z.
 */
export const LOCAL_ORIGIN = Object.freeze({ source: "sketchroom-local" });
