// npm run ship: gathers what the image runs into ship/ — compiled JavaScript, package.json
// files, the image's command (run-watchdog.sh) and (already pruned) production node_modules;
// no TypeScript sources, no tests.
// The Dockerfile copies ship/ as it is, and local runs start it the same way.
import { chmodSync, cpSync, lstatSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const SHIP = "ship";

/** @param {string} path */
const runtimeFile = (path) => !path.endsWith(".ts") && !path.endsWith(".test.js");

/**
 * Folders 0755, files 0644 (0755 if executable at all): readable by the image's unprivileged
 * user and writable only by root, whatever modes the build context had. faas-cli makes the
 * context's folders 0700 and COPY keeps modes, so without this the function could not read
 * its own code.
 * @param {string} dir
 */
function normaliseModes(dir) {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) normaliseModes(path);
    else if (entry.isFile()) chmodSync(path, lstatSync(path).mode & 0o111 ? 0o755 : 0o644);
  }
}

rmSync(SHIP, { recursive: true, force: true });
for (const path of ["package.json", "run-watchdog.sh", "node_modules", "api", "src", "function"]) {
  cpSync(path, `${SHIP}/${path}`, { recursive: true, verbatimSymlinks: true, filter: runtimeFile });
}
normaliseModes(SHIP);
console.log(`ship: wrote ${SHIP}/`);
