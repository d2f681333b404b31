/**
 * The domain module's whole surface for tests and the benchmark: what the functions use
 * (index.ts), and beside it what only checking and measuring them needs: drawing a number as
 * art and a packet as the scanner's text (the kata's), the checksum, the cell patterns, a
 * finding's line, and the engine's parts parseBody is made of (parsePacket, the general
 * reader of a text, and parseJsonBytes), the oracles and references it is held to.
 */
export * from "./index.js";
export { isValid } from "./kata/checksum.js";
export { DIGIT_NEIGHBOURS, PATTERNS } from "./kata/digits.js";
export { findingLine } from "./kata/findings.js";
export type { ReadOptions } from "./kata/paquete.js";
export type { Lines } from "./kata/read.js";
export { render } from "./kata/render.js";
export { packetText } from "./kata/scanner.js";
export type { TextOptions } from "./fast/findings.js";
export { Generated } from "./fast/generate.js";
export { parseJsonBytes } from "./fast/json.js";
export { parsePacket } from "./fast/parse.js";
export type { JsonOptions } from "./fast/wire.js";
