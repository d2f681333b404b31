// Builds a function as `faas-cli build` would, without Docker: the build context laid out as
// `faas-cli build --shrinkwrap` writes it (image/layout.ts), then the template's Dockerfile
// (image/dockerfile.ts) played stage by stage for this machine's platform (image/player.ts).
// As BuildKit does, only the stages the last one needs are played: a stage that only another
// platform's image starts from (arm/v7's runtime, whose RUN installs Alpine packages) is never
// run here. The last stage's working directory, environment and command are what the image runs.
// Here: the cached build the tools and tests use, and the builder's names in one place.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StackFunction } from "./stack.js";
import { layoutContext } from "./image/layout.js";
import { buildImage, type Image } from "./image/player.js";

export { expandArgs, globalArgs, hostPlatformArgs, neededStages, parseCmd, parseDockerfile, parseEnv, type Instruction, type Stage } from "./image/dockerfile.js";
export { layoutContext } from "./image/layout.js";
export { buildImage, type Image } from "./image/player.js";

/** A digest of every file a function's image is built from. */
function inputsDigest(paths: readonly string[]): string {
  const hash = createHash("sha256");
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort()
      : [path];
    // Modes too: they reach the image (COPY keeps them).
    for (const file of files) hash.update(`${file}\0${statSync(file).mode}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/** Lays out and builds a function unless its last build came from the same files. */
export async function ensureImage(root: string, name: string, fn: StackFunction, copy: readonly string[] = [], log?: (line: string) => void): Promise<Image> {
  // The builder too: how the context is laid out and the stages played is part of the build.
  const builder = [join(root, "tools", "image.ts"), join(root, "tools", "image")];
  // And the Node.js that runs the build's RUN steps (CI builds on Node 24 after Node 20).
  const digest = `${process.version}:${inputsDigest([...builder, join(root, "template", fn.lang), resolve(root, fn.handler), ...copy.map((path) => resolve(root, path))])}`;
  const stamp = join(root, "build", `${name}.stages`, "inputs.json");
  if (existsSync(stamp)) {
    const built = JSON.parse(readFileSync(stamp, "utf8")) as { digest: string; image: Image };
    if (built.digest === digest && existsSync(built.image.dir)) return built.image;
  }
  log?.(`building ${name} (${fn.lang}, ${fn.handler})`);
  const image = await buildImage(layoutContext(root, name, fn, copy), log);
  writeFileSync(stamp, JSON.stringify({ digest, image }));
  return image;
}
