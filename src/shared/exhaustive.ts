/**
 * The last branch of every `switch` over a union: the compiler rejects the call when a member
 * is left unhandled, and at run time (data that slipped past the types) it throws rather than
 * falling through silently.
 */
export function exhaustive(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
