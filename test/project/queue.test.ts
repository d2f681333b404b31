// The async queue behind the local gateway (tools/queue.ts): order, concurrency and its caps.
import { expect, test } from "vitest";
import { createQueue } from "../../tools/queue.js";

/** A job that runs until its release() is called; `log` records starts and ends. */
function gate(log: string[], tag: string): { job: () => Promise<void>; release: () => void } {
  let release = () => {};
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    job: async () => {
      log.push(`start ${tag}`);
      await done;
      log.push(`end ${tag}`);
    },
    release: () => release(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test("jobs run in order, `concurrency` at a time; past maxJobs or maxBytes a job is refused and nothing is queued", async () => {
  const log: string[] = [];
  const queue = createQueue({ maxJobs: 3, maxBytes: 100, concurrency: 2 }, () => {});
  const [a, b, c, d] = ["a", "b", "c", "d"].map((tag) => gate(log, tag));
  expect(queue.offer(10, a!.job)).toBe(true);
  expect(queue.offer(10, b!.job)).toBe(true);
  expect(queue.offer(90, d!.job)).toBe(false);
  expect(queue.offer(10, c!.job)).toBe(true);
  expect(queue.offer(1, d!.job)).toBe(false);
  expect(queue.state()).toEqual({ jobs: 3, bytes: 30 });
  expect(log).toEqual(["start a", "start b"]);

  b!.release();
  await settle();
  expect(log).toEqual(["start a", "start b", "end b", "start c"]);
  expect(queue.state()).toEqual({ jobs: 2, bytes: 20 });
  expect(queue.offer(80, d!.job)).toBe(true);
  a!.release();
  await settle();
  expect(log.slice(4)).toEqual(["end a", "start d"]);
  c!.release();
  d!.release();
  await settle();
  expect(log.slice(6).sort()).toEqual(["end c", "end d"]);
  expect(queue.state()).toEqual({ jobs: 0, bytes: 0 });
});

test("a job that rejects is reported and the queue goes on with the next", async () => {
  const errors: unknown[] = [];
  const queue = createQueue({ maxJobs: 2, maxBytes: 10, concurrency: 1 }, (error) => errors.push(error));
  const ran: string[] = [];
  queue.offer(1, () => Promise.reject(new Error("broken")));
  queue.offer(1, async () => void ran.push("next"));
  await settle();
  await settle();
  expect((errors as Error[]).map((error) => error.message)).toEqual(["broken"]);
  expect(ran).toEqual(["next"]);
  expect(queue.state()).toEqual({ jobs: 0, bytes: 0 });
});
