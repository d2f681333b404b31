// npm start and the packet client, as a newcomer runs them: real processes, real ports.
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from "vitest";
import { freePort } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { faasCliOnPath, otherLines, ROOT, run as runCommand, shellBlocks, userEnv, withoutNotice } from "../support/faas-cli.js";
import { realProgram } from "../support/real.js";
import { scratchDir } from "../../tools/scratch.js";

interface Started {
  readonly url: string;
  readonly output: () => string;
  /** Signals the whole process group, as Ctrl-C in a terminal does; resolves once npm is gone. */
  readonly stop: (signal: NodeJS.Signals) => Promise<void>;
}

/** Runs `npm start` in its own process group; resolves once the gateway listens. */
function npmStart(port: number): Promise<Started> {
  const child = spawn("npm", ["start", "--silent"], { env: { ...process.env, PORT: String(port) }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals) => {
    process.kill(-child.pid!, signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      const url = /gateway: (http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes("Ctrl-C stops everything.")) resolve({ url, output: () => output, stop });
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}

let gateway: Started;
beforeAll(async () => {
  gateway = await npmStart(await freePort());
}, 120_000);
afterAll(async () => {
  await gateway?.stop("SIGINT");
});

test("serves both functions on /function/<name>, like the gateway; the pipe from generador to validador works", async () => {
  const packet = await (await fetch(`${gateway.url}/function/generador?count=5&key=1`)).text();
  const res = await fetch(`${gateway.url}/function/validador`, { method: "POST", body: packet, headers: { "content-type": "text/plain" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-call-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect((await res.text()).trimEnd().split("\n")).toEqual((JSON.parse(packet) as { Key: string[] }).Key);
});

test("answers 404 for an unknown function, and /healthz while both are up", async () => {
  const unknown = await fetch(`${gateway.url}/function/contador`);
  expect([unknown.status, await unknown.text()]).toEqual([404, 'function not found: "contador" (this gateway has generador, validador)\n']);
  const health = await fetch(`${gateway.url}/healthz`);
  expect([health.status, await health.text()]).toEqual([200, "OK\n"]);
});

test("answers faas-cli: invoke (/function/<name>.openfaas-fn), list, describe, namespaces, and invoke --async with a callback", async () => {
  // The requests faas-cli 0.17.6 sends (proxy/invoke.go, list.go, describe.go, namespaces.go).
  const packet = await (await fetch(`${gateway.url}/function/generador.openfaas-fn?count=8&key=1`)).text();
  const key = (JSON.parse(packet) as { Key: string[] }).Key;
  const invoked = await fetch(`${gateway.url}/function/validador.openfaas-fn`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: packet });
  expect(invoked.status).toBe(200);
  expect((await invoked.text()).trimEnd().split("\n")).toEqual(key);

  const list = (await (await fetch(`${gateway.url}/system/functions`)).json()) as Record<string, unknown>[];
  const images = Object.fromEntries(Object.entries(readStack("stack.yml").functions).map(([name, fn]) => [name, fn.image]));
  expect(list.map(({ name, image, namespace, replicas, availableReplicas, envProcess }) => ({ name, image, namespace, replicas, availableReplicas, envProcess }))).toEqual(
    ["generador", "validador"].map((name) => ({ name, image: images[name], namespace: "openfaas-fn", replicas: 1, availableReplicas: 1, envProcess: "node src/index.js" })),
  );
  const described = (await (await fetch(`${gateway.url}/system/function/validador?namespace=openfaas-fn`)).json()) as Record<string, unknown>;
  expect(described).toMatchObject({ name: "validador", availableReplicas: 1, labels: { "com.openfaas.scale.max": "4" } });
  expect(described["invocationCount"]).toBeGreaterThanOrEqual(1);
  expect(await (await fetch(`${gateway.url}/system/namespaces`)).json()).toEqual(["openfaas-fn"]);

  const receiver = createServer();
  const posted = new Promise<{ headers: Record<string, unknown>; body: string }>((resolve) =>
    receiver.on("request", (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        res.end();
        receiver.close();
        resolve({ headers: req.headers, body });
      });
    }),
  );
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const accepted = await fetch(`${gateway.url}/async-function/validador.openfaas-fn`, {
    method: "POST",
    headers: { "Content-Type": "text/plain", "X-Callback-Url": `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/` },
    body: packet,
  });
  expect(accepted.status).toBe(202);
  const { headers, body } = await posted;
  expect(headers).toMatchObject({ "x-call-id": accepted.headers.get("x-call-id"), "x-function-status": "200", "x-function-name": "validador" });
  expect(body.trimEnd().split("\n")).toEqual(key);
});

test("says so clearly when the port is taken", async () => {
  const port = Number(new URL(gateway.url).port);
  const second = spawnSync("npm", ["start", "--silent"], { env: { ...process.env, PORT: String(port) }, encoding: "utf8", timeout: 60_000 });
  expect(second.status).toBe(1);
  expect(second.stderr).toContain(`port ${port} is in use: stop what holds it, or choose another one: PORT=8081 npm start`);
}, 60_000);

test("the packet client writes paraeljefe-<Id>.txt and prints a count per status", () => {
  const out = scratchDir("cliente-");
  const run = spawnSync("node", [".build/tools/cliente.js", "--gateway", gateway.url, "--count", "40", "--out", out], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const [file] = readdirSync(out);
  expect(file).toMatch(/^paraeljefe-[0-9A-Za-z]{27}\.txt$/);
  const lines = readFileSync(join(out, file!), "utf8").trimEnd().split("\n");
  expect(lines).toHaveLength(40);
  expect(run.stdout).toContain(`paquete ${file!.slice(11, 38)}: 40 entries, findings in ${join(out, file!)}`);
  const counted = [...run.stdout.matchAll(/^(OK|ERR|ILL|AMB) +(\d+)$/gm)].reduce((sum, match) => sum + Number(match[2]), 0);
  expect(counted).toBe(40);
});

test("npm run cliente writes its findings file in the folder npm was run from, and names it from there", () => {
  // npm runs scripts in the project's root: without INIT_CWD the file landed there instead.
  mkdirSync(join(ROOT, "build"), { recursive: true });
  const here = mkdtempSync(join(ROOT, "build", "cliente-"));
  onTestFinished(() => rmSync(here, { recursive: true, force: true }));
  const run = spawnSync("npm", ["run", "cliente", "--silent", "--", "--gateway", gateway.url, "--count", "3"], { cwd: here, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const files = readdirSync(here);
  expect(files).toEqual([expect.stringMatching(/^paraeljefe-[0-9A-Za-z]{27}\.txt$/)]);
  expect(run.stdout).toContain(`findings in ${files[0]}\n`);
  expect(readdirSync(ROOT).filter((name) => name.startsWith("paraeljefe-"))).toEqual([]);
}, 60_000);

test("the packet client explains an unreachable gateway and an error answer", async () => {
  const port = await freePort();
  const down = spawnSync("node", [".build/tools/cliente.js", "--gateway", `http://127.0.0.1:${port}`], { encoding: "utf8" });
  expect(down.status).toBe(1);
  expect(down.stderr).toMatch(new RegExp(`cliente: cannot reach the gateway at http://127.0.0.1:${port} \\(ECONNREFUSED\\)`));
  const refused = spawnSync("node", [".build/tools/cliente.js", "--gateway", gateway.url, "--count", "0"], { encoding: "utf8" });
  expect(refused.status).toBe(1);
  expect(refused.stderr).toBe("cliente: generador answered 404: no paquete available: count=0 asks for an empty one\n");
});

test("Ctrl-C stops the gateway and both functions cleanly", async () => {
  const started = await npmStart(await freePort());
  const servers = [...started.output().matchAll(/its server: (http:\/\/\S+)\)/g)].map((match) => match[1]!);
  expect(servers).toHaveLength(2);
  await started.stop("SIGINT");
  await expect.poll(started.output).toMatch(/stopped\.\n/);
  for (const url of [started.url, ...servers]) await expect(fetch(url)).rejects.toThrow();
}, 120_000);

// The README's faas-cli commands against npm start, as it writes them, run by the real faas-cli
// 0.17.6: every shell block that calls faas-cli on the local gateway, in the README's order, as
// one terminal session would (its exports carry over). The README's 127.0.0.1:8080 is this
// run's gateway, its callback receiver's port this test's receiver.
const faasCli = realProgram("faas-cli");
const FINDING = /^[0-9?]{9} (OK|ERR|ILL|AMB \['\d{9}'(, '\d{9}')*\])$/;

describe.skipIf(!faasCli)("the README's faas-cli commands, with the real faas-cli", () => {
  const blocks = shellBlocks().filter((commands) => commands.some((c) => /\bfaas-cli\b/.test(c)) && commands.some((c) => c.includes("127.0.0.1:8080")));
  const commands = blocks.flat();

  test("the README shows invoke, list, describe and invoke --async with a callback against npm start", () => {
    for (const shown of [/faas-cli invoke validador$/, /faas-cli list$/, /faas-cli describe validador$/, /faas-cli invoke validador --async -H 'X-Callback-Url: http:\/\/127\.0\.0\.1:\d+\/'/]) {
      expect(commands.some((command) => shown.test(command)), String(shown)).toBe(true);
    }
  });

  test("faas-cli version shows the gateway and its provider (GET /system/info)", async () => {
    const cwd = scratchDir("version-");
    const ran = await runCommand(faasCli!, ["version", "--warn-update=false"], { cwd, env: { ...userEnv(), OPENFAAS_URL: gateway.url } });
    rmSync(cwd, { recursive: true, force: true });
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(otherLines(ran.stderr)).toEqual([]);
    expect(ran.stdout).toMatch(/^ version: 0\.17\.\d+$/m);
    expect(ran.stdout).toContain(`Gateway\n uri:     ${gateway.url}\n`);
    expect(ran.stdout).toMatch(/^Provider\n name: +npm start \(tools\/gateway\.ts\)\n orchestration: +local$/m);
  });

  test("each runs as written and shows what the README says", async () => {
    const callbacks: { headers: Record<string, unknown>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk));
      req.on("end", () => {
        callbacks.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const callbackHost = /X-Callback-Url\W+http:\/\/(127\.0\.0\.1:\d+)\//.exec(commands.join("\n"))![1]!;
    const local = (command: string) =>
      command.replaceAll("http://127.0.0.1:8080", gateway.url).replaceAll(callbackHost, `127.0.0.1:${(receiver.address() as AddressInfo).port}`);
    // A user's shell in the project folder: stack.yml there (its gateway follows OPENFAAS_URL).
    const cwd = scratchDir("readme-");
    copyFileSync("stack.yml", join(cwd, "stack.yml"));
    const bin = faasCliOnPath(faasCli!);
    const env: NodeJS.ProcessEnv = { ...userEnv(), PATH: `${bin}:${process.env["PATH"] ?? ""}` };
    delete env["OPENFAAS_URL"];
    const stack = readStack("stack.yml");
    /** How many entries the paquete a command sends holds: its ?count, or its `< file`'s. */
    const entries = (command: string): number | undefined => {
      const count = /[?&]count=(\d+)/.exec(command)?.[1];
      const file = /< (\S+)$/.exec(command)?.[1];
      return count ? Number(count) : file ? (JSON.parse(readFileSync(join(cwd, file), "utf8")) as { Contenido: unknown[] }).Contenido.length : undefined;
    };
    const expectFindings = (text: string, count: number | undefined, command: string) => {
      const lines = text.trimEnd().split("\n");
      if (count !== undefined) expect(lines, command).toHaveLength(count);
      expect(lines.filter((line) => !FINDING.test(line)), command).toEqual([]);
    };
    try {
      for (const written of commands) {
        const command = local(written);
        const exported = /^export (\w+)=(\S+)$/.exec(command);
        if (exported) {
          env[exported[1]!] = exported[2]!;
          continue;
        }
        const seen = callbacks.length;
        const ran = await runCommand("bash", ["-o", "pipefail", "-c", command], { cwd, env });
        expect(ran.code, `${written}: ${ran.stdout.slice(-2000)}${ran.stderr}`).toBe(0);
        const async = /faas-cli invoke validador .*--async/.test(command);
        // faas-cli says this one thing on stderr for an async call; nothing for the others.
        expect(otherLines(ran.stderr), written).toEqual(async ? ["Function submitted asynchronously."] : []);
        const stdout = withoutNotice(ran.stdout);
        if (async) {
          expect(stdout, written).toBe("");
          await expect.poll(() => callbacks.length, { timeout: 60_000 }).toBe(seen + 1);
          const { headers, body } = callbacks[seen]!;
          expect(headers, written).toMatchObject({ "x-function-status": "200", "x-function-name": "validador", "content-type": "text/plain; charset=utf-8" });
          expect(headers["x-call-id"], written).toMatch(/^[0-9a-f-]{36}$/);
          expectFindings(body, entries(command), written);
        } else if (/faas-cli invoke validador/.test(command)) {
          expectFindings(stdout, entries(command), written);
        } else if (/faas-cli list$/.test(command)) {
          const [head, ...rows] = stdout.trimEnd().split("\n");
          expect(head, written).toMatch(/^Function\s+Invocations\s+Replicas$/);
          expect(rows.map((row) => row.split(/\s+/).filter(Boolean)).map(([name, , replicas]) => [name, replicas]), written).toEqual(Object.keys(stack.functions).map((name) => [name, "1"]));
        } else if (/faas-cli describe validador$/.test(command)) {
          expect(stdout, written).toMatch(/^Name:\s+validador$/m);
          expect(stdout, written).toMatch(/^Status:\s+Ready$/m);
          expect(stdout, written).toMatch(new RegExp(`^Image:\\s+${stack.functions["validador"]!.image.replaceAll(".", "\\.")}$`, "m"));
          expect(stdout, written).toContain(`Async URL:          ${gateway.url}/async-function/validador`);
        } else if (/\bfaas-cli\b/.test(command)) {
          throw new Error(`no check yet for this README command: ${written}`);
        }
      }
    } finally {
      receiver.close();
      for (const dir of [cwd, bin]) rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
