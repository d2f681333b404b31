// Vitest global setup: the run gets a temporary folder of its own (TMPDIR, which every test, tool
// and program it starts uses through os.tmpdir() or its own TMPDIR lookup), and the run fails if
// anything is left in it at the end. The check is what keeps /tmp as the run found it.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const previous = process.env["TMPDIR"];
  const dir = mkdtempSync(join(tmpdir(), "lector-test-"));
  // Functions run as the image's user when the tests run as root: they must enter it.
  chmodSync(dir, 0o755);
  process.env["TMPDIR"] = dir;
  return () => {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
    // Node's own compile cache (enabled by tools run under Node 22+) is a cache, not a leftover:
    // it goes with the folder.
    const left = readdirSync(dir).filter((entry) => entry !== "node-compile-cache");
    // What each leftover holds and when it last changed, to tell who left it.
    const described = left.sort().map((entry) => `${entry} (${describe(join(dir, entry))})`);
    rmSync(dir, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0: the exit code is set by hand.
      console.error(`FAIL the tests left ${left.length} entries in their temporary folder (removed now): ${described.join(", ")}`);
      process.exitCode = 1;
    }
  };
}

/** A leftover's owner, age and first few entries, e.g. "uid 1000, changed 2.1 s ago: .lock". */
function describe(path: string): string {
  try {
    const stat = statSync(path);
    const age = `uid ${stat.uid}, changed ${((Date.now() - stat.mtimeMs) / 1000).toFixed(1)} s ago`;
    if (!stat.isDirectory()) return age;
    const entries = readdirSync(path);
    return `${age}: ${entries.slice(0, 5).join(" ") || "empty"}${entries.length > 5 ? ` and ${entries.length - 5} more` : ""}`;
  } catch (error) {
    return String(error);
  }
}
