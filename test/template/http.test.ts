// The template's HTTP semantics, over real HTTP against the compiled server in a child
// process, with a handler (test/fixtures/echo) that answers in every way a handler can.
import { request } from "node:http";
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startFunction, type RunningFunction } from "../../tools/run.js";
import { rawHttp, send } from "../support/http.js";

let fn: RunningFunction;
let small: RunningFunction;

beforeAll(async () => {
  const image = inject("images")["echo"]!;
  // fn logs a line per request (LOG_REQUESTS, as npm start runs functions); small logs as it
  // does by default, behind the watchdog: errors only.
  [fn, small] = await Promise.all([startFunction(image, { env: { LOG_REQUESTS: "true" } }), startFunction(image, { env: { MAX_BODY_SIZE: "1kb" } })]);
});
afterAll(() => {
  fn?.kill("SIGINT");
  small?.kill("SIGINT");
});

const get = (path: string, init?: RequestInit) => fetch(`${fn.url}${path}`, init);

/** A chunked POST whose body goes as two chunks, split at `at`. */
function postInTwo(url: string, body: Buffer, at: number, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.write(body.subarray(0, at));
    req.end(body.subarray(at));
  });
}

/** A POST as given, for what fetch cannot send: no content type, chunked bodies. */
const raw = (base: string, path: string, body: Buffer, headers: Record<string, string> = {}) => send(base, { method: "POST", path, body, headers });

describe("what the handler receives", () => {
  test("JSON bodies arrive parsed, including +json types and bare JSON values", async () => {
    const object = await (await get("/echo", { method: "POST", body: '{"a":[1,2]}', headers: { "content-type": "application/json" } })).json();
    expect(object).toMatchObject({ kind: "object", bodyKind: "json", body: { a: [1, 2] }, method: "POST", path: "/echo" });
    const problem = await (await get("/echo", { method: "POST", body: "42", headers: { "content-type": "application/problem+json" } })).json();
    expect(problem).toMatchObject({ kind: "number", bodyKind: "json", body: 42 });
  });

  test("text/* bodies arrive as strings, any other type as a Buffer", async () => {
    const text = await (await get("/echo", { method: "POST", body: "línea 1\n", headers: { "content-type": "text/plain; charset=utf-8" } })).json();
    expect(text).toMatchObject({ kind: "string", bodyKind: "text", body: "línea 1\n" });
    const binary = await (await get("/echo", { method: "POST", body: new Uint8Array([0, 255, 10]), headers: { "content-type": "application/octet-stream" } })).json();
    expect(binary).toMatchObject({ kind: "buffer", bodyKind: "other", body: Buffer.from([0, 255, 10]).toString("base64") });
    const form = await (await get("/echo", { method: "POST", body: "a=1&b=2", headers: { "content-type": "application/x-www-form-urlencoded" } })).json();
    expect(form).toMatchObject({ kind: "buffer", bodyKind: "other", body: Buffer.from("a=1&b=2").toString("base64") });
  });

  test("the event can be copied and taken apart: body, parsed on first read, is one of its own properties", async () => {
    const res = await get("/spread", { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json", accept: "text/plain" } });
    expect(await res.json()).toEqual({
      keys: ["accepts", "body", "bodyBytes", "bodyKind", "headers", "method", "path", "query", "rawBody"],
      copied: { a: 1 },
      body: { a: 1 },
      best: "text/plain",
    });
  });

  test("a body without a content type is read as text, and no body gives an empty string", async () => {
    const untyped = await raw(fn.url, "/echo", Buffer.from("scanned"));
    expect(JSON.parse(untyped.body)).toMatchObject({ kind: "string", bodyKind: "text", body: "scanned", contentType: null });
    expect(await (await get("/echo?count=3&flag")).json()).toMatchObject({ kind: "string", bodyKind: "text", body: "", method: "GET", query: { count: "3", flag: "" } });
  });

  test("a JSON body that is empty or only whitespace arrives as no body (\"\"), not {}", async () => {
    for (const body of ["", " \r\n\t", "\ufeff"]) {
      const kinds: Record<string, string>[] = [{ "content-type": "application/json" }, { "content-type": "application/json", "transfer-encoding": "chunked" }];
      for (const headers of kinds) {
        const res = await raw(fn.url, "/echo", Buffer.from(body), headers);
        expect(JSON.parse(res.body), JSON.stringify([body, headers])).toMatchObject({ kind: "string", body: "" });
      }
    }
  });

  test("text and JSON bodies in UTF-8 (said so or by default) must be UTF-8: otherwise 400, not U+FFFD", async () => {
    const bad = Buffer.from([0x7c, 0x5f, 0xff, 0x7c]);
    for (const type of [undefined, "text/plain", "text/plain; charset=utf-8", "application/json"]) {
      const res = await raw(fn.url, "/echo", bad, type ? { "content-type": type } : {});
      expect([res.status, JSON.parse(res.body)], String(type)).toEqual([400, { error: "the body is not valid UTF-8 text" }]);
    }
    // Another declared charset decodes as declared; raw types arrive as bytes.
    const latin1 = await raw(fn.url, "/echo", bad, { "content-type": "text/plain; charset=latin1" });
    expect(JSON.parse(latin1.body)).toMatchObject({ kind: "string", body: "|_\u00ff|" });
    const bytes = await raw(fn.url, "/echo", bad, { "content-type": "application/octet-stream" });
    expect(JSON.parse(bytes.body)).toMatchObject({ kind: "buffer", body: bad.toString("base64") });
  });

  test("UTF-8 text arrives the same however its type is written and however it is sent, without a byte order mark", async () => {
    const text = "\ufeffhola, línea ☃";
    const bytes = Buffer.from(text);
    // Read by the template itself (no charset, or UTF-8 said any way), or by Express's parser
    // (another parameter), in one piece or in chunks that split the snowman's three bytes.
    const types = [undefined, "text/plain", "text/plain; charset=UTF-8", 'text/plain;charset="utf-8"', "text/plain; format=flowed", "application/json"];
    for (const type of types) {
      for (const chunked of [false, true]) {
        const headers: Record<string, string> = { ...(type ? { "content-type": type } : {}), ...(chunked ? { "transfer-encoding": "chunked" } : {}) };
        const res = chunked ? await postInTwo(`${fn.url}/raw`, bytes, bytes.length - 2, headers) : await raw(fn.url, "/raw", bytes, headers);
        expect([res.status, JSON.parse(res.body)], JSON.stringify(headers)).toEqual([200, { kind: "string", raw: text.slice(1) }]);
      }
    }
  });

  test("compressed bodies are inflated; one that is not what its Content-Encoding says answers 400 saying so", async () => {
    const gzipped = await raw(fn.url, "/echo", gzipSync("línea"), { "content-type": "text/plain", "content-encoding": "gzip" });
    expect(JSON.parse(gzipped.body)).toMatchObject({ kind: "string", body: "línea" });
    const broken = await raw(fn.url, "/echo", Buffer.from("not gzip"), { "content-type": "text/plain", "content-encoding": "gzip" });
    expect([broken.status, JSON.parse(broken.body)]).toEqual([400, { error: "the body is not valid for its Content-Encoding: incorrect header check" }]);
  });

  test("the event can negotiate on the Accept header", async () => {
    expect(await (await get("/accepts", { headers: { accept: "text/plain" } })).json()).toEqual({ best: "text/plain" });
    expect(await (await get("/accepts", { headers: { accept: "image/png" } })).json()).toEqual({ best: false });
  });
});

describe("how results become answers", () => {
  test.each([
    ["/echo", "application/json; charset=utf-8"],
    ["/array", "application/json; charset=utf-8"],
    ["/text", "text/plain; charset=utf-8"],
    ["/csv", "text/csv; charset=utf-8"],
    ["/buffer", "application/octet-stream"],
    ["/bytes", "application/octet-stream"],
  ])("%s answers 200 with %s", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
  });

  test("bodies arrive intact", async () => {
    expect(await (await get("/array")).json()).toEqual([1, "two"]);
    expect(await (await get("/text")).text()).toBe("plain words");
    expect(await (await get("/csv")).text()).toBe("a,b\n1,2\n");
    expect([...new Uint8Array(await (await get("/buffer")).arrayBuffer())]).toEqual([0, 1, 2, 255]);
    expect([...new Uint8Array(await (await get("/bytes")).arrayBuffer())]).toEqual([7, 8, 9]);
  });

  test("context.status().succeed(), undefined results and late succeed() calls", async () => {
    const created = await get("/created");
    expect([created.status, await created.json()]).toEqual([201, { created: true }]);
    const empty = await get("/empty");
    expect([empty.status, await empty.text()]).toEqual([200, ""]);
    expect(await (await get("/later")).text()).toBe("answered later");
  });

  test("every answer carries X-Content-Type-Options: nosniff", async () => {
    for (const path of ["/text", "/throw", "/http-error", "/nowhere"]) {
      expect((await get(path)).headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});

describe("errors", () => {
  test.each(["/throw", "/reject"])("%s answers 500 with a JSON error, no stack or path, and logs it once", async (path) => {
    const logged = () => fn.output().split("\n").filter((line) => line.startsWith(`error: GET ${path} 500`)).length;
    const before = logged();
    const res = await get(path);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ error: "Internal Server Error" });
    expect(body).not.toMatch(/home\/app|at |Error:/);
    await expect.poll(logged).toBe(before + 1);
    await get("/text");
    await expect.poll(() => fn.output()).toMatch(/GET \/text 200/);
    expect(logged()).toBe(before + 1);
  });

  test("the server keeps answering after a handler throws", async () => {
    await get("/throw");
    expect((await get("/text")).status).toBe(200);
  });

  test("an HttpError answers its status and message, as JSON or as text on request", async () => {
    const json = await get("/http-error");
    expect([json.status, await json.json()]).toEqual([422, { error: "count must be a whole number" }]);
    const text = await get("/http-error", { headers: { accept: "text/plain" } });
    expect([text.status, text.headers.get("content-type"), await text.text()]).toEqual([422, "text/plain; charset=utf-8", "count must be a whole number\n"]);
  });

  test("context.status(4xx).fail(message) answers that status and message", async () => {
    const res = await get("/status-fail");
    expect([res.status, await res.json()]).toEqual([409, { error: "that name is taken" }]);
  });

  test("malformed JSON answers 400 with a JSON error that says so", async () => {
    const res = await get("/echo", { method: "POST", body: '{"Contenido": [', headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^malformed JSON body/) });
  });

  test("a JSON body is parsed only when the handler reads event.body; event.rawBody is its text", async () => {
    const post = (path: string, body: string, type: string) => get(path, { method: "POST", body, headers: { "content-type": type } });
    const malformed = await post("/raw", '{"Contenido": [', "application/json");
    expect([malformed.status, await malformed.json()]).toEqual([200, { kind: "string", raw: '{"Contenido": [' }]);
    expect(await (await post("/raw", "art\n", "text/plain")).json()).toEqual({ kind: "string", raw: "art\n" });
    expect(await (await post("/raw", "bytes", "application/octet-stream")).json()).toEqual({ kind: "buffer", raw: "bytes" });
    const parsed = await post("/echo", '{"a": [1, "two"]}', "application/json");
    expect(await parsed.json()).toMatchObject({ kind: "object", body: { a: [1, "two"] } });
  });

  test("event.bodyBytes is the body's bytes: UTF-8 for text and JSON (a byte order mark left out, another charset re-encoded), as received otherwise", async () => {
    const received = async (body: Uint8Array | string | undefined, type?: string) => {
      const res = await get("/received", { method: "POST", ...(body === undefined ? {} : { body }), headers: type === undefined ? {} : { "content-type": type } });
      const answer = (await res.json()) as { buffer: boolean; bytes: string } | { error: string };
      return "error" in answer ? { status: res.status, error: answer.error } : { status: res.status, buffer: answer.buffer, bytes: Buffer.from(answer.bytes, "base64") };
    };
    const utf8 = Buffer.from('{"línea": "ñ"}');
    expect(await received(utf8, "application/json")).toEqual({ status: 200, buffer: true, bytes: utf8 });
    expect(await received(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), "application/json")).toEqual({ status: 200, buffer: true, bytes: utf8 });
    expect(await received(Buffer.from("año\n", "latin1"), "text/plain; charset=iso-8859-1")).toEqual({ status: 200, buffer: true, bytes: Buffer.from("año\n") });
    const binary = Buffer.from([0, 255, 10]);
    expect(await received(binary, "application/octet-stream")).toEqual({ status: 200, buffer: true, bytes: binary });
    expect(await received(undefined)).toEqual({ status: 200, buffer: true, bytes: Buffer.alloc(0) });
    expect(await received(Buffer.from([0x61, 0xff]), "text/plain")).toEqual({ status: 400, error: "the body is not valid UTF-8 text" });
  });

  test.each([
    ["application/json", `{"a":"${"x".repeat(2000)}"}`],
    ["text/plain", "x".repeat(2000)],
    ["application/octet-stream", "x".repeat(2000)],
  ])("a %s body over MAX_BODY_SIZE answers 413 with a JSON error naming the limit", async (type, body) => {
    const res = await fetch(`${small.url}/echo`, { method: "POST", body, headers: { "content-type": type } });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ error: "request body is larger than the 1kb limit (MAX_BODY_SIZE)" });
  });

  test("a chunked body (no Content-Length) over the limit answers 413 too", async () => {
    const res = await raw(small.url, "/echo", Buffer.alloc(4096, 120), { "content-type": "text/plain", "transfer-encoding": "chunked" });
    expect([res.status, res.headers["content-type"]]).toEqual([413, "application/json; charset=utf-8"]);
  });

  test("a declared Content-Length over the limit is answered 413 only once the body has ended (read off and thrown away), on a connection kept open", async () => {
    const socket = connect(small.port, "127.0.0.1");
    socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n");
    let answer = "";
    let error: unknown;
    socket.on("data", (chunk: Buffer) => (answer += chunk));
    socket.on("error", (e) => (error = e));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Answered early, the answer would be lost to a client still sending behind the watchdog.
    expect(answer).toBe("");
    socket.write(Buffer.alloc(1_000_000, "x"));
    await expect.poll(() => answer).toMatch(/\}$/);
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n[\s\S]*Connection: keep-alive\r\n[\s\S]*\r\n\r\n\{"error":"request body is larger than the 1kb limit \(MAX_BODY_SIZE\)"\}$/);
    socket.end();
    expect(error).toBeUndefined();
  });

  test("a refused request's answer is text for a client that asks for text/plain", async () => {
    const res = await raw(small.url, "/echo", Buffer.alloc(4096, 120), { "content-type": "text/plain", accept: "text/plain" });
    expect([res.status, res.headers["content-type"], res.body]).toEqual([413, "text/plain; charset=utf-8", "request body is larger than the 1kb limit (MAX_BODY_SIZE)\n"]);
  });

  test("a body under the limit is accepted by the same server", async () => {
    const res = await fetch(`${small.url}/echo`, { method: "POST", body: "x".repeat(900) });
    expect(res.status).toBe(200);
  });
});

describe("context.onFinished", () => {
  const finished = async () => (await (await get("/finished-log")).json()) as string[];

  test("runs once the answer has been handed to the socket, not before", async () => {
    // 16 MB cannot all sit in the socket buffers: while the client reads nothing, the answer
    // is not all handed over, and the callback must wait.
    const socket = connect(Number(new URL(fn.url).port), "127.0.0.1");
    socket.pause();
    socket.write("GET /finished?tag=slow-reader&bytes=16000000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await finished()).not.toContain("slow-reader");
    let received = 0;
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    await new Promise((resolve) => socket.on("end", resolve).resume());
    expect(received).toBeGreaterThan(16_000_000);
    await expect.poll(finished).toContain("slow-reader");
    expect((await finished()).filter((tag) => tag === "slow-reader")).toHaveLength(1);
  });

  test("runs when the client left before the answer was ready", async () => {
    const leaving = get("/finished?tag=left&ms=300", { signal: AbortSignal.timeout(50) });
    await expect(leaving).rejects.toThrow();
    await expect.poll(finished, { timeout: 3000 }).toContain("left");
  });

  test("a callback that throws is logged; the answer and the other callbacks are not affected", async () => {
    const res = await get("/finished?tag=after-throw&throw");
    expect([res.status, await res.text()]).toEqual([200, "x"]);
    await expect.poll(finished).toContain("after-throw");
    await expect.poll(() => fn.output()).toMatch(/error: a context\.onFinished callback threw: Error: a callback that fails/);
    expect((await get("/text")).status).toBe(200);
  });
});

describe("requests Node's HTTP parser refuses", () => {
  test("a malformed request answers 400 with a JSON message and nosniff", async () => {
    const answer = await rawHttp(fn.port, "FETCH / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/);
    expect(answer.split("\r\n\r\n")[1]).toMatch(/^\{"error":"malformed HTTP request: .+"\}$/);
    const length = await rawHttp(fn.port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n");
    expect(length.split("\r\n\r\n")[1]).toBe('{"error":"malformed HTTP request: Invalid character in Content-Length"}');
  });

  test("headers over Node's limit answer 431 naming it; to HEAD, without a body", async () => {
    const big = `/echo?q=${"x".repeat(20_000)}`;
    const get = await rawHttp(fn.port, `GET ${big} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(get).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[\s\S]*X-Content-Type-Options: nosniff\r\n/);
    expect(get.split("\r\n\r\n")[1]).toBe('{"error":"the request line and headers are larger than 16384 bytes"}');
    const head = await rawHttp(fn.port, `HEAD ${big} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n[\s\S]*\r\n\r\n$/);
  });

  test("the server keeps answering on new connections", async () => {
    await rawHttp(fn.port, "\u0000\u0001\u0002\r\n\r\n");
    expect((await get("/text")).status).toBe(200);
  });
});

test("JSON answers escape <, > and &, so echoed request text never reads as markup", async () => {
  const echoed = await get("/echo?<b>=&", { method: "POST", body: '"<script>&"', headers: { "content-type": "application/json" } });
  expect(await echoed.text()).not.toMatch(/[<>]/);
  // Sent as written: a URL would percent-encode the < and >.
  const error = await rawHttp(fn.port, "GET /nowhere<script> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  expect(error.split("\r\n\r\n")[1]).toBe('{"error":"no route /nowhere\\u003cscript\\u003e"}');
});

describe("logs", () => {
  test("with LOG_REQUESTS=true, one line per request: method, path, status, milliseconds and the call id", async () => {
    await get("/text?secret=1");
    await expect.poll(() => fn.output()).toMatch(/^GET \/text 200 \d+\.\dms$/m);
    await get("/http-error", { headers: { "X-Call-Id": "c0ffee-1" } });
    await expect.poll(() => fn.output()).toMatch(/^GET \/http-error 422 \d+\.\dms call c0ffee-1$/m);
  });

  test("by default, no line per request (the watchdog logs them), but every error with its call id", async () => {
    expect((await fetch(`${small.url}/text`)).status).toBe(200);
    expect((await fetch(`${small.url}/http-error`)).status).toBe(422);
    expect((await fetch(`${small.url}/throw`, { headers: { "X-Call-Id": "c0ffee-2" } })).status).toBe(500);
    // Lines come out in order: once the error's is there, any line for the requests before it would be.
    await expect.poll(() => small.output()).toMatch(/^error: GET \/throw 500 call c0ffee-2: Error: secret failure/m);
    expect(small.output()).not.toMatch(/^GET /m);
    expect(small.output()).not.toMatch(/\/http-error/);
  });

  test("a context.onFinished callback that throws is logged with the call id", async () => {
    expect((await fetch(`${small.url}/finished?tag=logged&throw`, { headers: { "X-Call-Id": "c0ffee-3" } })).status).toBe(200);
    await expect.poll(() => small.output()).toMatch(/^error: a context\.onFinished callback threw call c0ffee-3: Error: a callback that fails/m);
  });
});
