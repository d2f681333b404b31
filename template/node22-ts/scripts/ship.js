// npm run ship: gathers what the image runs into ship/ — compiled JavaScript, package.json
// files and (already pruned) production node_modules; no TypeScript sources, no tests.
// The Dockerfile copies ship/ as it is, and local runs start it the same way.
import { cpSync, rmSync } from "node:fs";

const SHIP = "ship";

/** @param {string} path */
const runtimeFile = (path) => !path.endsWith(".ts") && !path.endsWith(".test.js");

rmSync(SHIP, { recursive: true, force: true });
for (const path of ["package.json", "node_modules", "api", "src", "function"]) {
  cpSync(path, `${SHIP}/${path}`, { recursive: true, verbatimSymlinks: true, filter: runtimeFile });
}
console.log(`ship: wrote ${SHIP}/`);
