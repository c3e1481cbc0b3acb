/** Copies the room link; falls back to a hidden textarea + execCommand where the API is missing. */
import { useEffect, useState } from "react";
import type { RoomClient } from "../net/types";
import { ICONS } from "./icons";

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

function LinkRow({
  label,
  hint,
  url,
  testId,
  onCopied,
}: {
  label: string;
  hint: string;
  url: string | null;
  testId: string;
  onCopied: (ok: boolean) => void;
}) {
  return (
    <div className="share-row">
      <label className="share-label">
        <span>{label}</span>
        <small>{hint}</small>
        <input
          readOnly
          data-testid={testId}
          value={url ?? "…"}
          disabled={!url}
          onFocus={(e) => e.currentTarget.select()}
        />
      </label>
      <button
        type="button"
        className="share-copy"
        disabled={!url}
        onClick={async () => url && onCopied(await copyText(url))}
      >
        Copy
      </button>
    </div>
  );
}

/**
 * The Share menu: the edit link (this room's id is the capability to edit) and the view-only
 * link (a separate id the room hands to editors; the edit link cannot be derived from it).
 */
export function ShareButton({ client }: { client: RoomClient }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [viewId, setViewId] = useState(() => client.getStatus().viewId);
  useEffect(() => client.onStatus((s) => setViewId(s.viewId)), [client]);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), 2000);
    return () => clearTimeout(timer);
  }, [message]);
  const origin = window.location.origin;
  const editUrl = client.party === "main" ? `${origin}/r/${client.roomId}` : null;
  const viewUrl =
    client.party === "view"
      ? `${origin}/v/${client.roomId}`
      : viewId
        ? `${origin}/v/${viewId}`
        : null;
  const copied = (ok: boolean) => setMessage(ok ? "Link copied" : "Copy failed — select the link");
  return (
    <div className="share">
      <button
        type="button"
        className="share-button"
        data-testid="share"
        title="Share this board"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {ICONS.share}
        <span>Share</span>
      </button>
      {open && (
        <div className="share-menu panel" data-testid="share-menu">
          {editUrl && (
            <LinkRow
              label="Edit link"
              hint="Anyone with this link can draw on the board."
              url={editUrl}
              testId="share-edit-link"
              onCopied={copied}
            />
          )}
          <LinkRow
            label="View-only link"
            hint="Watch live, cursor visible, no changes."
            url={viewUrl}
            testId="share-view-link"
            onCopied={copied}
          />
        </div>
      )}
      {message && (
        <div className="toast" role="status">
          {message}
        </div>
      )}
    </div>
  );
}
