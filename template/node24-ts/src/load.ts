// Finds what the compiled function/handler.js exports, however it was exported: the handler as
// `export default`, CommonJS `module.exports =`, or a CommonJS build of an ES module; and its
// optional init and shutdown, as named exports or beside the handler on module.exports.
import { pathToFileURL } from "node:url";
import type { Handler, Init, Shutdown } from "@node-ts/api";

export interface FunctionExports {
  readonly handler: Handler;
  readonly init: Init | undefined;
  readonly shutdown: Shutdown | undefined;
}

export async function loadFunction(file: string): Promise<FunctionExports> {
  const module: Record<string, unknown> = await import(pathToFileURL(file).href);
  const exported = module["default"];
  const nested = (exported as { default?: unknown } | undefined)?.default;
  const handler = typeof exported === "function" ? exported : nested;
  if (typeof handler !== "function") {
    throw new Error(`${file} must export a handler function: export default async function handle(event, context) {...}`);
  }
  // In CommonJS, module.exports is the default export: the hooks may be properties of it (of
  // an object beside the handler, or of the handler itself) that Node did not see as named.
  const hook = (name: "init" | "shutdown") => {
    const value = module[name] ?? (exported as Record<string, unknown> | null | undefined)?.[name];
    if (value === undefined) return undefined;
    if (typeof value !== "function") {
      throw new Error(`${file} exports ${name} as a ${typeof value}: ${name} must be a function, such as export async function ${name}() {...}`);
    }
    return value as () => Promise<void> | void;
  };
  return { handler: handler as Handler, init: hook("init"), shutdown: hook("shutdown") };
}
