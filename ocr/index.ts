/**
 * Lector OCR: the pure domain module. Reads bank scanner art (3x3 digit cells) into account
 * numbers and findings, parses packets in both accepted forms, generates packet content and
 * writes it in both forms as bytes.
 * Two layers: kata/ states the domain plainly, on strings; fast/ is the engine the functions
 * run, each of its files the twin of a kata function (test/ocr/twins.test.ts holds them to it).
 * No I/O and no dependencies: it is copied into each function's image and compiled there.
 */
export { isValid } from "./kata/checksum.js";
export { DIGIT_NEIGHBOURS, LINE_WIDTH, PATTERNS } from "./kata/digits.js";
export { findingLine } from "./kata/findings.js";
export type { Finding, Status } from "./kata/findings.js";
export type { GenerateOptions } from "./kata/generate.js";
export type { ReadOptions } from "./kata/paquete.js";
export type { Lines } from "./kata/read.js";
export { render } from "./kata/render.js";
export { packetText } from "./kata/scanner.js";
export { findingsText, readPacket } from "./fast/findings.js";
export type { TextOptions } from "./fast/findings.js";
export { Generated, generate } from "./fast/generate.js";
export { parseJsonFast } from "./fast/json.js";
export { MAX_ENTRIES, PacketError } from "./fast/packet.js";
export type { Packet } from "./fast/packet.js";
export { parsePacket } from "./fast/parse.js";
export { jsonBytes, textBytes } from "./fast/wire.js";
export type { Allocate, JsonOptions } from "./fast/wire.js";
