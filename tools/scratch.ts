// Temporary folders the tools make for the functions they start (a function's TMPDIR, a copy of
// an image folder its user can enter, a watchdog link): removed when this process exits, or
// earlier with removeScratch(), so neither `npm start` nor the tests leave them in /tmp.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made = new Set<string>();

/** A new folder under the system's temporary folder (TMPDIR), removed when this process exits. */
export function scratchDir(prefix: string): string {
  if (made.size === 0) process.once("exit", removeScratch);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder scratchDir made so far. */
export function removeScratch(): void {
  // Retried: a process that has just ended may still be letting go of a file in it.
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  made.clear();
}
