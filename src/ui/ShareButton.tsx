/** Copies the room link; falls back to a hidden textarea + execCommand where the API is missing. */
import { useEffect, useState } from "react";
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

export function ShareButton() {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), 2000);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <div className="share">
      <button
        type="button"
        className="share-button"
        data-testid="share"
        title="Copy the link to this room"
        onClick={async () => {
          const ok = await copyText(window.location.href);
          setMessage(ok ? "Link copied" : "Copy failed — use the address bar");
        }}
      >
        {ICONS.share}
        <span>Share</span>
      </button>
      {message && (
        <div className="toast" role="status">
          {message}
        </div>
      )}
    </div>
  );
}
