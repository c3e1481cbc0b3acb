/**
 * bench/results.json: one entry per section, each stamped with the date, commit and machine of
 * the run that produced it, so a partial run (BENCH_ONLY) replaces only its own sections and
 * every other section keeps its own stamp.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { CHROMIUM_PATH } from "../../test/helpers/browser";
import { REPO_ROOT } from "../../test/helpers/devServer";

export type Cell = string | number;
export type Row = Record<string, Cell>;

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  /** Only for sections that drive a browser. */
  chromium?: string;
}

export interface SectionResult {
  /** ISO time the section finished; null when the figures predate per-section stamps. */
  date: string | null;
  /** `git rev-parse --short HEAD`, "-dirty" when source files had uncommitted changes. */
  commit: string | null;
  machine: Machine | null;
  /** The section's `method` when it ran (see bench/lib/section.ts); absent before methods had ids. */
  method?: string;
  rows: Row[];
}

export interface Results {
  sections: Record<string, SectionResult>;
}

export const RESULTS_PATH = "bench/results.json";

/**
 * Files the bench itself writes. A partial run leaves them changed, and they do not change any
 * figure, so they do not make the next section's commit "dirty".
 */
const GENERATED = ["bench/results.json", "BENCHMARKS.md", "docs/bench"];

export function commitStamp(): string {
  const git = (args: string[]) =>
    execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  const head = git(["rev-parse", "--short", "HEAD"]);
  const changes = git(["status", "--porcelain", "--", ".", ...GENERATED.map((p) => `:!${p}`)]);
  return changes === "" ? head : `${head}-dirty`;
}

export function chromiumVersion(): string {
  try {
    // "Chromium 156.0.8078.114 built on Debian …": keep the product and version.
    // Debian's launcher script prints shell noise on stderr.
    const out = execFileSync(CHROMIUM_PATH, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return out.split(" built on ")[0] ?? out;
  } catch {
    return "unknown";
  }
}

export function machineStamp(withChromium: boolean): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    ...(withChromium ? { chromium: chromiumVersion() } : {}),
  };
}

/**
 * Reads results.json. The older flat layout (one array per section beside a single file-wide
 * date and machine, rewritten by every partial run) cannot say which run a section came from,
 * so its sections load with an unknown stamp rather than a guessed one.
 */
export function parseResults(json: unknown): Results {
  const data = (json ?? {}) as Record<string, unknown>;
  if (data.sections && typeof data.sections === "object") {
    return { sections: { ...(data.sections as Results["sections"]) } };
  }
  const sections: Results["sections"] = {};
  for (const [name, value] of Object.entries(data)) {
    if (Array.isArray(value)) {
      sections[name] = { date: null, commit: null, machine: null, rows: value as Row[] };
    }
  }
  return { sections };
}

export function loadResults(path = `${REPO_ROOT}/${RESULTS_PATH}`): Results {
  if (!existsSync(path)) return { sections: {} };
  return parseResults(JSON.parse(readFileSync(path, "utf8")));
}

/** Sections in `fresh` replace the same sections in `previous`; all others are kept as they were. */
export function mergeResults(previous: Results, fresh: Results): Results {
  return { sections: { ...previous.sections, ...fresh.sections } };
}

export function saveResults(results: Results, path = `${REPO_ROOT}/${RESULTS_PATH}`): void {
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}

/** The first row whose every `where` key equals (as text) the row's value. */
export function findRow(rows: Row[], where: Row): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => String(r[k]) === String(v)));
}
