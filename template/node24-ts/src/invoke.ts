// Calls a handler and settles on its first answer, whichever way it gives it: a return value,
// a resolved or rejected promise, a throw, or context.succeed / context.fail.
import type { FunctionContext, FunctionEvent, Handler } from "@node-ts/api";

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** To call once the answer has left (context.onFinished). */
  readonly finished: readonly (() => void)[];
}

export type Outcome = (Answer & { readonly ok: true; readonly value: unknown }) | (Answer & { readonly ok: false; readonly error: unknown });

class Context implements FunctionContext {
  #status = 200;
  #headers: Record<string, string> = {};
  readonly #finished: (() => void)[] = [];
  readonly #settle: (ok: boolean, valueOrError: unknown) => void;

  constructor(settle: (ok: boolean, valueOrError: unknown) => void) {
    this.#settle = settle;
  }

  status(): number;
  status(code: number): this;
  status(code?: number): number | this {
    if (code === undefined) return this.#status;
    if (!Number.isInteger(code) || code < 100 || code > 599) {
      throw new RangeError(`context.status() needs an HTTP status from 100 to 599, got ${String(code)}`);
    }
    this.#status = code;
    return this;
  }

  headers(): Readonly<Record<string, string>>;
  headers(values: Readonly<Record<string, string>>): this;
  headers(values?: Readonly<Record<string, string>>): Readonly<Record<string, string>> | this {
    if (values === undefined) return this.#headers;
    this.#headers = { ...this.#headers, ...values };
    return this;
  }

  succeed(value?: unknown): void {
    this.#settle(true, value);
  }

  fail(error: unknown): void {
    this.#settle(false, error);
  }

  onFinished(callback: () => void): this {
    if (typeof callback !== "function") throw new TypeError("context.onFinished() needs a function");
    this.#finished.push(callback);
    return this;
  }

  outcome(ok: boolean, valueOrError: unknown): Outcome {
    return ok ? new Success(valueOrError, this.#status, this.#headers, this.#finished) : new Failure(valueOrError, this.#status, this.#headers, this.#finished);
  }
}

// Classes, not object literals, as they hold the answer: see RequestEvent in app.ts.
class Success {
  readonly ok = true;
  constructor(
    readonly value: unknown,
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly finished: readonly (() => void)[],
  ) {}
}

class Failure {
  readonly ok = false;
  constructor(
    readonly error: unknown,
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    readonly finished: readonly (() => void)[],
  ) {}
}

export function invoke(handler: Handler, event: FunctionEvent): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const context: Context = new Context((ok, valueOrError) => {
      if (settled) return;
      settled = true;
      resolve(context.outcome(ok, valueOrError));
    });
    // A handler that already answered through the context may still return undefined.
    Promise.resolve()
      .then(() => handler(event, context))
      .then(
        (value) => context.succeed(value),
        (error: unknown) => context.fail(error),
      );
  });
}
