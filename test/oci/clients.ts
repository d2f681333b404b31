// The two kinds of HTTP client every answer must reach: one that reads the answer while it is
// still sending (curl), and one that writes the whole request before it reads anything (Python's
// http.client, Go's; test/support/proxy-client.ts). Both report what arrived, or how the
// connection failed before a whole answer did. (Node's own http client is neither for sure: a
// failed write destroys its socket with the answer still unread in it.)
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { uploadThenRead } from "../support/proxy-client.js";
import { scratchDir } from "../../tools/scratch.js";

export interface Answer {
  /** The status of a whole answer; undefined when none arrived. */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** How the connection failed before a whole answer arrived (EPIPE, ECONNRESET, curl's exit...). */
  readonly error: string | undefined;
}

export type Client = (port: number, body: Buffer, headers: Readonly<Record<string, string>>) => Promise<Answer>;

/** Made on first use: a test file whose suites are all skipped runs no afterAll to remove it. */
let scratch: string | undefined;
const folder = (): string => (scratch ??= scratchDir("clients-"));

/** Removes the bodies and answers curl was given and wrote. */
export function removeClientFiles(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}
const files = new WeakMap<Buffer, string>();
let made = 0;

/**
 * curl: reads whatever answer comes while it sends. Without `Expect:` it would first wait up to
 * a second for a 100 Continue on bodies over 1 MB; turned off, it sends at once, as the other
 * client does.
 */
export const readsWhileSending: Client = async (port, body, headers) => {
  let file = files.get(body);
  if (!file) {
    file = join(folder(), `body-${made++}`);
    writeFileSync(file, body);
    files.set(body, file);
  }
  const out = join(folder(), `answer-${made++}`);
  const args = ["-sS", "--data-binary", `@${file}`, "-H", "Expect:", ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]), "-D", "-", "-o", out, `http://127.0.0.1:${port}/`];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile("curl", args, { timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr })),
  );
  if (code !== 0) return { status: undefined, headers: {}, body: "", error: `curl exit ${code}: ${stderr.trim()}` };
  const head = parseHead(stdout.slice(stdout.lastIndexOf("HTTP/1.")));
  return { ...head, body: await readFile(out, "utf8"), error: undefined };
};

/** Writes the whole request, then reads (Python's http.client, the watchdog's own proxy). */
export const writesAllThenReads: Client = async (port, body, headers) => {
  const { answer, error } = await uploadThenRead(port, { size: body.length, body, chunked: false, headers: { ...headers, Connection: "close" } });
  const parsed = parse(answer);
  return parsed ? { ...parsed, error: undefined } : { status: undefined, headers: {}, body: "", error: error ?? (answer === "" ? "closed without an answer" : "an incomplete answer") };
};

/** A raw HTTP/1.1 answer, when it is whole (its Content-Length, or chunked to the last chunk). */
function parse(raw: string): Omit<Answer, "error"> | undefined {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const { status, headers } = parseHead(raw.slice(0, end));
  let rest = Buffer.from(raw.slice(end + 4), "latin1");
  if (headers["transfer-encoding"] === "chunked") {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      if (lineEnd < 0) return undefined;
      const size = parseInt(rest.subarray(0, lineEnd).toString(), 16);
      if (size === 0) break;
      if (rest.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    rest = Buffer.concat(chunks);
  } else if (headers["content-length"] !== undefined && rest.length !== Number(headers["content-length"])) {
    return undefined;
  }
  return status !== undefined ? { status, headers, body: rest.toString() } : undefined;
}

function parseHead(head: string): { status: number | undefined; headers: Record<string, string> } {
  const [statusLine, ...lines] = head.trim().split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1];
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { status: status === undefined ? undefined : Number(status), headers };
}
