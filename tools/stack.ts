// Reads stack.yml as faas-cli does: ${VAR} and ${VAR:-default} are substituted from the
// environment before the YAML is parsed.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface StackFunction {
  readonly lang: string;
  readonly handler: string;
  readonly image: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly limits?: { readonly memory?: string };
  readonly requests?: { readonly memory?: string };
  readonly readonly_root_filesystem?: boolean;
}

export interface Stack {
  readonly version: string | number;
  readonly provider: { readonly name: string; readonly gateway: string };
  readonly configuration?: {
    readonly templates?: readonly { readonly name: string; readonly source?: string }[];
    readonly copy?: readonly string[];
  };
  readonly functions: Readonly<Record<string, StackFunction>>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function substituteEnv(text: string, env: Env): string {
  return text.replace(/\$\{(\w+)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const value = env[name];
    return value !== undefined && value !== "" ? value : (fallback ?? "");
  });
}

/** Templates renamed since an earlier release: an old stack.yml gets the new name, not a missing folder. */
const RENAMED: Readonly<Record<string, string>> = { "node22-ts": "node24-ts" };

export function readStack(file: string, env: Env = process.env): Stack {
  const stack = parse(substituteEnv(readFileSync(file, "utf8"), env)) as Stack;
  for (const [name, fn] of Object.entries(stack.functions ?? {})) {
    const renamed = RENAMED[fn.lang];
    if (renamed !== undefined) {
      throw new Error(`${file}: function ${name} has lang: ${fn.lang}, a template now named ${renamed} (the same template, named for the Node line it runs): write lang: ${renamed}, and ${renamed} under configuration.templates`);
    }
  }
  return stack;
}
