// Settings read from the environment once, at start-up. Names follow the watchdog's where the
// watchdog already has one (write_timeout, healthcheck_interval, suppress_lock), so a single
// value in stack.yml tunes both.
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Config {
  /** Port the server listens on; the watchdog's upstream_url must point at it. */
  readonly port: number;
  readonly host: string;
  /** Largest request body accepted, in bytes, and as it was written (for messages). */
  readonly bodyLimit: number;
  readonly bodyLimitText: string;
  /** How long to keep answering after SIGTERM, in ms. */
  readonly drainMs: number;
  /** After the drain window, how long in-flight requests may take to finish, in ms. */
  readonly closeGraceMs: number;
  /** init_timeout: how long the handler module's init() may take, in ms. */
  readonly initMs: number;
  /**
   * shutdown_timeout: how long its shutdown() may take, in ms. With one, the function stops
   * answering this long before the drain window ends (src/lifecycle.ts says why).
   */
  readonly shutdownMs: number;
  /** Lock file to write once listening; null when the watchdog writes it itself. */
  readonly lockFile: string | null;
  /**
   * read_timeout: how long a request's body may take to arrive, from the request's start; a
   * refused body is read off (and thrown away) until then at most.
   */
  readonly readTimeoutMs: number;
  /** MEMORY_LIMIT: overrides the memory limit the OS reports (process.constrainedMemory()). */
  readonly memoryLimit: number | null;
  /** MEMORY_HEADROOM: memory kept free beyond the idle process's own. */
  readonly memoryHeadroom: number;
  /** BODY_MEMORY_FACTOR: memory a request body costs per byte of it, at its peak. */
  readonly bodyExpansion: number;
  /**
   * LOG_REQUESTS: a log line per request. Off by default: behind the watchdog, which logs every
   * request itself, it would repeat that line; on where nothing else logs them (npm start).
   */
  readonly logRequests: boolean;
}

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_BODY_LIMIT = "1mb";
const DEFAULT_TIMEOUT_MS = 10_000;
// faas-netes probes a function's lock file from 2 s after its container starts, every 2 s, and
// restarts the container after 3 failures: 6 to 8 s after it started. This leaves room for
// Node's own start before init(), so that a hung init() ends with its own line, not the probe's.
const DEFAULT_INIT_MS = 4000;
const DEFAULT_SHUTDOWN_MS = 5000;

/**
 * Room to close a pool or flush a buffer, taken from the end of the drain window: at most half
 * of it, so that the function still answers through the part when the platform may be sending
 * requests. Without a window (drain_timeout 0) there is nothing to share.
 */
function defaultShutdownMs(drainMs: number): number {
  return drainMs > 0 ? Math.min(DEFAULT_SHUTDOWN_MS, drainMs / 2) : DEFAULT_SHUTDOWN_MS;
}
const DEFAULT_HEADROOM = "32mb";
// Above validador's measured peak per body byte (docs/operating.md: Settings).
const DEFAULT_BODY_EXPANSION = 3.5;

export function readConfig(env: Env): Config {
  const bodyLimitText = env["MAX_BODY_SIZE"] || DEFAULT_BODY_LIMIT;
  const duration = (name: string, fallback: number) => (env[name] ? parseDuration(name, env[name]) : fallback);
  const writeTimeout = duration("write_timeout", DEFAULT_TIMEOUT_MS);
  // The watchdog keeps routing traffic for healthcheck_interval (default: write_timeout)
  // after it forwards SIGTERM, so that is how long the function must keep answering.
  const drainMs = duration("drain_timeout", duration("healthcheck_interval", writeTimeout));
  return {
    port: parsePort(env["http_port"] || "3000"),
    host: env["http_host"] || "127.0.0.1",
    bodyLimit: parseBytes("MAX_BODY_SIZE", bodyLimitText),
    bodyLimitText,
    drainMs,
    closeGraceMs: writeTimeout,
    initMs: env["init_timeout"] ? positive("init_timeout", duration("init_timeout", 0)) : DEFAULT_INIT_MS,
    shutdownMs: env["shutdown_timeout"] ? positive("shutdown_timeout", duration("shutdown_timeout", 0)) : defaultShutdownMs(drainMs),
    lockFile: env["suppress_lock"] === "true" ? join(tmpdir(), ".lock") : null,
    // The watchdog's own bound on reading a request: behind it, a body never takes longer.
    readTimeoutMs: duration("read_timeout", DEFAULT_TIMEOUT_MS),
    memoryLimit: env["MEMORY_LIMIT"] ? parseBytes("MEMORY_LIMIT", env["MEMORY_LIMIT"]) : null,
    memoryHeadroom: parseBytes("MEMORY_HEADROOM", env["MEMORY_HEADROOM"] || DEFAULT_HEADROOM),
    bodyExpansion: env["BODY_MEMORY_FACTOR"] ? parseFactor("BODY_MEMORY_FACTOR", env["BODY_MEMORY_FACTOR"]) : DEFAULT_BODY_EXPANSION,
    logRequests: parseSwitch("LOG_REQUESTS", env["LOG_REQUESTS"] || "false"),
  };
}

function positive(name: string, ms: number): number {
  if (ms <= 0) throw new Error(`${name} must be a duration of more than 0, such as 5s, got ${ms}ms`);
  return ms;
}

function parseSwitch(name: string, text: string): boolean {
  if (text !== "true" && text !== "false") throw new Error(`${name} must be true or false, got "${text}"`);
  return text === "true";
}

function parseFactor(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < 1) {
    throw new Error(`${name} must be a number of 1 or more, such as 3.5, got "${text}"`);
  }
  return value;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`http_port must be a port number (0-65535), got "${text}"`);
  }
  return port;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "512kb", "16mb", "1048576" → bytes (the units Express's own limit option takes). */
export function parseBytes(name: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  const unit = BYTE_UNITS[(match?.[2] ?? "b").toLowerCase()];
  if (!match || unit === undefined) {
    throw new Error(`${name} must be a size such as 512kb or 16mb, got "${text}"`);
  }
  return Math.floor(Number(match[1]) * unit);
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go durations as the watchdog reads them ("15s", "1m30s", "500ms"); a bare integer is seconds. */
export function parseDuration(name: string, text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  let ms = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, value: string, unit: string) => {
    ms += Number(value) * (DURATION_UNITS[unit] ?? Number.NaN);
    return "";
  });
  if (text === "" || rest !== "" || !Number.isFinite(ms)) {
    throw new Error(`${name} must be a duration such as 15s or 1m30s, got "${text}"`);
  }
  return ms;
}
