// The memory request bodies may hold at once. A body costs several times its size while it is
// read and handled (the chunks, their concatenation, the decoded string, what the handler
// builds from it), and bodies read in parallel add up: under a memory limit enough of them
// kill the process, and every request in flight with it. So each body reserves its size times
// that expansion before it is read (or as it is read, when its size is not declared), from a
// budget worked out from the process's memory limit, and gives it back once its answer has
// left. A body that does not fit now is refused (admission.ts); one that could never fit too.
import { totalmem } from "node:os";

export interface BudgetSettings {
  /** MEMORY_LIMIT, when set: overrides the limit the OS reports. */
  readonly memoryLimit: number | null;
  /** Kept free beyond the idle use: the watchdog in the same container, garbage not yet collected. */
  readonly memoryHeadroom: number;
  /** Memory a body costs per byte of it, at its peak. */
  readonly bodyExpansion: number;
}

/** What the process can see of its memory, read once at start-up. */
export interface MemoryFacts {
  /** process.constrainedMemory(): the cgroup limit; undefined, 0 or huge without one. */
  readonly constrained: number | undefined;
  readonly total: number;
  /** The idle process's resident memory. */
  readonly rss: number;
}

export const currentMemory = (): MemoryFacts => ({ constrained: process.constrainedMemory(), total: totalmem(), rss: process.memoryUsage.rss() });

export type Admission = "admitted" | "busy" | "too large";

export interface Reservation {
  /** Reserves memory for `bytes` more of the body; nothing is reserved unless admitted. */
  grow(bytes: number): Admission;
  /** Gives back all it holds; once only. */
  release(): void;
}

export interface MemoryBudget {
  /** The limit it was worked out from, or null when there is none: then every body fits. */
  readonly limit: number | null;
  /** Memory bodies may hold at once, in bytes (Infinity without a limit). */
  readonly total: number;
  readonly bodyExpansion: number;
  /** Memory held now by the bodies in flight. */
  inUse(): number;
  open(): Reservation;
}

const UNCOUNTED: Reservation = { grow: () => "admitted", release: () => {} };

/**
 * The budget: the memory limit, minus what the idle process already uses and the headroom.
 * Without a limit (none set, none reported, or one above the machine's memory) there is no
 * budget to keep: everything is admitted.
 */
export function memoryBudget(settings: BudgetSettings, facts: MemoryFacts): MemoryBudget {
  const reported = facts.constrained !== undefined && facts.constrained > 0 && facts.constrained < facts.total ? facts.constrained : null;
  const limit = settings.memoryLimit ?? reported;
  const total = limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit - facts.rss - settings.memoryHeadroom);
  let used = 0;
  return {
    limit,
    total,
    bodyExpansion: settings.bodyExpansion,
    inUse: () => used,
    open(): Reservation {
      // Nothing to count without a limit: one reservation for all, which holds nothing.
      if (limit === null) return UNCOUNTED;
      let held = 0;
      let released = false;
      return {
        grow(bytes) {
          const cost = bytes * settings.bodyExpansion;
          if (held + cost > total) return "too large";
          if (used + cost > total || released) return "busy";
          held += cost;
          used += cost;
          return "admitted";
        },
        release() {
          if (released) return;
          released = true;
          used -= held;
          held = 0;
        },
      };
    },
  };
}

/** Bytes as megabytes, for messages. */
export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The start-up log line: what the budget came from, and whether a body at the limit fits it. */
export function describeBudget(budget: MemoryBudget, facts: MemoryFacts, headroom: number, bodyLimit: number): string {
  if (budget.limit === null) return "no memory limit: request bodies are not counted against one (MEMORY_LIMIT sets it)";
  const line = `memory for request bodies: ${megabytes(budget.total)} (limit ${megabytes(budget.limit)} - idle ${megabytes(facts.rss)} - headroom ${megabytes(headroom)}), ${budget.bodyExpansion}x per body byte`;
  const largest = budget.total / budget.bodyExpansion;
  return largest < bodyLimit ? `${line}; warning: bodies over ${megabytes(largest)} can never be read, though MAX_BODY_SIZE allows ${megabytes(bodyLimit)}` : line;
}
