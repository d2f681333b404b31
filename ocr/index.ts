/**
 * Lector OCR: the pure domain module, as the functions use it. Reads a paquete's bytes in
 * either accepted form into findings, generates packet content and writes it in both forms
 * as bytes. What tests and the benchmark use beyond this is in testing.ts.
 * Two layers: kata/ states the domain plainly, on strings; fast/ is the engine the functions
 * run, each of its files the twin of a kata function (test/ocr/twins.test.ts holds them to it).
 * No I/O and no dependencies: it is copied into each function's image and compiled there.
 */
export { LINE_WIDTH } from "./kata/digits.js";
export type { Finding, Status } from "./kata/findings.js";
export type { GenerateOptions } from "./kata/generate.js";
export { findingsText, readPacket } from "./fast/findings.js";
export { generate } from "./fast/generate.js";
export { MAX_ENTRIES, PacketError } from "./fast/packet.js";
export type { Packet } from "./fast/packet.js";
export { parseBody } from "./fast/parse.js";
export type { BodyOptions } from "./fast/parse.js";
export { jsonBytes, textBytes } from "./fast/wire.js";
export type { Allocate } from "./fast/wire.js";
