// npm test: runs the function's compiled tests (function/**/*.test.js, after npm run build)
// with Node's own test runner, so a function needs no test framework in its image build.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : findTests(path);
    return entry.name.endsWith(".test.js") ? [path] : [];
  });
}

const tests = findTests("function");
if (tests.length === 0) {
  console.log("no tests in function/ (function/**/*.test.ts)");
  process.exit(0);
}
const run = spawnSync(process.execPath, ["--test", ...tests], { stdio: "inherit" });
process.exit(run.status ?? 1);
