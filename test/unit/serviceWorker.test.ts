/**
 * registerServiceWorker: registers /sw.js where service workers can run, and is a quiet no-op
 * elsewhere (the app works without one).
 */
import { describe, expect, it, vi } from "vitest";
import { registerServiceWorker, type ServiceWorkerEnv } from "../../src/net/serviceWorker";

function env(over: Partial<ServiceWorkerEnv> & { hostname?: string } = {}) {
  const register = vi.fn(async () => ({ scope: "/" }) as unknown as ServiceWorkerRegistration);
  const e: ServiceWorkerEnv = {
    navigator: { serviceWorker: { register } },
    isSecureContext: true,
    location: { hostname: over.hostname ?? "sketchroom.example" },
    ...over,
  };
  return { e, register };
}

describe("registerServiceWorker", () => {
  it("registers /sw.js with scope / in a secure context", async () => {
    const { e, register } = env();
    expect(await registerServiceWorker(e)).not.toBeNull();
    expect(register).toHaveBeenCalledWith("/sw.js", { scope: "/" });
  });

  it("does nothing without navigator.serviceWorker", async () => {
    expect(await registerServiceWorker({ navigator: {}, isSecureContext: true })).toBeNull();
    expect(await registerServiceWorker({})).toBeNull();
  });

  it("does nothing on plain http outside loopback", async () => {
    const { e, register } = env({ isSecureContext: false });
    expect(await registerServiceWorker(e)).toBeNull();
    expect(register).not.toHaveBeenCalled();
  });

  it("counts localhost and 127.0.0.1 as secure", async () => {
    for (const hostname of ["localhost", "127.0.0.1"]) {
      const { e, register } = env({ isSecureContext: false, hostname });
      expect(await registerServiceWorker(e)).not.toBeNull();
      expect(register).toHaveBeenCalledOnce();
    }
  });

  it("never throws when registration fails", async () => {
    const { e, register } = env();
    register.mockRejectedValueOnce(new Error("blocked"));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await registerServiceWorker(e)).toBeNull();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });
});
