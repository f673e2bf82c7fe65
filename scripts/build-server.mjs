// Bundles the two entry points that run outside Remix (the Express server and the worker) into
// build/, resolving the `~/` alias; npm packages stay external and load from node_modules.
import { build } from "esbuild";

await build({
  entryPoints: { server: "server.ts", worker: "worker/index.ts" },
  outdir: "build",
  bundle: true,
  platform: "node",
  target: "node24",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  // Remix's server build is loaded at run time from build/index.js, never bundled twice.
  external: ["./build/index.js"],
});
