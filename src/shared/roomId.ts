import { MAX_ROOM_ID_LENGTH } from "./constants";

const ROOM_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_ROOM_ID_LENGTH}}$`);

export function isValidRoomId(id: string): boolean {
  return ROOM_ID_PATTERN.test(id);
}

/** A new unguessable room id: 144 random bits, base64url (24 characters). */
export function newRoomId(): string {
  const bytes = new Uint8Array(18);
  crypto.getRandomValues(bytes);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
