// validador: POST a paquete (generador's JSON, or the scanner's text file) → the findings,
// one line per entry, or JSON for clients that ask for it.
import { HttpError, flag, readQuery, type FunctionContext, type FunctionEvent } from "@node-ts/api";
import { mangledText, wrongBodyKind } from "./mistakes.js";
import { PacketError, findingsText, parseJsonFast, parsePacket, readPacket, type Finding, type Packet, type Status } from "#ocr";

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new HttpError(400, "the body is not valid UTF-8 text");
  }
}

/**
 * The paquete the request carries. A JSON one written the usual way is read straight from its
 * text (event.rawBody), so the template never parses it; anything else is parsed the general
 * way, from the body as the template gives it, which also words every error.
 */
function packetOf(event: FunctionEvent): Packet {
  const wrong = wrongBodyKind(event.headers["content-type"]);
  if (wrong !== undefined) throw new HttpError(415, wrong);
  const raw = event.rawBody;
  const fast = typeof raw === "string" ? parseJsonFast(raw) : undefined;
  if (fast !== undefined) return fast;
  const body = Buffer.isBuffer(event.body) ? decode(event.body) : event.body;
  try {
    return parsePacket(body);
  } catch (error) {
    if (!(error instanceof PacketError)) throw error;
    throw new HttpError(400, (typeof body === "string" ? mangledText(body) : undefined) ?? error.message);
  }
}

export function summarize(findings: readonly Finding[]): Record<Status, number> {
  const summary: Record<Status, number> = { OK: 0, ERR: 0, ILL: 0, AMB: 0 };
  for (const finding of findings) summary[finding.status] += 1;
  return summary;
}

export default async function handle(event: FunctionEvent, context: FunctionContext): Promise<unknown> {
  if (event.method !== "POST") {
    context.headers({ Allow: "POST" });
    throw new HttpError(405, `${event.method} is not supported: POST a paquete`);
  }
  const params = readQuery(event.query, ["correct", "classic"]);
  const correct = flag(params.correct, "correct");
  const classic = flag(params.classic, "classic");

  const packet = packetOf(event);
  if (packet.id !== undefined) context.headers({ "X-Paquete-Id": packet.id });
  if (event.accepts("text/plain", "application/json") === "application/json") {
    const findings = readPacket(packet, { correct });
    return { Id: packet.id ?? null, entries: findings, summary: summarize(findings) };
  }
  if (packet.id !== undefined) {
    // The original client saved the findings as paraeljefe-<Id>.txt.
    context.headers({ "Content-Disposition": `attachment; filename="paraeljefe-${packet.id}.txt"` });
  }
  // Written straight into bytes: no object or string per entry, so a 100 000-entry paquete's
  // findings cost about their own size.
  const text = findingsText(packet, { correct, classic });
  context.headers({ "Content-Type": "text/plain; charset=utf-8" });
  return Buffer.from(text.buffer, text.byteOffset, text.byteLength);
}
