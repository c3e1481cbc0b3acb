/** The always-loaded image state (source.ts), as handed to the on-demand code by connectSource. */
import type { SourceApi } from "./source";

let api: SourceApi | null = null;

export function connectSource(source: SourceApi): void {
  api = source;
}

export function source(): SourceApi {
  if (!api) throw new Error("image code used before connectSource");
  return api;
}
