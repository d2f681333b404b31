// validador: POST a paquete (generador's JSON, or the scanner's text file) → the findings,
// one line per entry, or JSON for clients that ask for it.
import { HttpError, flag, readQuery, type FunctionContext, type FunctionEvent } from "@node-ts/api";
import { mangledText, wrongBodyKind } from "./mistakes.js";
import { PacketError, findingsText, parseBody, readPacket, type Finding, type Packet, type Status } from "#ocr";

/**
 * The paquete the request carries, read from the body's bytes (event.bodyBytes): ocr/ chooses
 * the form and reads it from them, so the template never decodes nor parses the body.
 */
function packetOf(event: FunctionEvent): Packet {
  const wrong = wrongBodyKind(event.headers["content-type"]);
  if (wrong !== undefined) throw new HttpError(415, wrong);
  const body = event.bodyBytes;
  try {
    return parseBody(body, { json: event.bodyKind === "json" });
  } catch (error) {
    if (!(error instanceof PacketError)) throw error;
    throw new HttpError(400, mangledText(body.toString("utf8")) ?? error.message);
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
