// The runtime half of the handler API. Plain JavaScript with declarations beside it, so the
// same import ("@node-ts/api") resolves with no build step both in a repository and inside
// a function's build context.

/** An error that answers the request with its status and message (4xx) instead of a 500. */
export class HttpError extends Error {
  constructor(status, message, options) {
    super(message, options);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be an integer from 400 to 599, got ${status}`);
    }
    this.name = "HttpError";
    this.status = status;
  }
}

const QUOTED_LENGTH = 40;

/**
 * A request value for a message: quoted as a JSON string (so control characters come out
 * escaped) and cut after 40 characters, so that a huge value is not sent back whole.
 */
export function quote(value) {
  const text = String(value);
  if (text.length <= QUOTED_LENGTH) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, QUOTED_LENGTH))}... (${text.length} characters)`;
}

/**
 * Reads query parameters strictly: each of `names` at most once, no other names. Anything
 * else is the client's mistake, answered with a 400 that names the parameter.
 */
export function readQuery(query, names) {
  const params = {};
  for (const [name, value] of Object.entries(query)) {
    if (!names.includes(name)) {
      throw new HttpError(400, `unknown query parameter ${quote(name)}; this function takes: ${names.join(", ")}`);
    }
    if (Array.isArray(value)) {
      throw new HttpError(400, `query parameter "${name}" is given ${value.length} times; give it once`);
    }
    if (value !== undefined) params[name] = value;
  }
  return params;
}

const YES = ["", "1", "true", "yes"];
const NO = ["0", "false", "no"];

/** A yes/no query parameter: absent → false; "", 1, true, yes → true; 0, false, no → false. */
export function flag(value, name) {
  if (value === undefined || NO.includes(value)) return false;
  if (YES.includes(value)) return true;
  throw new HttpError(400, `query parameter "${name}" must be true or false (or 1/0, yes/no), got ${quote(value)}`);
}
