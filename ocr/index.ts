/**
 * Lector OCR: the pure domain module. Reads bank scanner art (3x3 digit cells) into account
 * numbers and findings, parses packets in both accepted forms, generates packet content and
 * writes it in both forms as bytes.
 * No I/O and no dependencies: it is copied into each function's image and compiled there.
 */
export { DIGIT_NEIGHBOURS, LINE_WIDTH, PATTERNS } from "./cells.js";
export { isValid } from "./checksum.js";
export { findingLine, findingsText, readPacket } from "./findings.js";
export type { Finding, ReadOptions, Status, TextOptions } from "./findings.js";
export { Generated, generate } from "./generate.js";
export type { GenerateOptions } from "./generate.js";
export { jsonBytes, textBytes } from "./wire.js";
export type { Allocate, JsonOptions } from "./wire.js";
export { MAX_ENTRIES, PacketError } from "./packet.js";
export type { Packet } from "./packet.js";
export { parseJsonFast } from "./json.js";
export { parsePacket } from "./parse.js";
export { render } from "./render.js";
export type { Lines } from "./render.js";
export { packetText } from "./scanner.js";
