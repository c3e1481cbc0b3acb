/** New shape ids: 96 random bits, base64url (16 characters), within SHAPE_ID_PATTERN. */
export function newShapeId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_");
}
