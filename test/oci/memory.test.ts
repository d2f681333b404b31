// validador's image under its stack.yml memory limit, started with its own CMD (the real
// of-watchdog in front), sent more large paquetes at once than fit, by both kinds of client
// (clients.ts): each request must be answered, 200 or the template's clean 503 with Retry-After,
// none lost to a broken pipe or a reset, and the function must never be killed, so that nothing
// in flight is lost.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readStack } from "../../tools/stack.js";
import { readsWhileSending, removeClientFiles, writesAllThenReads, type Answer, type Client } from "./clients.js";
import { HOST, ociBuild, realWatchdogIn, removeContainers, startContainer, untilHealthy, type Container } from "./containers.js";
import { podman, podmanOk, ROOT } from "./podman.js";

const CONCURRENT = 16;
const ENTRIES = 100_000;
const limit = readStack(join(ROOT, "stack.yml")).functions["validador"]!.limits!.memory!; // e.g. 192Mi
const memory = `${/^(\d+)Mi$/.exec(limit)![1]}m`;
const CLIENTS: Record<string, Client> = { "reads while it sends": readsWhileSending, "writes the whole body, then reads": writesAllThenReads };

interface State {
  readonly status: string;
  readonly pid: number;
  readonly oomKilled: boolean;
  readonly restarts: number;
  /** The function's process (the watchdog's child). */
  readonly node: string;
}
async function state(container: Container): Promise<State> {
  const [status, pid, oom, restarts] = (await podmanOk(["inspect", container.id, "--format", "{{.State.Status}} {{.State.Pid}} {{.State.OOMKilled}} {{.RestartCount}}"])).trim().split(" ");
  const node = (await podman(["exec", container.id, "pidof", "node"])).stdout.trim();
  return { status: status!, pid: Number(pid), oomKilled: oom === "true", restarts: Number(restarts), node };
}

/** The container's memory now and at its peak so far, as its cgroup counts it (v1 or v2), for the log. */
async function cgroupMemory(container: Container): Promise<string> {
  const read = async (v1: string, v2: string) => {
    const { code, stdout } = await podman(["exec", container.id, "sh", "-c", `cat /sys/fs/cgroup/memory/${v1} 2>/dev/null || cat /sys/fs/cgroup/${v2}`]);
    return code === 0 ? `${(Number(stdout.trim()) / 1024 / 1024).toFixed(0)} MB` : "?";
  };
  return `${await read("memory.usage_in_bytes", "memory.current")} (peak ${await read("memory.max_usage_in_bytes", "memory.peak")})`;
}

/** "9 x 200, 5 x 503, 2 x EPIPE": the answers by status, and the failures by how they failed. */
function tally(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const key = answer.status !== undefined ? String(answer.status) : answer.error!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort().map(([key, n]) => `${n} x ${key}`).join(", ");
}

describe.skipIf(!realWatchdogIn(HOST))(`validador behind its watchdog under --memory ${memory} (stack.yml's limits.memory), ${CONCURRENT} concurrent ${ENTRIES}-entry paquetes`, () => {
  let generador: Container;
  let validador: Container;
  const bodies: Record<string, { body: Buffer; type: string }> = {};

  beforeAll(async () => {
    generador = await startContainer(ociBuild("generador", HOST).image, "generador");
    validador = await startContainer(ociBuild("validador", HOST).image, "validador", { runArgs: ["--memory", memory, "--memory-swap", memory] });
    await untilHealthy(generador, 30_000);
    await untilHealthy(validador, 30_000);
    for (const [form, query, type] of [["json", "", "application/json"], ["text", "&format=text", "text/plain"]] as const) {
      const res = await fetch(`${generador.url}/?count=${ENTRIES}&seed=3${query}`);
      expect(res.status).toBe(200);
      bodies[form] = { body: Buffer.from(await res.arrayBuffer()), type };
    }
  });
  afterAll(async () => {
    await removeContainers([generador, validador].filter(Boolean));
    removeClientFiles();
  });

  const cases = ["json", "text"].flatMap((form) => Object.keys(CLIENTS).map((client) => [form, client] as const));
  test.each(cases)("%s, a client that %s: every request answered 200 or a clean 503, none lost, the function never killed, and a normal paquete right after", async (form, client) => {
    const before = await state(validador);
    expect(before.node).toMatch(/^\d+$/);
    const { body, type } = bodies[form]!;
    const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => CLIENTS[client]!(validador.port, body, { "Content-Type": type })));
    console.log(`${form} (${(body.length / 1e6).toFixed(1)} MB) x ${CONCURRENT}, a client that ${client}: ${tally(answers)}; container memory ${await cgroupMemory(validador)}; ${JSON.stringify(await state(validador))}`);
    expect(answers.filter((a) => a.status === undefined).map((a) => a.error)).toEqual([]);
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    expect(ok.length + refused.length).toBe(CONCURRENT);
    expect(ok.length).toBeGreaterThan(0);
    for (const answer of ok) expect(answer.body.split("\n").filter(Boolean)).toHaveLength(ENTRIES);
    for (const answer of refused) {
      expect(Number(answer.headers["retry-after"])).toBeGreaterThan(0);
      expect(answer.body).toMatch(/memory/);
    }
    // Never killed: the same container, and the same function process inside it.
    expect(await state(validador)).toEqual({ ...before, status: "running", oomKilled: false });

    const small = await fetch(`${generador.url}/?count=500&seed=4`);
    const findings = await fetch(validador.url, { method: "POST", body: await small.text(), headers: { "content-type": "application/json" } });
    expect(findings.status).toBe(200);
    expect((await findings.text()).split("\n").filter(Boolean)).toHaveLength(500);
  });
});
