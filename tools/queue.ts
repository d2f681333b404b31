// A bounded in-memory work queue, for the local gateway's async calls: jobs run in order, a few
// at a time, and a job is refused (never queued) once the queue holds its cap in jobs or bytes,
// so a burst of async calls cannot hold unbounded memory.

export interface QueueLimits {
  /** Jobs held at once, waiting or running. */
  readonly maxJobs: number;
  /** Bytes held at once (the request bodies the jobs carry). */
  readonly maxBytes: number;
  /** Jobs running at once. */
  readonly concurrency: number;
}

export interface QueueState {
  readonly jobs: number;
  readonly bytes: number;
}

export interface WorkQueue {
  /** Queues a job holding `bytes`; false, with nothing queued, when it would pass a limit. */
  readonly offer: (bytes: number, job: () => Promise<void>) => boolean;
  readonly state: () => QueueState;
}

/** `onError` hears of a job that rejects; the queue goes on with the next. */
export function createQueue(limits: QueueLimits, onError: (error: unknown) => void): WorkQueue {
  const waiting: { bytes: number; job: () => Promise<void> }[] = [];
  let running = 0;
  let jobs = 0;
  let bytes = 0;

  function next(): void {
    while (running < limits.concurrency && waiting.length > 0) {
      const { bytes: held, job } = waiting.shift()!;
      running++;
      void job()
        .catch(onError)
        .finally(() => {
          running--;
          jobs--;
          bytes -= held;
          next();
        });
    }
  }

  return {
    offer(held, job) {
      if (jobs + 1 > limits.maxJobs || bytes + held > limits.maxBytes) return false;
      jobs++;
      bytes += held;
      waiting.push({ bytes: held, job });
      next();
      return true;
    },
    state: () => ({ jobs, bytes }),
  };
}
