// Bundles the widget into dist/lotse-widget.js and copies the demo page next to it.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(here, "src", "index.ts")],
  outfile: join(dist, "lotse-widget.js"),
  bundle: true,
  format: "iife",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "info",
});

cpSync(join(here, "demo"), dist, { recursive: true });
