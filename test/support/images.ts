// Vitest global setup: compiles the tools, and builds every function image the tests run, once
// per test run, the way `faas-cli build` would (tools/image.ts), two at a time.
import { execFileSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { ensureImage, type Image } from "../../tools/image.js";
import { readStack, type StackFunction } from "../../tools/stack.js";

declare module "vitest" {
  export interface ProvidedContext {
    images: Record<string, Image>;
  }
}

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** Functions built from the template that only tests use. */
const TEST_FUNCTIONS: Record<string, StackFunction> = {
  scaffold: { lang: "node24-ts", handler: "./template/node24-ts/function", image: "test/scaffold" },
  echo: { lang: "node24-ts", handler: "./test/fixtures/echo", image: "test/echo" },
  hooks: { lang: "node24-ts", handler: "./test/fixtures/hooks", image: "test/hooks" },
};

export default async function setup(project: TestProject): Promise<void> {
  // The command-line tools (npm start, cliente, bench), compiled once before tests run them.
  execFileSync("npm", ["run", "build:tools", "--silent"], { cwd: ROOT, stdio: "inherit" });
  const stack = readStack(`${ROOT}/stack.yml`);
  const all: [string, StackFunction, readonly string[]][] = [
    ...Object.entries(stack.functions).map(([name, fn]): [string, StackFunction, readonly string[]] => [name, fn, stack.configuration?.copy ?? []]),
    ...Object.entries(TEST_FUNCTIONS).map(([name, fn]): [string, StackFunction, readonly string[]] => [name, fn, []]),
  ];
  // IMAGES=echo,scaffold narrows a local run to what it needs.
  const wanted = process.env["IMAGES"]?.split(",");
  const queue = all.filter(([name]) => !wanted || wanted.includes(name));
  const images: Record<string, Image> = {};
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, fn, copy] = next;
      images[name] = await ensureImage(ROOT, name, fn, copy);
    }
  };
  await Promise.all([worker(), worker()]);
  project.provide("images", images);
}
