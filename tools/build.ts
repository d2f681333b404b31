// npm run image -- <function> [--serve]: builds one function as `faas-cli build` would, without
// Docker (build/<function>/ laid out as `faas-cli build --shrinkwrap` does, then the
// Dockerfile's stages played into build/<function>.stages/), and with --serve starts what the
// image runs, with the image's and stack.yml's environment. <function> is a name in stack.yml,
// or a handler folder (e.g. template/node24-ts/function) to build on the node24-ts template.
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildImage, layoutContext } from "./image.js";
import { startFunction } from "./run.js";
import { readStack, type StackFunction } from "./stack.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { serve: { type: "boolean", default: false }, port: { type: "string", default: "3000" } },
});
const [target] = positionals;
const stack = readStack(`${ROOT}/stack.yml`);

function pick(): { name: string; fn: StackFunction; copy: readonly string[] } {
  if (target && stack.functions[target]) return { name: target, fn: stack.functions[target], copy: stack.configuration?.copy ?? [] };
  if (target && existsSync(resolve(ROOT, target))) {
    return { name: basename(resolve(ROOT, target)), fn: { lang: "node24-ts", handler: target, image: target }, copy: [] };
  }
  console.error(`usage: npm run image -- <${Object.keys(stack.functions).join("|")}|handler folder> [--serve] [--port 3000]`);
  process.exit(2);
}

const { name, fn, copy } = pick();
try {
  const context = layoutContext(ROOT, name, fn, copy);
  console.log(`context: ${context} (as faas-cli build --shrinkwrap)`);
  const image = await buildImage(context, (line) => console.log(line));
  console.log(`image: ${image.dir}`);
  if (values.serve) {
    const running = await startFunction(image, {
      env: { ...fn.environment, http_port: values.port },
      onOutput: (text) => process.stdout.write(text),
    });
    console.log(`serving ${name} on ${running.url} (lock file ${running.lockFile}); Ctrl-C stops it`);
    process.on("SIGINT", () => running.kill("SIGINT"));
    process.on("SIGTERM", () => running.kill("SIGTERM"));
    const { code } = await running.exited;
    process.exit(code ?? 1);
  }
} catch (error) {
  console.error(`npm run image: ${(error as Error).message}`);
  process.exit(1);
}
