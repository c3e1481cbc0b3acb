import { defineConfig } from "vitest/config";

/**
 * Three tiers (see README): `unit` is fast and in-process; `integration` runs a real
 * `partykit dev`; `e2e` drives a real Chromium against it. The slow tiers get generous
 * timeouts (a dev server takes seconds to boot on a 2-core machine) and run one file at a time
 * so two dev servers and a browser never fight over the CPU; `groupOrder` runs the tiers one
 * after another (unit, then integration, then e2e) instead of all at once. No retries: a flaky test is a bug.
 */
const slow = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  fileParallelism: false,
  retry: 0,
} as const;

export default defineConfig({
  test: {
    retry: 0,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 10_000,
          retry: 0,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          ...slow,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          ...slow,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
