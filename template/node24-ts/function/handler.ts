import { HttpError, type FunctionEvent } from "@node-ts/api";

/**
 * Answers with what it received. Return a value (objects become JSON, strings text/plain),
 * or throw an HttpError to answer 4xx with a message; any other error answers 500.
 */
export default async function handle(event: FunctionEvent) {
  if (event.method !== "GET" && event.method !== "POST") {
    throw new HttpError(405, `${event.method} is not supported: use GET or POST`);
  }
  return {
    method: event.method,
    path: event.path,
    contentType: event.headers["content-type"] ?? null,
    body: Buffer.isBuffer(event.body) ? `${event.body.length} bytes` : event.body,
  };
}

// Optional: once before the first request (no traffic until it resolves; init_timeout, 4s by
// default, bounds it), and once after the last one on SIGTERM (shutdown_timeout bounds it).
//
// export async function init(): Promise<void> {
//   pool = await connect(process.env["DATABASE_URL"]);
// }
//
// export async function shutdown(): Promise<void> {
//   await pool.end();
// }
