import { spawn } from "node:child_process";
import fs from "node:fs";
import { exited } from "./processes";

/**
 * Runs a Node child process to its end, polling its kernel high-water mark of resident memory
 * (VmHWM in /proc; the last reading is the peak so far) — for the large-import test and the
 * import benchmark.
 */
export async function runMeasured(
  nodeArgs: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string; seconds: number; highWaterMb: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let highWaterKb = 0;
  const poll = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      highWaterKb = Math.max(highWaterKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the child has exited between two readings
    }
  }, 100);
  const { code } = await exited(child);
  clearInterval(poll);
  return {
    code,
    output,
    seconds: (performance.now() - started) / 1000,
    highWaterMb: Math.round(highWaterKb / 1024),
  };
}

/** `npm run import`'s own node arguments (its V8 heap limits included), minus the wrappers. */
export function importCommandArgs(): string[] {
  const command = JSON.parse(fs.readFileSync("package.json", "utf8")).scripts.import as string;
  return command.replace(/^.*?\bnode /, "").split(" ");
}
