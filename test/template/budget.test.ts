// The memory budget's arithmetic and its settings, as plain functions.
import { describe, expect, test } from "vitest";
import { describeBudget, memoryBudget, type MemoryFacts } from "../../template/node24-ts/src/budget.js";
import { readConfig } from "../../template/node24-ts/src/config.js";

const MB = 1024 * 1024;
const settings = { memoryLimit: null, memoryHeadroom: 32 * MB, bodyExpansion: 3.5 };
const facts = (constrained: number | undefined): MemoryFacts => ({ constrained, total: 8192 * MB, rss: 56 * MB });

describe("the memory budget", () => {
  test("is the cgroup limit minus the idle use and the headroom", () => {
    const budget = memoryBudget(settings, facts(192 * MB));
    expect([budget.limit, budget.total]).toEqual([192 * MB, 104 * MB]);
  });

  test.each([undefined, 0, 2 ** 64, 8192 * MB])("without a limit (process.constrainedMemory() = %s) every body fits", (constrained) => {
    const budget = memoryBudget(settings, facts(constrained));
    expect([budget.limit, budget.total]).toEqual([null, Number.POSITIVE_INFINITY]);
    expect(budget.open().grow(1024 * MB)).toBe("admitted");
  });

  test("MEMORY_LIMIT overrides what the OS reports, with a limit or without", () => {
    expect(memoryBudget({ ...settings, memoryLimit: 128 * MB }, facts(192 * MB)).total).toBe(40 * MB);
    expect(memoryBudget({ ...settings, memoryLimit: 128 * MB }, facts(undefined)).total).toBe(40 * MB);
  });

  test("bodies reserve their size times the expansion; what does not fit now is busy, what never could is too large", () => {
    const budget = memoryBudget(settings, facts(192 * MB)); // 104 MB
    const first = budget.open();
    expect(first.grow(20 * MB)).toBe("admitted"); // 70 MB
    expect(budget.inUse()).toBe(70 * MB);
    const second = budget.open();
    expect(second.grow(20 * MB)).toBe("busy");
    expect(budget.inUse()).toBe(70 * MB); // a refused growth reserves nothing
    expect(second.grow(5 * MB)).toBe("admitted"); // 17.5 MB more
    expect(budget.open().grow(30 * MB)).toBe("too large"); // 105 MB > 104 MB, even alone
    first.release();
    first.release(); // once only
    expect(budget.inUse()).toBe(17.5 * MB);
    expect(second.grow(20 * MB)).toBe("admitted");
    second.release();
    expect(budget.inUse()).toBe(0);
  });

  test("a released reservation takes no more", () => {
    const reservation = memoryBudget(settings, facts(192 * MB)).open();
    reservation.release();
    expect(reservation.grow(1)).toBe("busy");
  });
});

describe("its settings and the time a body may take, from the environment", () => {
  test("defaults", () => {
    const config = readConfig({});
    expect([config.memoryLimit, config.memoryHeadroom, config.bodyExpansion]).toEqual([null, 32 * MB, 3.5]);
    expect(config.readTimeoutMs).toBe(10_000);
  });

  test("set", () => {
    const config = readConfig({ MEMORY_LIMIT: "192mb", MEMORY_HEADROOM: "40mb", BODY_MEMORY_FACTOR: "3", read_timeout: "30s" });
    expect([config.memoryLimit, config.memoryHeadroom, config.bodyExpansion]).toEqual([192 * MB, 40 * MB, 3]);
    expect(config.readTimeoutMs).toBe(30_000);
  });

  test.each([
    ["MEMORY_LIMIT", "lots", /MEMORY_LIMIT must be a size such as 512kb or 16mb, got "lots"/],
    ["BODY_MEMORY_FACTOR", "0.5", /BODY_MEMORY_FACTOR must be a number of 1 or more, such as 3\.5, got "0\.5"/],
    ["BODY_MEMORY_FACTOR", "x", /BODY_MEMORY_FACTOR must be a number/],
    ["read_timeout", "soon", /read_timeout must be a duration such as 15s or 1m30s, got "soon"/],
    ["LOG_REQUESTS", "yes", /LOG_REQUESTS must be true or false, got "yes"/],
  ])("%s=%s is refused at start-up, naming it", (name, value, message) => {
    expect(() => readConfig({ [name]: value })).toThrow(message);
  });
});

describe("the start-up line", () => {
  test("says what the budget came from, and warns when a body at MAX_BODY_SIZE could never fit", () => {
    const budget = memoryBudget(settings, facts(192 * MB)); // 104 MB, bodies up to 29.7 MB
    expect(describeBudget(budget, facts(192 * MB), 32 * MB, 16 * MB)).toBe("memory for request bodies: 104.0 MB (limit 192.0 MB - idle 56.0 MB - headroom 32.0 MB), 3.5x per body byte");
    expect(describeBudget(budget, facts(192 * MB), 32 * MB, 32 * MB)).toMatch(/; warning: bodies over 29\.7 MB can never be read, though MAX_BODY_SIZE allows 32\.0 MB$/);
    expect(describeBudget(memoryBudget(settings, facts(undefined)), facts(undefined), 32 * MB, MB)).toMatch(/^no memory limit/);
  });
});
