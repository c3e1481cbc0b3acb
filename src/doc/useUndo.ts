/** Whether undo and redo have anything to do, kept current for the history buttons. */
import { useEffect, useState } from "react";
import type { ShapeStore } from "./shapeStore";

export interface UndoState {
  canUndo: boolean;
  canRedo: boolean;
}

export function useUndo(store: ShapeStore): UndoState {
  const [history, setHistory] = useState<UndoState>({ canUndo: false, canRedo: false });
  useEffect(() => {
    const um = store.undoManager;
    const update = () => setHistory({ canUndo: um.canUndo(), canRedo: um.canRedo() });
    update();
    um.on("stack-item-added", update);
    um.on("stack-item-popped", update);
    um.on("stack-cleared", update);
    return () => {
      um.off("stack-item-added", update);
      um.off("stack-item-popped", update);
      um.off("stack-cleared", update);
    };
  }, [store]);
  return history;
}
