// Finds the handler function in the compiled function/handler.js, however it was exported:
// `export default`, CommonJS `module.exports =`, or a CommonJS build of an ES module.
import { pathToFileURL } from "node:url";
import type { Handler } from "@node22-ts/api";

export async function loadHandler(file: string): Promise<Handler> {
  const module: Record<string, unknown> = await import(pathToFileURL(file).href);
  const exported = module["default"];
  const nested = (exported as { default?: unknown } | undefined)?.default;
  const handler = typeof exported === "function" ? exported : nested;
  if (typeof handler !== "function") {
    throw new Error(`${file} must export a handler function: export default async function handle(event, context) {...}`);
  }
  return handler as Handler;
}
