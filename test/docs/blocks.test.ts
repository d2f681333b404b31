// The shell blocks of README.md and docs/*.md, run as a reader runs them: against an `npm start`
// of this file's own, each page as one terminal session (its exports carry over), in a folder
// under build/, with the real faas-cli on PATH as `faas-cli`. A console block's `$ ` lines are
// commands and the lines after each its expected output; an sh block's commands must succeed.
// A block whose first line is `# on <somewhere>` cannot run here and is skipped, saying where it
// runs; `# in another terminal` runs in the background while the page's other blocks run.
// Blocks that are the suite itself (npm test inside npm test...) are listed, not run.
// The docs' http://127.0.0.1:8080 is this run's gateway (also where cliente and faas-cli look
// by default), their callback receiver's port 9000 a free port.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { freePort } from "../../tools/run.js";
import { docPages, fencedBlocks, readPage, ROOT, type Block } from "../support/docs.js";
import { faasCliOnPath, run, userEnv, withoutNotice } from "../support/faas-cli.js";
import { npmStart, type Started } from "../support/npm-start.js";
import { realProgram } from "../support/real.js";
import { expectedOutput, matches } from "../support/output.js";

const SHELL = new Set(["sh", "console", "bash", "shell"]);
const BLOCK_TIMEOUT_MS = 120_000;

/** Commands that are the suite itself, or run it: listed, never run from inside it. */
const SUITE = [/^npm ci\b/, /^npm start\b/, /^npm test\b/, /^npm run test:oci\b/, /^bash tools\/oci\/setup\.sh\b/, /^npm run bench\b/, /^npm run image\b/, /^bash \.ci\/run\b/];

type Kind = { run: "elsewhere"; reason: string } | { run: "suite" } | { run: "background" } | { run: "here" };

interface Command {
  readonly command: string;
  /** Console blocks only: the output shown after the command. */
  readonly output?: readonly string[];
}

/** A console block's commands and their shown output; a command continues past a line ending in \, | or &&. */
function consoleCommands(lines: readonly string[]): Command[] {
  const commands: { command: string; output: string[] }[] = [];
  let continuing = false;
  for (const line of lines) {
    if (line.startsWith("$ ") || continuing) {
      const text = continuing ? line : line.slice(2);
      if (continuing) commands.at(-1)!.command += `\n${text}`;
      else commands.push({ command: text, output: [] });
      continuing = /(\\|\||&&)\s*$/.test(text);
    } else if (commands.length > 0) {
      commands.at(-1)!.output.push(line);
    }
  }
  return commands;
}

/** An sh block's command lines: comments and blank lines left out, continuations kept. */
const scriptLines = (lines: readonly string[]) => lines.filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"));

function commandsOf(block: Block): string[] {
  return block.lang === "console" ? consoleCommands(block.lines).map((c) => c.command) : scriptLines(block.lines);
}

function kindOf(block: Block): Kind {
  const first = block.lines[0] ?? "";
  if (/^# on /.test(first)) return { run: "elsewhere", reason: first.slice(2) };
  if (/^# in another terminal\b/.test(first)) return { run: "background" };
  const parts = commandsOf(block)
    .flatMap((command) => command.split("&&"))
    .map((part) => part.replace(/\s+#.*$/, "").trim().replace(/^sudo /, ""));
  if (parts.length > 0 && parts.every((part) => SUITE.some((suite) => suite.test(part)))) return { run: "suite" };
  return { run: "here" };
}

const pages = docPages().map((page) => ({
  page,
  blocks: fencedBlocks(readPage(page))
    .filter((block) => SHELL.has(block.lang))
    .map((block) => ({ block, kind: kindOf(block) })),
}));
const needsFaasCli = pages.some(({ blocks }) => blocks.some(({ block, kind }) => kind.run === "here" && /\bfaas-cli\b/.test(block.lines.join("\n"))));
const faasCli = needsFaasCli ? realProgram("faas-cli") : undefined;

let gateway: Started;
beforeAll(async () => {
  gateway = await npmStart(await freePort());
}, 180_000);
afterAll(async () => {
  await gateway?.stop("SIGINT");
});

const title = (page: string, block: Block) => `${page}:${block.line} ${block.lang}: ${commandsOf(block)[0] ?? ""}`;

describe.each(pages.filter(({ blocks }) => blocks.length > 0))("$page", ({ page, blocks }) => {
  // The page's terminal session: its folder, environment and background processes.
  let cwd: string;
  let bin: string | undefined;
  let callbackPort: number;
  const env: NodeJS.ProcessEnv = {};
  const background: { child: ChildProcess; output: () => string }[] = [];
  let asyncCalls = 0;

  beforeAll(async () => {
    mkdirSync(join(ROOT, "build"), { recursive: true });
    cwd = mkdtempSync(join(ROOT, "build", "docs-"));
    if (faasCli) bin = faasCliOnPath(faasCli);
    callbackPort = await freePort();
    // The gateway a reader's tools find by default (127.0.0.1:8080, npm start's) is this run's.
    Object.assign(env, userEnv(), { PATH: `${bin ? `${bin}:` : ""}${process.env["PATH"] ?? ""}`, OPENFAAS_URL: gateway.url });
  });
  afterAll(() => {
    for (const { child } of background) if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
    rmSync(cwd, { recursive: true, force: true });
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  /** The docs' addresses made this run's. */
  const local = (text: string) =>
    text
      .replaceAll("http://127.0.0.1:8080", gateway.url)
      .replaceAll("127.0.0.1:9000", `127.0.0.1:${callbackPort}`)
      .replaceAll('listen(9000, "127.0.0.1")', `listen(${callbackPort}, "127.0.0.1")`);
  const sh = (script: string) => run("bash", ["-o", "pipefail", "-c", script], { cwd, env, timeoutMs: BLOCK_TIMEOUT_MS });
  /** export NAME=value lines carry over to the page's later blocks, as in one terminal. */
  const keepExports = (lines: readonly string[]) => {
    for (const line of lines) {
      const exported = /^export (\w+)=(['"]?)(\S*)\2$/.exec(line.trim());
      if (exported) env[exported[1]!] = local(exported[3]!);
    }
  };

  for (const { block, kind } of blocks) {
    const name = title(page, block);
    if (kind.run === "elsewhere") {
      test.skip(`${name} (runs ${kind.reason})`, () => {});
    } else if (kind.run === "suite") {
      test.skip(`${name} (the suite itself)`, () => {});
    } else if (!faasCli && /\bfaas-cli\b/.test(block.lines.join("\n"))) {
      test.skip(`${name} (no faas-cli)`, () => {});
    } else if (kind.run === "background") {
      test(name, async () => {
        const child = spawn("bash", ["-c", local(block.lines.join("\n"))], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
        child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
        background.push({ child, output: () => output });
        // Given a moment to listen: the page's next blocks talk to it.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(child.exitCode, output).toBe(null);
      });
    } else if (block.lang === "console") {
      test(
        name,
        async () => {
          for (const { command, output } of consoleCommands(block.lines)) {
            keepExports([command]);
            if (/^export \w+=\S+$/.test(command.trim())) continue;
            asyncCalls += command.match(/--async\b/g)?.length ?? 0;
            const ran = await sh(`{\n${local(command)}\n} 2>&1`);
            const shown = withoutNotice(ran.stdout);
            expect(ran.code, `${command}\n${shown}`).toBe(0);
            const expected = expectedOutput(output!.map(local));
            expect(matches(shown, expected), `${command}\n--- shown in ${page}:\n${expected.join("\n")}\n--- got:\n${shown}`).toBe(true);
          }
        },
        BLOCK_TIMEOUT_MS,
      );
    } else {
      test(
        name,
        async () => {
          keepExports(block.lines);
          asyncCalls += scriptLines(block.lines).join("\n").match(/--async\b/g)?.length ?? 0;
          const ran = await sh(`set -e\n${local(block.lines.join("\n"))}`);
          expect(ran.code, withoutNotice(ran.stdout + ran.stderr).slice(-4000)).toBe(0);
        },
        BLOCK_TIMEOUT_MS,
      );
    }
  }

  const receiverTitle = `${page}: every --async call reached the callback receiver, answered 200`;
  if (blocks.some(({ kind }) => kind.run === "background") && !faasCli) {
    // The pages' --async calls are faas-cli commands, skipped above without it.
    test.skip(`${receiverTitle} (no faas-cli)`, () => {});
  } else if (blocks.some(({ kind }) => kind.run === "background")) {
    test(receiverTitle, async () => {
      expect(asyncCalls).toBeGreaterThan(0);
      const statuses = () => background.flatMap(({ output }) => [...output().matchAll(/'x-function-status': '(\d+)'/g)].map((m) => m[1]));
      await expect.poll(() => statuses().length, { timeout: 60_000 }).toBe(asyncCalls);
      expect(statuses()).toEqual(Array(asyncCalls).fill("200"));
    }, 90_000);
  }
});

test("the docs show faas-cli invoke, list, describe and invoke --async with a callback against npm start, run here", () => {
  const run = pages.flatMap(({ blocks }) => blocks.filter(({ kind }) => kind.run === "here").flatMap(({ block }) => commandsOf(block)));
  for (const shown of [/faas-cli invoke validador\b/, /faas-cli list$/, /faas-cli describe validador$/, /faas-cli invoke validador --async -H 'X-Callback-Url: http:\/\/127\.0\.0\.1:9000\/'/]) {
    expect(run.some((command) => shown.test(command)), String(shown)).toBe(true);
  }
});

test("every shell block is run, or marked as running elsewhere, in the background, or as the suite", () => {
  const counts = { here: 0, background: 0, elsewhere: 0, suite: 0 };
  for (const { blocks } of pages) for (const { kind } of blocks) counts[kind.run]++;
  // Listed in the output: how much of the docs the tests cover.
  console.log(`doc blocks: ${counts.here} run, ${counts.background} in the background, ${counts.elsewhere} elsewhere (skipped), ${counts.suite} the suite itself`);
  expect(counts.here).toBeGreaterThan(0);
});
