/**
 * Fast twins of kata/paquete.ts `readPaquete` (readPacket: a Finding per entry) and of
 * kata/findings.ts `findingsFile` (findingsText: the findings file as bytes), from a packet as
 * parsed (packet.ts), whose entries are already read.
 */
import { findingLine, type Finding, type Status } from "../kata/findings.js";
import { withCorrections } from "../kata/correct.js";
import type { ReadOptions } from "../kata/paquete.js";
import { numberAt } from "./bytes.js";
import { corrections } from "./correct.js";
import { lineBytes, type Packet } from "./packet.js";
import { OK, STATUS_NAMES } from "./status.js";

const STATUS: readonly Status[] = STATUS_NAMES;

/** One finding per entry, in input order. */
export function readPacket(packet: Packet, options?: ReadOptions): Finding[] {
  const { lines, statuses, reasons, mendable, size } = packet;
  const correct = options?.correct === true;
  // Grown by push rather than preallocated: a large preallocated array is born in old space,
  // and every young finding stored in it then costs the garbage collector extra work.
  const findings: Finding[] = [];
  for (let e = 0, m = 0, o = 0; e < size; e++) {
    const number = numberAt(lines, o);
    const code = statuses[e]!;
    const status = STATUS[code]!;
    o += lineBytes(code);
    if (code === OK) {
      findings.push({ number, status });
    } else if (mendable.entries[m] === e) {
      findings.push(correct ? corrected(number, status, mendable.keys, 9 * m) : { number, status });
      m++;
    } else {
      const reason = reasons.get(e);
      findings.push(reason === undefined ? { number, status } : { number, status, reason });
    }
  }
  return findings;
}

export interface TextOptions extends ReadOptions {
  /** Print a valid number alone, without OK, as the classic exercise does. */
  readonly classic?: boolean;
}

/**
 * The findings as UTF-8 text, one line per entry: the same lines as readPacket and findingLine
 * give. Without correction or classic they are the packet's own lines, returned as they are
 * (no copy); otherwise the packet's lines are copied in runs, and only mended entries and
 * classic OK lines are written apart.
 */
export function findingsText(packet: Packet, options?: TextOptions): Uint8Array {
  const { lines, statuses, mendable, size } = packet;
  const correct = options?.correct === true && mendable.entries.length > 0;
  const classic = options?.classic === true;
  if (!correct && !classic) return lines;
  let out = new Uint8Array(lines.length);
  let n = 0;
  const room = (bytes: number) => {
    if (n + bytes <= out.length) return;
    const grown = new Uint8Array(2 * (n + bytes));
    grown.set(out.subarray(0, n));
    out = grown;
  };
  /** lines[from..to) go out as they are. */
  const copy = (from: number, to: number) => {
    room(to - from);
    out.set(lines.subarray(from, to), n);
    n += to - from;
  };
  let copied = 0;
  for (let e = 0, m = 0, o = 0; e < size; e++) {
    const code = statuses[e]!;
    const length = lineBytes(code);
    if (code !== OK && mendable.entries[m] === e) {
      if (correct) {
        copy(copied, o);
        const line = findingLine(corrected(numberAt(lines, o), STATUS[code]!, mendable.keys, 9 * m), classic);
        room(line.length + 1);
        for (let i = 0; i < line.length; i++) out[n++] = line.charCodeAt(i);
        out[n++] = 0x0a;
        copied = o + length;
      }
      m++;
    } else if (classic && code === OK) {
      // The number alone: its 9 characters and the line end.
      copy(copied, o + 9);
      room(1);
      out[n++] = 0x0a;
      copied = o + length;
    }
    o += length;
  }
  copy(copied, lines.length);
  return out.subarray(0, n);
}

function corrected(number: string, status: Status, keys: Int32Array, at: number): Finding {
  return withCorrections({ number, status }, corrections(keys, at));
}
