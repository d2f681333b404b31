// The build context as `faas-cli build --shrinkwrap` lays it out: the template, the handler
// over its function/ scaffold, stack.yml's copy paths, and the folder modes faas-cli gives them.
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { StackFunction } from "../stack.js";

/**
 * Lays out build/<name>/ as `faas-cli build --shrinkwrap` does (or <buildDir>/<name>/, to keep
 * a real OCI build's contexts apart from the played ones); returns its path. As on a developer's
 * machine, unless `options.ci`: as faas-cli does when CI is "true" or "1".
 */
export function layoutContext(root: string, name: string, fn: StackFunction, copy: readonly string[] = [], buildDir = join(root, "build"), options: { ci?: boolean } = {}): string {
  const context = join(buildDir, name);
  const functionDir = join(context, "function");
  rmSync(context, { recursive: true, force: true });
  // faas-cli makes build/<name>/ and its function/ 0700, or 0777 less the umask when CI is set
  // (its go-sdk builder); what it copies into them keeps its source's modes (as cpSync does).
  // COPY keeps those modes, so the image must not depend on them: by default the stricter 0700,
  // also in CI. (faas-cli would make a new build/ so too; ours stays traversable, as the played
  // stages beside the contexts are run as the image's user.)
  mkdirSync(buildDir, { recursive: true });
  mkdirSync(functionDir, { recursive: true, mode: options.ci ? 0o777 : 0o700 });
  cpSync(join(root, "template", fn.lang), context, { recursive: true });
  // The handler is laid over the template's function/ scaffold; its build/ and template/ are skipped.
  const handlerDir = resolve(root, fn.handler);
  for (const entry of readdirSync(handlerDir)) {
    if (entry === "build" || entry === "template") continue;
    cpSync(join(handlerDir, entry), join(functionDir, entry), { recursive: true });
  }
  for (const path of copy) {
    const source = resolve(root, path);
    if (source !== root && !source.startsWith(root + sep)) {
      throw new Error(`configuration.copy path ${path} is outside the project`);
    }
    cpSync(source, join(functionDir, relative(root, source)), { recursive: true });
  }
  return context;
}
