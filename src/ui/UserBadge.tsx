/** The local user's name (editable) and colour. */
import { useState } from "react";
import { MAX_NAME_LENGTH, USER_COLORS, type UserIdentity } from "./identity";

interface Props {
  user: UserIdentity;
  onChange: (user: UserIdentity) => void;
}

export function UserBadge({ user, onChange }: Props) {
  const [draft, setDraft] = useState(user.name);
  const commit = () => {
    const name = draft.trim().slice(0, MAX_NAME_LENGTH);
    if (name && name !== user.name) onChange({ ...user, name });
    else setDraft(user.name);
  };
  const nextColor = () => {
    const i = USER_COLORS.indexOf(user.color);
    onChange({ ...user, color: USER_COLORS[(i + 1) % USER_COLORS.length]! });
  };
  return (
    <div className="user-badge">
      <button
        type="button"
        className="user-color"
        style={{ background: user.color }}
        title="Change your colour"
        aria-label="Change your colour"
        onClick={nextColor}
      />
      <input
        className="user-name"
        data-testid="user-name"
        aria-label="Your name"
        value={draft}
        maxLength={MAX_NAME_LENGTH}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") e.currentTarget.blur();
          if (e.key === "Escape") {
            setDraft(user.name);
            requestAnimationFrame(() => (e.target as HTMLInputElement).blur());
          }
        }}
      />
    </div>
  );
}
