/**
 * An entry's status before correction as a small number, as the engine stores it (one byte per
 * entry), and its name in the findings (kata/findings.ts `Status`) by that number.
 */
import type { Status } from "../kata/findings.js";

export const OK = 0;
export const ERR = 1;
export const ILL = 2;
export const STATUS_NAMES = ["OK", "ERR", "ILL"] as const satisfies readonly Status[];
