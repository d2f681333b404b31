// The runtime half of the handler API. Plain JavaScript with declarations beside it, so the
// same import ("@node22-ts/api") resolves with no build step both in a repository and inside
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
