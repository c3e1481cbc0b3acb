/**
 * Routes key presses, clipboard events and UI clicks to registered actions, and enforces
 * view-only mode in one place: a viewer runs only actions marked `viewerMay`.
 */
import { isTyping } from "./keys";
import type { Action, ActionContext, ActionInput, ClipboardInput, KeyInput } from "./types";

export class ActionManager<Name extends string = string> {
  private readonly actions = new Map<Name, Action<Name>>();
  /** Set from the room's status: this connection may only watch. */
  readOnly = false;

  constructor(private readonly context: ActionContext) {}

  /** Adds actions; a key press goes to the first registered action whose keyTest matches. */
  register(...actions: readonly Action<Name>[]): void {
    for (const action of actions) {
      if (this.actions.has(action.name))
        throw new Error(`action "${action.name}" registered twice`);
      this.actions.set(action.name, action);
    }
  }

  /** Whether `name` may run now (buttons use this to show themselves disabled). */
  canRun(name: Name): boolean {
    const action = this.get(name);
    return action.viewerMay || !this.readOnly;
  }

  /** Runs `name` unless view-only mode forbids it; true if it ran and had something to do. */
  run(name: Name, input: ActionInput = {}): boolean {
    const action = this.get(name);
    if (!this.canRun(name)) return false;
    return action.perform(this.context, input) !== false;
  }

  /** The window's keydown listener. True if an action ran. */
  handleKey(event: KeyInput): boolean {
    if (isTyping(event.target)) return false;
    let action: Action<Name> | undefined;
    for (const candidate of this.actions.values()) {
      if (candidate.keyTest?.(event)) {
        action = candidate;
        break;
      }
    }
    if (!action) return false;
    const allowed = this.canRun(action.name);
    const ran = allowed && action.perform(this.context, { key: event }) !== false;
    // A refused key is still ours: a viewer's Ctrl+D must not open the bookmark dialog.
    if (!action.keepDefault && (ran || !allowed)) event.preventDefault();
    return ran;
  }

  /** The document's copy and paste listeners: outside text fields, they run `name`. */
  handleClipboard(name: Name, event: ClipboardInput): boolean {
    if (isTyping(event.target)) return false;
    return this.run(name, { clipboard: event });
  }

  private get(name: Name): Action<Name> {
    const action = this.actions.get(name);
    if (!action) throw new Error(`no action "${name}"`);
    return action;
  }
}
