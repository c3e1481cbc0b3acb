/** The local user's name and colour: friendly defaults, kept in localStorage across rooms. */

export interface UserIdentity {
  name: string;
  color: string;
}

const STORAGE_KEY = "sketchroom:user";
export const MAX_NAME_LENGTH = 40;

const ADJECTIVES = [
  "Curious",
  "Brave",
  "Gentle",
  "Clever",
  "Sunny",
  "Swift",
  "Quiet",
  "Jolly",
  "Bold",
  "Witty",
  "Calm",
  "Lucky",
];
const ANIMALS = [
  "Otter",
  "Fox",
  "Panda",
  "Heron",
  "Koala",
  "Lynx",
  "Puffin",
  "Badger",
  "Falcon",
  "Gecko",
  "Walrus",
  "Marten",
];
/** Saturated enough to read as a cursor on white, distinct from each other. */
export const USER_COLORS = [
  "#e03131",
  "#2f9e44",
  "#1971c2",
  "#f08c00",
  "#9c36b5",
  "#0c8599",
  "#e8590c",
  "#5f3dc4",
  "#c2255c",
  "#3b5bdb",
];

const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;

export function randomIdentity(): UserIdentity {
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(USER_COLORS) };
}

export function loadIdentity(): UserIdentity {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const parsed = JSON.parse(raw) as Partial<UserIdentity>;
      if (
        typeof parsed.name === "string" &&
        parsed.name.trim() &&
        typeof parsed.color === "string" &&
        /^#[0-9a-f]{6}$/i.test(parsed.color)
      ) {
        return { name: parsed.name.slice(0, MAX_NAME_LENGTH), color: parsed.color };
      }
    }
  } catch {
    // Storage unavailable (private mode) or corrupt: fall through to a fresh identity.
  }
  const fresh = randomIdentity();
  saveIdentity(fresh);
  return fresh;
}

export function saveIdentity(identity: UserIdentity): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(identity));
  } catch {
    // Not fatal: the identity lives for this tab only.
  }
}
