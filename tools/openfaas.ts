// Where the real OpenFaaS programs are: of-watchdog (what fronts a function in its image) and
// faas-cli. Tests and the OCI stand-ins run the real ones when they can be found:
//   OF_WATCHDOG=/path/to/fwatchdog   the watchdog for this machine
//   FAAS_CLI=/path/to/faas-cli       faas-cli for this machine
//   OPENFAAS_BIN_DIR=/path           a folder holding of-watchdog-linux-<arch> (amd64, arm64,
//                                    armv7) and faas-cli-linux-<arch>; .ci/run sets it
// The variables for one program win over the folder.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

export type Program = "of-watchdog" | "faas-cli";

/** The architecture names the release files use (linux/arm/v7 is "armv7"). */
export type Arch = "amd64" | "arm64" | "armv7";

export function archOf(nodeArch: string = process.arch): Arch {
  if (nodeArch === "x64") return "amd64";
  if (nodeArch === "arm64") return "arm64";
  if (nodeArch === "arm") return "armv7";
  throw new Error(`no OpenFaaS binaries are built for ${nodeArch}`);
}

const VARIABLE: Record<Program, string> = { "of-watchdog": "OF_WATCHDOG", "faas-cli": "FAAS_CLI" };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The path of `program` for `arch` (this machine's by default), or undefined when it is not to
 * be found. A program named by its own variable is only taken for this machine's architecture.
 */
export function findProgram(program: Program, arch: Arch = archOf(), env: Env = process.env): string | undefined {
  const own = env[VARIABLE[program]];
  const candidates = [own && arch === archOf() ? own : undefined, env["OPENFAAS_BIN_DIR"] ? join(env["OPENFAAS_BIN_DIR"], `${program}-linux-${arch}`) : undefined];
  return candidates.find((path): path is string => path !== undefined && path !== "" && executable(path));
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** One line for a reader whose machine lacks the program: how to point the tests at it. */
export function howToProvide(program: Program): string {
  return `${program} not found: set ${VARIABLE[program]}=/path/to/${program === "of-watchdog" ? "fwatchdog" : "faas-cli"} or OPENFAAS_BIN_DIR=<folder with ${program}-linux-<arch>>`;
}
