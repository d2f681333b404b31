// A Dockerfile as the player reads it: its stages and instructions, ARG expansion, the platform
// arguments a builder sets, the stages the last one needs, and the ENV and CMD forms.
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly name: string;
  /** What FROM names (an image or an earlier stage), without --platform and AS, unexpanded. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  const lines = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const line of lines) {
    const match = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith("#")) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === "FROM") {
      const alias = /\sAS\s+(\S+)$/i.exec(args)?.[1];
      const from = args.split(/\s+/).find((word) => !word.startsWith("--"))!;
      stages.push({ name: alias ?? String(stages.length), from, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

/** The ARGs declared before the first FROM, with their defaults ("" when none). */
export function globalArgs(text: string): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*FROM\s/i.test(line)) break;
    const match = /^\s*ARG\s+(\w+)(?:=(\S*))?\s*$/i.exec(line);
    if (match) args[match[1]!] = match[2] ?? "";
  }
  return args;
}

/** $X, ${X}, ${X:-default} and ${X:+alternative}, as builders expand FROM lines. */
export function expandArgs(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::([-+])([^}]*))?\}|\$(\w+)/g, (_all, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const value = vars[braced ?? bare!] ?? "";
    if (op === "-") return value === "" ? word! : value;
    if (op === "+") return value === "" ? "" : word!;
    return value;
  });
}

/** The platform variables FROM lines see when building for this machine (BuildKit's names). */
export function hostPlatformArgs(arch: string = process.arch): Record<string, string> {
  const [targetArch, variant] = arch === "x64" ? ["amd64", ""] : arch === "arm" ? ["arm", "v7"] : [arch, ""];
  const platform = `linux/${targetArch}${variant ? `/${variant}` : ""}`;
  return { BUILDPLATFORM: platform, TARGETPLATFORM: platform, TARGETOS: "linux", TARGETARCH: targetArch!, TARGETVARIANT: variant! };
}

/**
 * The stages a build of the last stage needs, in file order: the last, the stage each needed one
 * starts FROM (resolved with `vars`) and every stage a needed one copies --from.
 */
export function neededStages(stages: readonly Stage[], vars: Readonly<Record<string, string>>): Stage[] {
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  const needed = new Set<Stage>();
  const visit = (stage: Stage | undefined): void => {
    if (!stage || needed.has(stage)) return;
    needed.add(stage);
    visit(byName.get(expandArgs(stage.from, vars)));
    for (const { keyword, args } of stage.instructions) {
      const from = keyword === "COPY" ? /--from=(\S+)/.exec(args)?.[1] : undefined;
      if (from !== undefined) visit(byName.get(expandArgs(from, vars)));
    }
  };
  visit(stages.at(-1));
  return stages.filter((stage) => needed.has(stage));
}

/** ENV a=1 b="two words" (and the legacy ENV a value). */
export function parseEnv(args: string): Record<string, string> {
  if (!/^\w+=/.test(args)) {
    const [name, ...value] = args.split(/\s+/);
    return { [name!]: value.join(" ") };
  }
  const env: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g)) {
    env[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
  }
  return env;
}

/** CMD ["a", "b"] (the exec form; the shell form runs under /bin/sh -c, as Docker runs it). */
export function parseCmd(args: string): string[] {
  if (!args.trimStart().startsWith("[")) return ["/bin/sh", "-c", args];
  const words: unknown = JSON.parse(args);
  if (!Array.isArray(words) || !words.every((word): word is string => typeof word === "string")) throw new Error(`CMD ${args}: not a list of strings`);
  return words;
}
