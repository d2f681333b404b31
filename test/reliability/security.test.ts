// Security: the functions run with nothing writable but their temp dir (as with
// readonly_root_filesystem: true and the image's non-root user, both checked in
// test/project/stack.test.ts and test/template/image.test.ts); no answer carries a stack trace,
// an internal path, or markup made from request values; every answer carries nosniff; CI audits
// the production dependencies; and no secret is committed.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { startFunction, type RunningFunction } from "../../tools/run.js";
import { readStack } from "../../tools/stack.js";
import { ROOT, startDeployed, type FunctionName } from "../support/functions.js";
import { rawHttp, send, type Answer, type Call } from "../support/http.js";
import { leaks, permissionFlag } from "./support.js";
import { scratchDir } from "../../tools/scratch.js";

/** Node flags that leave only `dir` writable to the process (Node's permission model). */
const onlyWritable = (dir: string) => [permissionFlag(), "--allow-fs-read=*", `--allow-fs-write=${dir}`];

describe("a read-only working tree: only the temp dir is written", () => {
  test("both functions start, write their lock file in the temp dir, answer real requests and exit 0", async () => {
    const dirs = { generador: scratchDir("ro-gen-"), validador: scratchDir("ro-val-") };
    const start = (name: FunctionName) => startDeployed(name, { nodeArgs: onlyWritable(dirs[name]), tmpDir: dirs[name], env: { drain_timeout: "0s" } });
    const [generador, validador] = await Promise.all([start("generador"), start("validador")]);
    expect([generador.lockFile, validador.lockFile]).toEqual([join(dirs.generador, ".lock"), join(dirs.validador, ".lock")]);
    expect(existsSync(generador.lockFile) && existsSync(validador.lockFile)).toBe(true);
    for (const fn of [generador, validador]) {
      expect(readFileSync(`/proc/${fn.pid}/cmdline`, "utf8").split("\0"), "runs under the permission model").toEqual(expect.arrayContaining(onlyWritable(dirs.generador).slice(0, 2)));
    }

    const packet = await send(generador.url, { path: "/?count=20&key=1" });
    expect(packet.status).toBe(200);
    const findings = await send(validador.url, { method: "POST", body: packet.body, headers: { "content-type": "text/plain" } });
    expect(findings.status).toBe(200);
    expect(findings.body).toBe((JSON.parse(packet.body) as { Key: string[] }).Key.map((line) => `${line}\n`).join(""));
    // Errors too: nothing on their way needs to write.
    expect((await send(validador.url, { method: "POST", body: "nonsense" })).status).toBe(400);

    for (const fn of [generador, validador]) {
      fn.kill("SIGTERM");
      expect(await fn.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(fn.lockFile), "the lock file is removed on the way out").toBe(false);
      expect(fn.output()).not.toMatch(/ERR_ACCESS_DENIED/);
    }
  }, 30_000);

  test("the restriction is real: under the same flags a write outside the temp dir is refused", () => {
    const dir = scratchDir("ro-probe-");
    const outside = join(inject("images")["validador"]!.dir, "written-by-the-function");
    const write = (file: string) =>
      spawnSync(process.execPath, [...onlyWritable(dir), "-e", `require("node:fs").writeFileSync(${JSON.stringify(file)}, "x")`], { encoding: "utf8" });
    const refused = write(outside);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/ERR_ACCESS_DENIED/);
    expect(existsSync(outside)).toBe(false);
    expect(write(join(dir, "allowed")).status).toBe(0);
  });
});

describe("what answers carry", () => {
  let generador: RunningFunction;
  let validador: RunningFunction;
  let echo: RunningFunction;
  beforeAll(async () => {
    [generador, validador, echo] = await Promise.all([startDeployed("generador"), startDeployed("validador"), startFunction(inject("images")["echo"]!)]);
  });
  afterAll(() => {
    for (const fn of [generador, validador, echo]) fn?.kill("SIGINT");
  });

  /** One request of every kind of answer each function gives. */
  const KINDS: readonly (readonly [string, () => RunningFunction, Call])[] = [
    ["generador 200 JSON", () => generador, { path: "/?count=2" }],
    ["generador 200 text", () => generador, { path: "/?count=2&format=text" }],
    ["generador 200 HEAD", () => generador, { method: "HEAD", path: "/?count=2" }],
    ["generador 404 count=0", () => generador, { path: "/?count=0" }],
    ["generador 405", () => generador, { method: "DELETE" }],
    ["generador 400 query", () => generador, { path: "/?count=<script>" }],
    ["generador 413", () => generador, { method: "POST", body: "x".repeat(20_000) }],
    ["validador 200 text", () => validador, { method: "POST", body: '{"Contenido":[]}', headers: { "content-type": "application/json" } }],
    ["validador 200 JSON", () => validador, { method: "POST", body: '{"Contenido":[]}', headers: { "content-type": "application/json", accept: "application/json" } }],
    ["validador 400 body", () => validador, { method: "POST", body: "<script>alert(1)</script>" }],
    ["validador 400 text error", () => validador, { method: "POST", body: "", headers: { accept: "text/plain" } }],
    ["validador 405", () => validador, { method: "PUT", body: "x" }],
    ["validador 415", () => validador, { method: "POST", body: "x", headers: { "content-type": "text/plain; charset=nope" } }],
    ["template 500 thrown", () => echo, { path: "/throw" }],
    ["template 500 rejected, as text", () => echo, { path: "/reject", headers: { accept: "text/plain" } }],
    ["template 404 handler", () => echo, { path: "/nowhere" }],
  ];

  test.each(KINDS)("%s: nosniff, no stack, no path, no server banner, no HTML", async (_kind, fn, call) => {
    const answer: Answer = await send(fn().url, call);
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(leaks(answer.body, [inject("images")["echo"]!.dir])).toBeUndefined();
    expect(answer.headers["x-powered-by"]).toBeUndefined();
    expect(answer.headers["server"]).toBeUndefined();
    expect(String(answer.headers["content-type"] ?? "")).not.toMatch(/html/);
    if (String(answer.headers["content-type"]).startsWith("application/json")) expect(answer.body).not.toMatch(/[<>]/);
  });

  test.each([
    ["malformed request line", "GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["headers over Node's limit", `GET /?q=${"x".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ["bad Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"],
  ])("what Node's HTTP parser refuses (%s) is answered with nosniff and no internals", async (_kind, request) => {
    for (const fn of [generador, validador]) {
      const answer = await rawHttp(fn.port, request);
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
      expect(answer).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/i);
      expect(leaks(answer)).toBeUndefined();
    }
  });

  test("request values never come back as markup: markup in query, path, headers and body", async () => {
    const markup = "<script>alert(1)</script>";
    const calls: readonly [RunningFunction, Call][] = [
      [generador, { path: `/?${encodeURIComponent(markup)}=1` }],
      [generador, { path: `/?format=${encodeURIComponent(markup)}`, headers: { accept: "text/html" } }],
      [generador, { path: `/?count=${encodeURIComponent(markup)}`, headers: { accept: "text/plain" } }],
      [validador, { method: "POST", path: `/?correct=${encodeURIComponent(markup)}`, body: "x" }],
      [validador, { method: "POST", body: JSON.stringify({ Id: markup, Contenido: [] }), headers: { "content-type": "application/json" } }],
      [validador, { method: "POST", body: JSON.stringify({ Contenido: [[markup, "", ""]] }), headers: { "content-type": "application/json", accept: "application/json" } }],
      [validador, { method: "POST", body: `{"Contenido": ${markup}}`, headers: { "content-type": "application/json" } }],
      [echo, { path: `/${markup}` }],
    ];
    for (const [fn, call] of calls) {
      const answer = await send(fn.url, call);
      const type = String(answer.headers["content-type"]);
      expect(type, call.path).toMatch(/^(application\/json|text\/plain); charset=utf-8$/);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      // JSON carries < and > escaped; a text/plain message may quote them, as text, with nosniff.
      if (type.startsWith("application/json")) expect(answer.body, call.path).not.toMatch(/[<>]/);
    }
  });
});

describe("the repository", () => {
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);

  /** Secrets by their well-known shapes, and credentials written as values in config files. */
  const SECRETS: readonly [string, RegExp][] = [
    ["a private key", /-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----/],
    ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
    ["an AWS secret key", /aws_secret_access_key\s*[=:]\s*\S{20,}/i],
    ["a GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/],
    ["an npm token", /\bnpm_[A-Za-z0-9]{36}\b|_authToken\s*=\s*[^\s$]/],
    ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
    ["a Google API key", /\bAIza[0-9A-Za-z_-]{35}\b/],
    ["a JSON web token", /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
    // password: hunter2, "secret": "..." -- but not ${{ secrets.X }}, ${VAR} or <placeholder>.
    ["a credential value", /^\s*["']?[\w.-]*(password|passwd|secret|token|api[_-]?key)["']?\s*[:=]\s*["']?(?![$<{]|\s|["']?$)[^\s"']{6,}/im],
  ];
  const findSecrets = (text: string) => SECRETS.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);

  test("the scanner finds each kind of secret it looks for", () => {
    // Assembled here so that this file itself holds none.
    const planted = [
      `-----BEGIN RSA ${"PRIVATE"} KEY-----`,
      `AKIA${"IOSFODNN7EXAMPLE"}`,
      `aws_secret_${"access"}_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
      `gh${"p"}_${"a".repeat(36)}`,
      `//registry.npmjs.org/:_auth${"Token"}=abc123`,
      `xox${"b"}-1234567890-abcdef`,
      `AI${"za"}${"S".repeat(35)}`,
      `ey${"J"}hbGciOiJIUzI1NiJ9.ey${"J"}zdWIiOiIxMjM0NTY3ODkwIn0.${"s".repeat(20)}`,
      `  pass${"word"}: hunter2hunter2`,
    ];
    planted.forEach((text, i) => expect(findSecrets(text), text).toEqual([SECRETS[i]![0]]));
    for (const harmless of ["password: ${{ secrets.GITHUB_TOKEN }}", "echo '<password>' | faas-cli login", "basic-auth-password", "token: ${OPENFAAS_TOKEN}"]) {
      expect(findSecrets(harmless), harmless).toEqual([]);
    }
  });

  test("no tracked file holds a secret, and no secrets file is tracked", () => {
    expect(tracked.length).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of tracked) {
      const bytes = readFileSync(join(ROOT, file));
      if (bytes.includes(0)) continue; // binary
      for (const what of findSecrets(bytes.toString("utf8"))) found.push(`${file}: ${what}`);
    }
    expect(found).toEqual([]);
    expect(tracked.filter((file) => /(^|\/)(\.env(\..*)?|\.npmrc|\.secrets\/.*|id_(rsa|ed25519|ecdsa)|.*\.(pem|key|p12|pfx))$/.test(file))).toEqual([]);
  });

  test("CI audits the production dependencies of every lockfile that reaches an image", () => {
    const run = readFileSync(join(ROOT, ".ci/run"), "utf8");
    expect(run.indexOf("bash .ci/audit")).toBeGreaterThan(-1);
    expect(run.indexOf("bash .ci/audit")).toBeLessThan(run.indexOf("npm test"));
    const audit = readFileSync(join(ROOT, ".ci/audit"), "utf8");
    expect(audit).toMatch(/npm audit --omit=dev/);
    const audited = (/^for dir in (.+); do$/m.exec(audit)?.[1] ?? "").split(/\s+/);
    const stack = readStack(join(ROOT, "stack.yml"));
    const shipped = ["template/node24-ts", ...Object.values(stack.functions).map((fn) => fn.handler.replace(/^\.\//, ""))];
    for (const dir of shipped) {
      expect(existsSync(join(ROOT, dir, "package-lock.json")), dir).toBe(true);
      expect(audited, dir).toContain(dir);
    }
  });
});
