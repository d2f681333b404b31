// npm start and the paquete client, as a newcomer runs them: real processes, real ports. The
// docs' commands against npm start (curl, npm run cliente, faas-cli) run in test/docs/.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import { freePort } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { otherLines, ROOT, run as runCommand, userEnv } from "../support/faas-cli.js";
import { npmStart, type Started } from "../support/npm-start.js";
import { realProgram } from "../support/real.js";
import { scratchDir } from "../../tools/scratch.js";

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

const faasCli = realProgram("faas-cli");

test.skipIf(!faasCli)("faas-cli version shows the gateway and its provider (GET /system/info)", async () => {
  const cwd = scratchDir("version-");
  const ran = await runCommand(faasCli!, ["version", "--warn-update=false"], { cwd, env: { ...userEnv(), OPENFAAS_URL: gateway.url } });
  rmSync(cwd, { recursive: true, force: true });
  expect(ran.code, ran.stdout + ran.stderr).toBe(0);
  expect(otherLines(ran.stderr)).toEqual([]);
  expect(ran.stdout).toMatch(/^ version: 0\.17\.\d+$/m);
  expect(ran.stdout).toContain(`Gateway\n uri:     ${gateway.url}\n`);
  expect(ran.stdout).toMatch(/^Provider\n name: +npm start \(tools\/gateway\.ts\)\n orchestration: +local$/m);
});
