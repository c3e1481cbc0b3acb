/**
 * Bundle size (issue 7): the initial JavaScript a visitor downloads, minified and gzipped, built
 * the way partykit.json builds it (esbuild, ESM, code splitting). Baseline: the same build of the
 * libraries alone (react, react-dom, konva, react-konva, yjs, y-protocols, partysocket), the floor.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { REPO_ROOT } from "../test/helpers/devServer";
import { fmt } from "./lib/table";

async function initialSize(
  entry: string | { contents: string },
  outdir: string,
): Promise<{ initial: number; lazy: number; files: number }> {
  const result = await build({
    ...(typeof entry === "string"
      ? { entryPoints: [entry] }
      : {
          stdin: {
            contents: entry.contents,
            resolveDir: REPO_ROOT,
            loader: "ts" as const,
            sourcefile: "libs.ts",
          },
        }),
    bundle: true,
    splitting: true,
    format: "esm",
    minify: true,
    outdir,
    metafile: true,
    write: true,
    logLevel: "silent",
    absWorkingDir: REPO_ROOT,
    define: { "process.env.NODE_ENV": '"production"' },
  });
  const meta: Metafile = result.metafile;
  const outputs = meta.outputs;
  // Chunks loaded by import() are entry points too: pick the one built from `entry` itself.
  const js = Object.keys(outputs).filter((k) => k.endsWith(".js"));
  const entryOut =
    js.find((k) => typeof entry === "string" && outputs[k]!.entryPoint === entry) ??
    js.find((k) => outputs[k]!.entryPoint)!;
  // Follow static imports only: dynamic import() chunks load on demand.
  const initial = new Set<string>();
  const visit = (file: string) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const imp of outputs[file]!.imports) if (imp.kind === "import-statement") visit(imp.path);
  };
  visit(entryOut);
  const gz = (file: string) =>
    gzipSync(readFileSync(join(REPO_ROOT, file)), { level: 9 }).byteLength;
  let initialBytes = 0;
  let lazyBytes = 0;
  for (const file of Object.keys(outputs)) {
    if (!file.endsWith(".js")) continue;
    if (initial.has(file)) initialBytes += gz(file);
    else lazyBytes += gz(file);
  }
  return { initial: initialBytes, lazy: lazyBytes, files: initial.size };
}

export async function bundleBenchmark(): Promise<Record<string, string | number>[]> {
  const dir = mkdtempSync(join(tmpdir(), "sketchroom-bundle-"));
  try {
    const app = await initialSize("src/main.tsx", relative(REPO_ROOT, join(dir, "app")));
    const libsEntry = {
      contents: [
        'import * as a from "react";',
        'import * as b from "react-dom/client";',
        // Konva the way the app takes it (src/canvas/konva.ts): core plus the node types drawn.
        'import * as c from "konva/lib/Core";',
        'import "konva/lib/shapes/Arrow";',
        'import "konva/lib/shapes/Ellipse";',
        'import "konva/lib/shapes/Line";',
        'import "konva/lib/shapes/Rect";',
        'import "konva/lib/shapes/Text";',
        'import "konva/lib/shapes/Transformer";',
        'import * as d from "react-konva/lib/ReactKonvaCore";',
        'import * as e from "yjs";',
        'import * as f from "y-protocols/sync";',
        'import * as g from "y-protocols/awareness";',
        'import * as h from "partysocket";',
        "console.log(a, b, c, d, e, f, g, h);",
      ].join("\n"),
    };
    const libs = await initialSize(libsEntry, relative(REPO_ROOT, join(dir, "libs")));
    return [
      {
        bundle: "sketchroom initial JS",
        gzip_kb: fmt(app.initial / 1024),
        files: app.files,
        lazy_gzip_kb: fmt(app.lazy / 1024),
        target: "≤ 250 KB",
      },
      {
        bundle: "libraries alone (floor)",
        gzip_kb: fmt(libs.initial / 1024),
        files: libs.files,
        lazy_gzip_kb: fmt(libs.lazy / 1024),
        target: "",
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
