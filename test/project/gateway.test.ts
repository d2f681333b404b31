// The local gateway (tools/gateway.ts) in front of the real built functions, over real HTTP on
// 127.0.0.1, called with the requests faas-cli sends (its proxy/invoke.go, list.go, describe.go,
// namespaces.go) and read as faas-cli reads the answers. Async callbacks go to a real HTTP server.
import { existsSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { createGateway, type GatewayOptions, type Upstream } from "../../tools/gateway.js";
import { freePort, startFunction, type RunningFunction } from "../../tools/run.js";
import { readStack, type StackFunction } from "../../tools/stack.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const stack = readStack(`${ROOT}stack.yml`);
const ECHO: StackFunction = { lang: "node24-ts", handler: "./test/fixtures/echo", image: "test/echo" };
// What faas-cli invoke sends: text/plain unless --content-type, and its own user agent.
const FAAS_CLI = { "Content-Type": "text/plain", "User-Agent": "faas-cli/0.17.6 (openfaas; linux; amd64)" };

const running: RunningFunction[] = [];
let upstreams: Map<string, Upstream>;
const gateways: Server[] = [];

async function start(name: string, fn: StackFunction): Promise<[string, Upstream]> {
  const image = inject("images")[name]!;
  const startedAt = new Date();
  const process = await startFunction(image, { env: { ...fn.environment } });
  running.push(process);
  return [name, { port: process.port, alive: () => existsSync(process.lockFile), stack: fn, envProcess: image.env["fprocess"], startedAt }];
}

beforeAll(async () => {
  upstreams = new Map(await Promise.all([start("echo", ECHO), start("generador", stack.functions["generador"]!), start("validador", stack.functions["validador"]!)]));
});
afterAll(async () => {
  for (const gateway of gateways) gateway.close();
  for (const fn of running) fn.kill("SIGINT");
  await Promise.all(running.map((fn) => fn.exited));
});

/** A gateway on a port of its own; `lines` collects what it logs. */
async function gateway(options: GatewayOptions = {}, functions: ReadonlyMap<string, Upstream> = upstreams): Promise<{ url: string; lines: string[] }> {
  const lines: string[] = [];
  const server = createGateway(functions, { log: (line) => lines.push(line), ...options });
  gateways.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * The callback URL's server: records what it is sent, and answers `status`; while `held`, it
 * keeps its answers back until release() (a receiver that is slow to answer).
 */
async function receiver(status = 200): Promise<{ url: string; received: Received[]; arrived: (count: number) => Promise<Received[]>; hold: () => void; release: () => void }> {
  const received: Received[] = [];
  let waiters: (() => void)[] = [];
  let held: (() => void)[] | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      for (const wake of waiters) wake();
      waiters = [];
      const answer = () => res.writeHead(status).end();
      if (held) held.push(answer);
      else answer();
    });
  });
  gateways.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/done?from=gateway`,
    received,
    arrived: async (count) => {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    hold: () => void (held = []),
    release: () => {
      for (const answer of held ?? []) answer();
      held = undefined;
    },
  };
}

async function paquete(count: number): Promise<{ body: string; id: string; key: string[] }> {
  const body = await (await fetch(`${upstreamUrl("generador")}/?count=${count}&key=1&compact=1`)).text();
  const parsed = JSON.parse(body) as { Id: string; Key: string[] };
  return { body, id: parsed.Id, key: parsed.Key };
}

function upstreamUrl(name: string): string {
  return `http://127.0.0.1:${upstreams.get(name)!.port}`;
}

interface Status {
  name: string;
  image: string;
  namespace: string;
  envProcess: string;
  envVars: Record<string, string>;
  labels: Record<string, string>;
  replicas: number;
  availableReplicas: number;
  invocationCount: number;
  limits?: { memory: string };
  readOnlyRootFilesystem: boolean;
  createdAt: string;
}

test("faas-cli invoke: POST /function/<name>.openfaas-fn as text/plain reaches the function; the bare name too; other namespaces are 404", async () => {
  const { url } = await gateway();
  const packet = await paquete(12);
  for (const path of ["/function/validador.openfaas-fn", "/function/validador"]) {
    const res = await fetch(`${url}${path}`, { method: "POST", headers: FAAS_CLI, body: packet.body });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-paquete-id")).toBe(packet.id);
    expect(res.headers.get("x-call-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-duration-seconds")).toMatch(/^\d+\.\d{6}$/);
    expect((await res.text()).trimEnd().split("\n")).toEqual(packet.key);
  }
  const elsewhere = await fetch(`${url}/function/validador.dev`, { method: "POST", headers: FAAS_CLI, body: packet.body });
  expect([elsewhere.status, await elsewhere.text()]).toEqual([404, `function not found: "validador.dev" (this gateway has namespace openfaas-fn only)\n`]);
  const unknown = await fetch(`${url}/function/contador.openfaas-fn`);
  expect([unknown.status, await unknown.text()]).toEqual([404, `function not found: "contador.openfaas-fn" (this gateway has echo, generador, validador)\n`]);
});

test("sub-paths, the query and the method reach the function without the /function/<name> prefix", async () => {
  const { url } = await gateway();
  // faas-cli invoke echo --method PUT --query a=1 --query b=two words
  const res = await fetch(`${url}/function/echo.openfaas-fn/echo?a=1&b=two+words`, { method: "PUT", headers: FAAS_CLI, body: "hi" });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ kind: "string", bodyKind: "text", body: "hi", method: "PUT", path: "/echo", query: { a: "1", b: "two words" }, contentType: "text/plain" });
  const root = await fetch(`${url}/function/generador?count=2&seed=7`);
  expect(root.status).toBe(200);
  expect(((await root.json()) as { Contenido: unknown[] }).Contenido).toHaveLength(2);
});

test("faas-cli list and describe: /system/functions and /system/function/<name> give each function's status from stack.yml and the gateway's count", async () => {
  const { url } = await gateway();
  for (let i = 0; i < 3; i++) expect((await fetch(`${url}/function/echo/text`)).status).toBe(200);
  expect((await fetch(`${url}/function/echo.openfaas-fn/http-error`)).status).toBe(422);

  for (const query of ["", "?namespace=openfaas-fn"]) {
    const list = await fetch(`${url}/system/functions${query}`);
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe("application/json");
    const functions = (await list.json()) as Status[];
    expect(functions.map((fn) => fn.name)).toEqual(["echo", "generador", "validador"]);
    expect(functions.map((fn) => [fn.namespace, fn.replicas, fn.availableReplicas])).toEqual(Array(3).fill(["openfaas-fn", 1, 1]));
    expect(functions.map((fn) => fn.invocationCount)).toEqual([4, 0, 0]);
  }

  const describe = await fetch(`${url}/system/function/validador?namespace=openfaas-fn`);
  expect(describe.status).toBe(200);
  const validador = (await describe.json()) as Status;
  const spec = stack.functions["validador"]!;
  expect(validador).toMatchObject({
    name: "validador",
    image: spec.image,
    namespace: "openfaas-fn",
    envProcess: "node src/index.js",
    envVars: { MAX_BODY_SIZE: "16mb", exec_timeout: "30s" },
    labels: { "com.openfaas.scale.min": "1", "com.openfaas.scale.max": "4" },
    limits: { memory: "192Mi" },
    readOnlyRootFilesystem: true,
    replicas: 1,
    availableReplicas: 1,
  });
  // Empty maps are left out, as Go's omitempty does (faas-cli describe would print an empty heading).
  expect(validador).not.toHaveProperty("annotations");
  // Go's time.Time reads RFC 3339.
  expect(new Date(validador.createdAt).toISOString()).toBe(validador.createdAt);

  // faas-cli describe turns a 404 into "No such function".
  expect((await fetch(`${url}/system/function/contador?namespace=openfaas-fn`)).status).toBe(404);
  const elsewhere = await fetch(`${url}/system/functions?namespace=dev`);
  expect([elsewhere.status, await elsewhere.text()]).toEqual([404, `namespace not found: "dev" (this gateway has openfaas-fn only)\n`]);
});

test("faas-cli namespaces: /system/namespaces is a JSON array of names", async () => {
  const { url } = await gateway();
  const res = await fetch(`${url}/system/namespaces`);
  expect([res.status, await res.json()]).toEqual([200, ["openfaas-fn"]]);
});

test("faas-cli version: /system/info in the gateway's shape, both version objects present (faas-cli reads them unchecked)", async () => {
  const { url } = await gateway();
  const res = await fetch(`${url}/system/info`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    provider: { provider: "npm start (tools/gateway.ts)", orchestration: "local", version: { release: "", sha: "" } },
    version: { release: "", sha: "" },
    arch: process.arch === "x64" ? "amd64" : process.arch,
  });
});

test("a function that is not running shows 0 available replicas, /healthz 503, and calls get 503", async () => {
  const down = new Map<string, Upstream>([["validador", { port: 0, alive: () => false, stack: stack.functions["validador"]! }]]);
  const { url } = await gateway({}, down);
  const status = (await (await fetch(`${url}/system/function/validador`)).json()) as Status;
  expect([status.replicas, status.availableReplicas]).toEqual([1, 0]);
  const health = await fetch(`${url}/healthz`);
  expect([health.status, await health.text()]).toEqual([503, "a function is not ready\n"]);
  const call = await fetch(`${url}/function/validador`, { method: "POST", body: "x" });
  expect([call.status, await call.text()]).toEqual([503, "function validador is not running\n"]);
});

test("faas-cli invoke --async with X-Callback-Url: 202 and X-Call-Id at once; the answer is POSTed to the callback with the function's headers", async () => {
  const { url, lines } = await gateway();
  const callback = await receiver();
  const packet = await paquete(30);
  const res = await fetch(`${url}/async-function/validador.openfaas-fn?correct=1`, {
    method: "POST",
    headers: { ...FAAS_CLI, "X-Callback-Url": callback.url },
    body: packet.body,
  });
  expect(res.status).toBe(202);
  expect(await res.text()).toBe("");
  const callId = res.headers.get("x-call-id");
  expect(callId).toMatch(/^[0-9a-f-]{36}$/);

  const [posted] = await callback.arrived(1);
  expect(posted!.method).toBe("POST");
  expect(posted!.url).toBe("/done?from=gateway");
  expect(posted!.headers).toMatchObject({
    "x-call-id": callId,
    "x-function-status": "200",
    "x-function-name": "validador",
    "x-paquete-id": packet.id,
    "content-type": "text/plain; charset=utf-8",
    "content-disposition": `attachment; filename="paraeljefe-${packet.id}.txt"`,
  });
  expect(posted!.headers["x-duration-seconds"]).toMatch(/^\d+\.\d{6}$/);
  // The same findings a synchronous call gives.
  const sync = await fetch(`${url}/function/validador?correct=1`, { method: "POST", headers: FAAS_CLI, body: packet.body });
  expect(posted!.body).toBe(await sync.text());
  expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^async validador ${callId}: callback ${callback.url.replace(/[?]/g, "\\?")} answered 200$`)));
});

test("an async call replays the method, sub-path and query, and the function's error status reaches the callback", async () => {
  const { url } = await gateway();
  const callback = await receiver();
  const accepted = await fetch(`${url}/async-function/echo/echo?x=1`, { method: "PUT", headers: { ...FAAS_CLI, "X-Callback-Url": callback.url }, body: "later" });
  expect(accepted.status).toBe(202);
  const failing = await fetch(`${url}/async-function/echo.openfaas-fn/http-error`, { method: "POST", headers: { "X-Callback-Url": callback.url } });
  expect(failing.status).toBe(202);
  const [echoed, failed] = await callback.arrived(2);
  expect(JSON.parse(echoed!.body)).toEqual({ kind: "string", bodyKind: "text", body: "later", method: "PUT", path: "/echo", query: { x: "1" }, contentType: "text/plain" });
  expect(failed!.headers["x-function-status"]).toBe("422");
  expect(JSON.parse(failed!.body)).toEqual({ error: "count must be a whole number" });
});

test("async calls are queued in the background: while one runs, the next is accepted at once, and past the cap one is refused with 429", async () => {
  const { url } = await gateway({ queue: { maxJobs: 2, concurrency: 1 } });
  const callback = await receiver();
  callback.hold();
  const call = (tag: string) => fetch(`${url}/async-function/echo/echo?tag=${tag}`, { method: "POST", headers: { ...FAAS_CLI, "X-Callback-Url": callback.url }, body: tag });

  expect((await call("one")).status).toBe(202);
  // The first call's callback is not answered yet: the worker is busy with it.
  await callback.arrived(1);
  expect((await call("two")).status).toBe(202);
  const refused = await call("three");
  expect(refused.status).toBe(429);
  expect(refused.headers.get("retry-after")).toBe("1");
  expect(await refused.text()).toMatch(/^the async queue is full \(2 calls and 6 bytes held; at most 2 calls and 67108864 bytes\): try again later\n$/);

  callback.release();
  const received = await callback.arrived(2);
  expect(received.map((posted) => (JSON.parse(posted.body) as { body: string }).body)).toEqual(["one", "two"]);
  // Room again once they are done.
  await expect.poll(async () => (await call("four")).status).toBe(202);
});

test("the queue's byte cap: a body larger than it is 413, one that does not fit beside those waiting is 429", async () => {
  const { url } = await gateway({ queue: { maxBytes: 1000, concurrency: 1 } });
  const callback = await receiver();
  callback.hold();
  const call = (bytes: number) => fetch(`${url}/async-function/echo/echo`, { method: "POST", headers: { "X-Callback-Url": callback.url }, body: "x".repeat(bytes) });
  const huge = await call(5000);
  expect([huge.status, await huge.text()]).toEqual([413, "the body (5000 bytes) is larger than the async queue holds (1000 bytes): call /function/echo instead\n"]);
  expect((await call(600)).status).toBe(202);
  const refused = await call(600);
  expect(refused.status).toBe(429);
  expect(await refused.text()).toContain("600 bytes held; at most 100 calls and 1000 bytes");
  callback.release();
  await callback.arrived(1);
});

test("a callback that fails is logged once and not retried; the queue goes on", async () => {
  const { url, lines } = await gateway();
  const closed = `http://127.0.0.1:${await freePort()}/gone`;
  const refusing = await receiver(500);
  const fine = await receiver();
  const call = (callbackUrl: string) => fetch(`${url}/async-function/echo/text`, { method: "POST", headers: { "X-Callback-Url": callbackUrl } });
  const first = (await call(closed)).headers.get("x-call-id");
  const second = (await call(refusing.url)).headers.get("x-call-id");
  expect((await call(fine.url)).status).toBe(202);
  await fine.arrived(1);
  expect(fine.received[0]!.body).toBe("plain words");
  expect(lines.filter((line) => line.includes(first!) && line.includes("callback"))).toEqual([
    expect.stringMatching(new RegExp(`^async echo ${first}: callback ${closed} failed \\(.*ECONNREFUSED.*\\); not retried$`)),
  ]);
  expect(refusing.received).toHaveLength(1);
  expect(lines.filter((line) => line.includes(second!) && line.includes("callback"))).toHaveLength(1);
  expect(lines).toContainEqual(expect.stringContaining(`async echo ${second}: callback ${refusing.url} answered 500`));
});

test("async work is bounded in time: a call past its limit reaches the callback as 504, a callback that never answers is given up", async () => {
  const { url, lines } = await gateway({ callTimeoutMs: 300, callbackTimeoutMs: 300 });
  const callback = await receiver();
  const slow = await fetch(`${url}/async-function/echo/slow?ms=3000`, { method: "POST", headers: { "X-Callback-Url": callback.url } });
  const [posted] = await callback.arrived(1);
  expect(posted!.headers["x-function-status"]).toBe("504");
  expect(posted!.headers["x-call-id"]).toBe(slow.headers.get("x-call-id"));
  expect(lines).toContainEqual(`async echo ${slow.headers.get("x-call-id")}: no answer within 300ms`);

  const silent = await receiver();
  silent.hold();
  const ignored = (await fetch(`${url}/async-function/echo/text`, { method: "POST", headers: { "X-Callback-Url": silent.url } })).headers.get("x-call-id");
  expect((await fetch(`${url}/async-function/echo/text`, { method: "POST", headers: { "X-Callback-Url": callback.url } })).status).toBe(202);
  await callback.arrived(2);
  expect(silent.received).toHaveLength(1);
  expect(lines).toContainEqual(`async echo ${ignored}: callback ${silent.url} failed (no answer within 300ms); not retried`);
  silent.release();
});

test("a large paquete validated asynchronously: 100 000 entries, every finding reaches the callback", async () => {
  const { url } = await gateway();
  const callback = await receiver();
  const packet = await paquete(100_000);
  const res = await fetch(`${url}/async-function/validador.openfaas-fn`, { method: "POST", headers: { ...FAAS_CLI, "X-Callback-Url": callback.url }, body: packet.body });
  expect(res.status).toBe(202);
  const [posted] = await callback.arrived(1);
  expect(posted!.headers["x-function-status"]).toBe("200");
  const findings = posted!.body.trimEnd().split("\n");
  expect(findings).toHaveLength(100_000);
  expect(findings).toEqual(packet.key);
}, 60_000);

test("bad async requests and unknown routes get a 4xx that says what exists", async () => {
  const { url } = await gateway();
  const badCallback = await fetch(`${url}/async-function/echo`, { method: "POST", headers: { "X-Callback-Url": "ftp://example/x" }, body: "x" });
  expect([badCallback.status, await badCallback.text()]).toEqual([400, `X-Callback-Url must be an http:// or https:// URL, got "ftp://example/x"\n`]);
  const unknown = await fetch(`${url}/async-function/contador`, { method: "POST", body: "x" });
  expect(unknown.status).toBe(404);

  const deploy = await fetch(`${url}/system/functions`, { method: "POST", body: "{}" });
  expect(deploy.status).toBe(405);
  expect(deploy.headers.get("allow")).toBe("GET");
  expect(await deploy.text()).toMatch(/cannot deploy, scale or remove them/);

  const nowhere = await fetch(`${url}/functions/validador`);
  expect(nowhere.status).toBe(404);
  expect(nowhere.headers.get("x-content-type-options")).toBe("nosniff");
  const help = await nowhere.text();
  expect(help).toMatch(/^no route for GET "\/functions\/validador"\. This gateway \(npm start\) answers:\n/);
  for (const route of ["/function/<name>[.openfaas-fn]", "/async-function/<name>[.openfaas-fn]", "GET /system/functions", "GET /system/function/<name>", "GET /system/namespaces", "GET /system/info", "GET /healthz", "functions: echo, generador, validador"]) {
    expect(help).toContain(route);
  }
  const health = await fetch(`${url}/healthz`);
  expect([health.status, await health.text()]).toEqual([200, "OK\n"]);
});
