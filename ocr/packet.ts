/**
 * A parsed packet ("paquete"): its entries already read into cell keys, so reading findings
 * (with or without correction) no longer touches the text.
 */

/** Most entries a packet may hold unless the caller says otherwise. */
export const MAX_ENTRIES = 100_000;

/** What an Id may be: 1 to 64 letters, digits, "_" or "-" (a KSUID is 27 of them). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A problem with the request as a whole; the message says what was expected and where. */
export class PacketError extends Error {
  override name = "PacketError";
}

export interface Packet {
  /** The JSON form's Id, when it had one. */
  readonly id?: string;
  /** Number of entries. */
  readonly size: number;
  /** Cell keys (see cells.ts), 9 per entry in input order: entry i is keys[9i..9i+8]. */
  readonly keys: Int32Array;
  /** Why an entry's content is malformed (too long a line, a foreign character), by entry index. */
  readonly reasons: ReadonlyMap<number, string>;
}

/** Collects entries' keys while a packet is parsed, growing its storage by doubling. */
export class PacketBuilder {
  keys: Int32Array;
  size = 0;
  readonly reasons = new Map<number, string>();

  constructor(expectedEntries: number) {
    this.keys = new Int32Array(9 * Math.max(1, expectedEntries));
  }

  /** Start a new entry: the index in `keys` where its 9 cell keys go. */
  add(): number {
    const at = 9 * this.size;
    if (at === this.keys.length) {
      const grown = new Int32Array(2 * this.keys.length);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.size++;
    return at;
  }

  finish(id: string | undefined): Packet {
    const keys = this.keys.subarray(0, 9 * this.size);
    return id === undefined
      ? { size: this.size, keys, reasons: this.reasons }
      : { id, size: this.size, keys, reasons: this.reasons };
  }
}

/** The limit message, shared by both forms. */
export function tooManyEntries(count: number, limit: number): PacketError {
  return new PacketError(`too many entries: the packet has ${count}, at most ${limit} are accepted`);
}
