// A client that behaves like the of-watchdog's proxy (Go's HTTP client): it writes the whole
// request, head and body, before it reads any of the answer. A server that answers early and
// closes with part of the body unread makes the kernel reset the connection, and such a client
// then loses the answer; this one reports what it got, and how the connection ended.
import { connect, type Socket } from "node:net";

export interface Upload {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  /** Bytes of body to send, in 256 KB pieces of "x"... */
  readonly size?: number;
  /** ...or this body, in 256 KB pieces. */
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

/** Sends the whole request, then reads until the server closes the connection. */
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
  const size = upload.body?.length ?? upload.size ?? 0;
  if (upload.chunked) headers["Transfer-Encoding"] = "chunked";
  else headers["Content-Length"] = size;
  const head = `${upload.method ?? "POST"} ${upload.path ?? "/"} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("")}\r\n`;

  const piece = Buffer.alloc(PIECE, "x");
  const frame = (data: Buffer) => (upload.chunked ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from("\r\n")]) : data);
  let written = 0;
  const write = (data: Buffer) =>
    Promise.race([new Promise<boolean>((resolve) => socket.write(data, (e) => resolve(!e))), failed.then(() => false)]);
  let ok = await write(Buffer.from(head));
  while (ok && written < size) {
    const data = upload.body ? upload.body.subarray(written, written + PIECE) : size - written >= PIECE ? piece : piece.subarray(0, size - written);
    ok = await write(frame(data));
    if (ok) written += data.length;
  }
  if (ok && upload.chunked) await write(Buffer.from("0\r\n\r\n"));

  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  socket.resume();
  // Bounded: a server that neither answers nor closes fails the test instead of hanging it.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  socket.destroy();
  return { answer, written, error };
}

/** The body of a raw HTTP answer (what follows the head). */
export const bodyOf = (answer: string): string => answer.slice(answer.indexOf("\r\n\r\n") + 4);
