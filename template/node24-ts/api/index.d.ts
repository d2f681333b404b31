/// <reference types="node" />
import type { IncomingHttpHeaders } from "node:http";

/** Any value JSON.parse can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The request body as the handler receives it: parsed JSON for JSON content types
 * (application/json, *+json), a string for text/* or a request without a content type,
 * a Buffer for anything else. A request without a body gives "", and so does a JSON body that
 * is empty or only whitespace.
 */
export type RequestBody = JsonValue | Buffer;

/**
 * What the template took the body for, by its Content-Type: "json" (application/json,
 * *+json: event.body is parsed JSON), "text" (text/*, or no content type: a string), "other"
 * (anything else: a Buffer).
 */
export type BodyKind = "json" | "text" | "other";

/** Query string values; a repeated parameter gives an array. */
export type Query = Readonly<Record<string, string | string[] | undefined>>;

export interface FunctionEvent<Body extends RequestBody = RequestBody> {
  /**
   * JSON bodies are parsed when this is first read (then kept): a malformed one throws an
   * HttpError 400 here, which answers the request unless the handler catches it.
   */
  readonly body: Body;
  /**
   * The body as received, before any JSON parsing: a string for JSON and text content types
   * (and a request without one), a Buffer for anything else; "" without a body. For handlers
   * that read the JSON text themselves, or pass it on.
   */
  readonly rawBody: string | Buffer;
  /**
   * The body's bytes: for JSON and text content types its UTF-8 (checked, a byte order mark
   * left out), as received when it came in UTF-8, which is nearly always; for anything else the
   * bytes as received, as rawBody; empty without a body. For handlers that parse the bytes
   * themselves: reading only this costs no decode into a string.
   */
  readonly bodyBytes: Buffer;
  /**
   * What the template took the body for (see BodyKind): a handler that reads rawBody or
   * bodyBytes itself follows the same rule without reading Content-Type again.
   */
  readonly bodyKind: BodyKind;
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly query: Query;
  /** The path the function was called on, without the gateway's /function/<name> prefix. */
  readonly path: string;
  /** Content negotiation on the Accept header: the best of `types`, or false if none fits. */
  accepts(...types: string[]): string | false;
}

export interface FunctionContext {
  /** The status the answer will carry (200 unless set). */
  status(): number;
  status(code: number): this;
  /** Headers set so far; with an argument, adds them to the answer. */
  headers(): Readonly<Record<string, string>>;
  headers(values: Readonly<Record<string, string>>): this;
  /** Answers with `value`, as if the handler had returned it. */
  succeed(value?: unknown): void;
  /**
   * Answers with an error: an HttpError (or any error with a 4xx `status`) gives that status
   * and its message; a string after context.status(4xx) gives that status and the string;
   * anything else gives 500 and is logged.
   */
  fail(error: unknown): void;
  /**
   * Calls `callback` once the answer has been handed to the operating system, or the
   * connection closed before it could be: from then on nothing of the answer is read again,
   * so memory it was written into (a pooled Buffer) may be reused. Register callbacks before
   * the handler answers. A callback that throws is logged; it changes nothing for the client.
   */
  onFinished(callback: () => void): this;
}

/**
 * A function handler. Its result (returned, resolved, or passed to context.succeed) becomes
 * the answer: undefined/null → empty body; string → text/plain; Buffer or Uint8Array →
 * application/octet-stream; anything else → application/json. A Content-Type set with
 * context.headers() wins. A thrown error or rejected promise answers as context.fail().
 */
export type Handler<Body extends RequestBody = RequestBody> = (
  event: FunctionEvent<Body>,
  context: FunctionContext,
) => unknown;

/**
 * Optional export beside the handler, for work to do once before the function takes traffic
 * (open a pool, load a table, warm a cache):
 *
 *     export async function init(): Promise<void> { pool = await connect(url); }
 *
 * It runs once at start-up, before the server listens: the watchdog's /_/health stays 503 and
 * no request reaches the handler until it has resolved. If it throws, rejects, or takes longer
 * than init_timeout (4s unless set), the process logs one line and exits 1; the watchdog exits
 * with it and the platform starts the function again.
 */
export type Init = () => Promise<void> | void;

/**
 * Optional export beside the handler, for work to do once at the end (close a pool, flush a
 * buffer):
 *
 *     export async function shutdown(): Promise<void> { await pool.end(); }
 *
 * It runs once on SIGTERM (or Ctrl-C), after the last request has been answered: no request
 * reaches the handler once it has started. With it the function stops answering
 * shutdown_timeout (5s, or half the drain window if that is less) before the drain window
 * ends, so that it finishes while the watchdog still runs. If it throws, rejects or runs over,
 * one line is logged; the exit code is 0 all the same.
 */
export type Shutdown = () => Promise<void> | void;

/**
 * What a handler module exports: the handler as default, and optionally init and shutdown.
 * A test can hold a module to it: `const exported: HandlerModule = await import("./handler.js")`.
 */
export interface HandlerModule<Body extends RequestBody = RequestBody> {
  readonly default: Handler<Body>;
  readonly init?: Init;
  readonly shutdown?: Shutdown;
}

/** An error that answers the request with its status and message (4xx) instead of a 500. */
export declare class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: ErrorOptions);
}

/**
 * Reads query parameters strictly: each of `names` at most once, no other names; otherwise
 * throws an HttpError 400 that names the parameter.
 */
export declare function readQuery<const Name extends string>(query: Query, names: readonly Name[]): Partial<Record<Name, string>>;

/**
 * A request value for a message: quoted as a JSON string (control characters escaped) and cut
 * after 40 characters: `"abc"`, `"1111..."... (16000 characters)`.
 */
export declare function quote(value: unknown): string;

/** A yes/no query parameter: absent → false; "", 1, true, yes → true; 0, false, no → false; else HttpError 400. */
export declare function flag(value: string | undefined, name: string): boolean;
