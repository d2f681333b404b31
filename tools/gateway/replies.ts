// How the local gateway answers on its own behalf (errors, /system JSON), and the small
// formats it shares with the real gateway's headers.
import type { ServerResponse } from "node:http";

const TEXT = { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" };

export function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, TEXT).end(`${message}\n`);
}

export function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" }).end(JSON.stringify(value));
}

/** A value quoted for a message, cut short so that a long path cannot flood the answer. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
}

/** Seconds as Go's %f writes them, as the gateway and the queue worker send X-Duration-Seconds. */
export function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(6);
}
