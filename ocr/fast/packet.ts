/**
 * Fast twin of kata/paquete.ts `readPaquete` without correction: a packet as read, not its
 * entries. Each entry is read while the packet is parsed and kept as the findings text before
 * correction (`457508000 OK`, one line per entry), so answering never touches the input again
 * and the default answer is already written; only the entries correction could mend keep their
 * cell keys. Reading while parsing saves a second pass over the entries, which for a large
 * packet no longer fits a cache.
 */
import { readKeys } from "./entry.js";
import { OK, STATUS_NAMES } from "./status.js";

/** Most entries a packet may hold unless the caller says otherwise. */
export const MAX_ENTRIES = 100_000;

/** A problem with the request as a whole; the message says what was expected and where. */
export class PacketError extends Error {
  override name = "PacketError";
}

/** A packet as read: its Id, and per entry the finding before correction (not its art). */
export interface Packet {
  /** The JSON form's Id, when it had one. */
  readonly id?: string;
  /** Number of entries. */
  readonly size: number;
  /**
   * The findings before correction, as UTF-8 text: per entry its 9 characters (a digit, "?"
   * for an unreadable cell), " OK", " ERR" or " ILL", and "\n". An entry's line is 13 bytes
   * when OK, else 14: its offset follows from the statuses before it.
   */
  readonly lines: Uint8Array;
  /** Per entry, OK, ERR or ILL (status.ts). */
  readonly statuses: Uint8Array;
  /** Why an entry's content is malformed (too long a line, a foreign character), by entry index. */
  readonly reasons: ReadonlyMap<number, string>;
  /**
   * The entries correction could mend (ERR, or ILL and well formed), ascending, and their cell
   * keys (keys.ts): entry mendable.entries[m] has keys mendable.keys[9m..9m+8].
   */
  readonly mendable: { readonly entries: Int32Array; readonly keys: Int32Array };
}

// By status, what follows the number on its line (" OK\n", " ERR\n", " ILL\n") as two
// little-endian words, zero padded, and its length.
const TAILS = STATUS_NAMES.map((name) => ` ${name}\n`);
const word = (text: string, from: number) =>
  [0, 1, 2, 3].reduce((w, i) => w | ((from + i < text.length ? text.charCodeAt(from + i) : 0) << (8 * i)), 0);
const TAIL_LOW = Int32Array.from(TAILS, (text) => word(text, 0));
const TAIL_HIGH = Int32Array.from(TAILS, (text) => word(text, 4));
const TAIL_LENGTH = Int32Array.from(TAILS, (text) => text.length);
/** Bytes of an entry's line in Packet.lines, by its status: 13 when OK, else 14. */
export const lineBytes = (status: number): number => 9 + TAIL_LENGTH[status]!;

/** The longest line before correction, and the bytes writing one touches from its start. */
const LINE_BYTES = 14;
const LINE_REACH = 17;

/** Collects entries while a packet is parsed, growing its storage by doubling. */
export class PacketBuilder {
  /** Where the parser puts the cell keys of the entry it is reading. */
  readonly keys = new Int32Array(9);
  readonly reasons = new Map<number, string>();
  size = 0;
  /** Where the next entry's line starts in `lines`. */
  end = 0;
  #lines: Uint8Array;
  #view: DataView;
  #statuses: Uint8Array;
  #mendEntries: Int32Array;
  #mendKeys: Int32Array;
  #mendCount = 0;

  constructor(expectedEntries: number) {
    const capacity = Math.max(1, expectedEntries);
    // Room for 1 entry in 4 to need mending before growing.
    const mend = Math.max(16, capacity >>> 2);
    // One allocation for the four arrays (a packet per request: fewer, larger blocks for
    // malloc): the lines, the keys and entries to mend (4-byte aligned), the statuses.
    const linesBytes = (capacity * LINE_BYTES + LINE_REACH + 3) & ~3;
    const buffer = new ArrayBuffer(linesBytes + 40 * mend + capacity);
    this.#lines = new Uint8Array(buffer, 0, linesBytes);
    this.#view = new DataView(buffer, 0, linesBytes);
    this.#mendKeys = new Int32Array(buffer, linesBytes, 9 * mend);
    this.#mendEntries = new Int32Array(buffer, linesBytes + 36 * mend, mend);
    this.#statuses = new Uint8Array(buffer, linesBytes + 40 * mend, capacity);
  }

  /**
   * The buffer the next `entries` entries' characters go into, the first at `end`, each
   * followed by added(); it stays the same until the next call.
   */
  lines(entries = 1): Uint8Array {
    while (this.end + (entries - 1) * LINE_BYTES + LINE_REACH > this.#lines.length) {
      this.#lines = grown(this.#lines);
      this.#view = new DataView(this.#lines.buffer, this.#lines.byteOffset, this.#lines.byteLength);
    }
    while (this.size + entries > this.#statuses.length) this.#statuses = grown(this.#statuses);
    return this.#lines;
  }

  /** Records the well-formed entry whose characters are written at `end` and keys are in `keys`. */
  added(status: number): void {
    if (status !== OK) this.#keep(this.size);
    this.#record(status);
  }

  /** Reads the entry whose cell keys are in `keys`: malformed (with its reason) or not. */
  add(reason?: string): void {
    const status = readKeys(this.keys, this.lines(), this.end);
    if (reason === undefined) {
      this.added(status);
    } else {
      this.reasons.set(this.size, reason);
      this.#record(status);
    }
  }

  #record(status: number): void {
    const end = this.end;
    // Past the line's own end the words write zeros, which the next line overwrites.
    this.#view.setUint32(end + 9, TAIL_LOW[status]!, true);
    this.#view.setUint32(end + 13, TAIL_HIGH[status]!, true);
    this.end = end + lineBytes(status);
    this.#statuses[this.size++] = status;
  }

  #keep(e: number): void {
    const m = this.#mendCount++;
    if (m === this.#mendEntries.length) {
      this.#mendEntries = grown(this.#mendEntries);
      this.#mendKeys = grown(this.#mendKeys);
    }
    this.#mendEntries[m] = e;
    // A loop: for 9 values it beats the native call of TypedArray.set.
    const { keys } = this;
    const kept = this.#mendKeys;
    for (let i = 0, at = 9 * m; i < 9; i++) kept[at + i] = keys[i]!;
  }

  finish(id: string | undefined): Packet {
    const m = this.#mendCount;
    const packet = {
      size: this.size,
      lines: this.#lines.subarray(0, this.end),
      statuses: this.#statuses.subarray(0, this.size),
      reasons: this.reasons,
      mendable: { entries: this.#mendEntries.subarray(0, m), keys: this.#mendKeys.subarray(0, 9 * m) },
    };
    return id === undefined ? packet : { id, ...packet };
  }
}

function grown<T extends Uint8Array | Int32Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(2 * array.length);
  bigger.set(array);
  return bigger;
}

/** The limit message, shared by both forms. */
export function tooManyEntries(count: number, limit: number): PacketError {
  return new PacketError(`too many entries: the paquete has ${count}, at most ${limit} are accepted`);
}
