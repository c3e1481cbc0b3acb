/**
 * Registers public/sw.js, which caches the app shell so a reload with the server unreachable
 * still shows the board (the board's content comes from IndexedDB, see roomClient.ts).
 */

export interface ServiceWorkerEnv {
  navigator?: { serviceWorker?: Pick<ServiceWorkerContainer, "register"> };
  isSecureContext?: boolean;
  location?: Pick<Location, "hostname">;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * Resolves to the registration, or null where service workers are unavailable: no
 * `navigator.serviceWorker`, or a page that is neither a secure context nor on loopback
 * (browsers only allow workers there). Never throws: the app works without one.
 */
export async function registerServiceWorker(
  env: ServiceWorkerEnv = globalThis as ServiceWorkerEnv,
): Promise<ServiceWorkerRegistration | null> {
  const container = env.navigator?.serviceWorker;
  if (!container) return null;
  const loopback = LOOPBACK.has(env.location?.hostname ?? "");
  if (env.isSecureContext !== true && !loopback) return null;
  try {
    return await container.register("/sw.js", { scope: "/" });
  } catch (error) {
    console.warn("Sketchroom: the offline app shell is unavailable", error);
    return null;
  }
}
