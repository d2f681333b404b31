// The two kinds of client a refusal must reach, uploading large bodies. uploadThenRead writes
// the whole request, head and body, before it reads any of the answer, as Python's http.client
// does (and as the of-watchdog's proxy, Go's HTTP client, does towards the function): a server
// that answers early and closes with part of the body unread makes the kernel reset the
// connection, and such a client then loses the answer. uploadWhileReading reads while it sends,
// as curl does. Both report what they got, and how the connection ended.
import { request } from "node:http";
import { connect, type Socket } from "node:net";

export interface Upload {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  /** Bytes of body to send, in 256 KB pieces of "x" (or of `body`). */
  readonly size: number;
  /** The body to send, when not "x"s: its first `size` bytes. */
  readonly body?: Buffer;
  /** Chunked transfer coding instead of a Content-Length. */
  readonly chunked: boolean;
}

export interface UploadResult {
  /** The answer as received, head and body (latin1). */
  readonly answer: string;
  /** Bytes of body the client managed to write before the connection failed (or all). */
  readonly written: number;
  /** The socket error, if the connection failed (EPIPE, ECONNRESET: a reset). */
  readonly error: string | undefined;
}

const PIECE = 256 * 1024;

/** Sends the whole request, then reads the answer (until it is whole, or the server closes). */
export async function uploadThenRead(port: number, upload: Upload): Promise<UploadResult> {
  const socket: Socket = connect(port, "127.0.0.1");
  // Not reading: the answer waits in the kernel's buffer, as it does for Go's client while it
  // is still writing.
  socket.pause();
  let error: string | undefined;
  const failed = new Promise<void>((resolve) =>
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
      resolve();
    }),
  );
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });

  const headers: Record<string, string | number> = { Host: "127.0.0.1", "Content-Type": "text/plain", ...upload.headers };
  if (upload.chunked) headers["Transfer-Encoding"] = "chunked";
  else headers["Content-Length"] = upload.size;
  const head = `${upload.method ?? "POST"} ${upload.path ?? "/"} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

  const piece = Buffer.alloc(PIECE, "x");
  const pieceAt = (at: number) => (upload.body ? upload.body.subarray(at, Math.min(at + PIECE, upload.size)) : piece.subarray(0, Math.min(PIECE, upload.size - at)));
  const frame = (data: Buffer) => (upload.chunked ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]) : data);
  let written = 0;
  const write = (data: Buffer) =>
    Promise.race([new Promise<boolean>((resolve) => socket.write(data, (e) => resolve(!e))), failed.then(() => false)]);
  let ok = await write(Buffer.from(head));
  while (ok && written < upload.size) {
    const data = pieceAt(written);
    ok = await write(frame(data));
    if (ok) written += data.length;
  }
  if (ok && upload.chunked) await write(Buffer.from("0\r\n\r\n"));

  let answer = "";
  const whole = new Promise<void>((resolve) =>
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
      if (isComplete(answer)) resolve();
    }),
  );
  socket.resume();
  // Until the answer is whole or the server closes; bounded: a server that does neither fails
  // the test instead of hanging it.
  await Promise.race([whole, closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  socket.destroy();
  return { answer, written, error };
}

/** Whether a raw answer holds its whole head and as many body bytes as it declares. */
function isComplete(answer: string): boolean {
  const end = answer.indexOf("\r\n\r\n");
  const length = /\r\ncontent-length: (\d+)\r\n/i.exec(answer.slice(0, end + 2))?.[1];
  return end >= 0 && length !== undefined && answer.length - end - 4 >= Number(length);
}

/** The body of a raw HTTP answer (what follows the head). */
export const bodyOf = (answer: string): string => answer.slice(answer.indexOf("\r\n\r\n") + 4);

/** What a client that reads while it sends got back. */
export interface StreamedResult {
  /** The answer's status, or undefined when none arrived. */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** Bytes of body written before the connection failed (or all). */
  readonly written: number;
  /** The request's error, if the connection failed (EPIPE, ECONNRESET: a reset). */
  readonly error: string | undefined;
}

/**
 * Sends a request with Node's HTTP client, which reads the answer while it is still sending
 * (as curl does): an answer that comes early is taken as it comes. The body goes in 256 KB
 * pieces, each written once the last has been taken (backpressure), as Content-Length or
 * chunked; it keeps sending to the end whatever arrives, then waits for the answer's end.
 */
export function uploadWhileReading(port: number, upload: Upload): Promise<StreamedResult> {
  const headers: Record<string, string | number> = { "Content-Type": "text/plain", ...upload.headers };
  if (upload.chunked) headers["Transfer-Encoding"] = "chunked";
  else headers["Content-Length"] = upload.size;
  return new Promise((resolve) => {
    let status: number | undefined;
    let answerHeaders: StreamedResult["headers"] = {};
    let body = "";
    let written = 0;
    let error: string | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(hang);
      req.destroy();
      resolve({ status, headers: answerHeaders, body, written, error });
    };
    // Bounded: a server that neither answers nor closes fails the test instead of hanging it.
    const hang = setTimeout(settle, 60_000);
    const req = request({ host: "127.0.0.1", port, method: upload.method ?? "POST", path: upload.path ?? "/", headers, agent: false }, (res) => {
      status = res.statusCode;
      answerHeaders = res.headers;
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", settle);
      res.on("error", (e: NodeJS.ErrnoException) => {
        error ??= e.code ?? e.message;
        settle();
      });
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      error ??= e.code ?? e.message;
      settle();
    });
    const piece = Buffer.alloc(PIECE, "x");
    const next = () => {
      while (!settled && written < upload.size) {
        const data = upload.body ? upload.body.subarray(written, Math.min(written + PIECE, upload.size)) : piece.subarray(0, Math.min(PIECE, upload.size - written));
        written += data.length;
        if (!req.write(data)) {
          req.once("drain", next);
          return;
        }
      }
      if (!settled) req.end();
    };
    next();
  });
}

/** One word for what a client got: the status, or how the connection failed. */
export function outcomeOf(result: UploadResult | StreamedResult): string {
  const status = "answer" in result ? /^HTTP\/1\.1 (\d+)/.exec(result.answer)?.[1] : result.status;
  return status !== undefined ? `${status}${result.error ? ` ${result.error}` : ""}` : `no answer${result.error ? ` ${result.error}` : ""}`;
}
