// validador's image under its stack.yml memory limit, sent more large paquetes at once than
// fit: each must be answered (200, or the template's clean 503 with Retry-After), and the
// function must never be killed by the kernel, so that nothing in flight is lost.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readStack } from "../../tools/stack.js";
import { HOST, ociBuild, removeContainers, startContainer, untilListening, type Container } from "./containers.js";
import { podman, podmanOk, ROOT } from "./podman.js";

const CONCURRENT = 16;
const ENTRIES = 100_000;
const limit = readStack(join(ROOT, "stack.yml")).functions["validador"]!.limits!.memory!; // e.g. 192Mi
const memory = `${/^(\d+)Mi$/.exec(limit)![1]}m`;

interface State {
  readonly status: string;
  readonly pid: number;
  readonly oomKilled: boolean;
  readonly restarts: number;
}
async function state(container: Container): Promise<State> {
  const [status, pid, oom, restarts] = (await podmanOk(["inspect", container.id, "--format", "{{.State.Status}} {{.State.Pid}} {{.State.OOMKilled}} {{.RestartCount}}"])).trim().split(" ");
  return { status: status!, pid: Number(pid), oomKilled: oom === "true", restarts: Number(restarts) };
}

/** The container's memory now and at its peak so far, as its cgroup counts it (v1 or v2), for the log. */
async function cgroupMemory(container: Container): Promise<string> {
  const read = async (v1: string, v2: string) => {
    const { code, stdout } = await podman(["exec", container.id, "sh", "-c", `cat /sys/fs/cgroup/memory/${v1} 2>/dev/null || cat /sys/fs/cgroup/${v2}`]);
    return code === 0 ? `${(Number(stdout.trim()) / 1024 / 1024).toFixed(0)} MB` : "?";
  };
  return `${await read("memory.usage_in_bytes", "memory.current")} (peak ${await read("memory.max_usage_in_bytes", "memory.peak")})`;
}

describe(`validador under --memory ${memory} (stack.yml's limits.memory), ${CONCURRENT} concurrent ${ENTRIES}-entry paquetes`, () => {
  let generador: Container;
  let validador: Container;
  const bodies: Record<string, { body: Buffer; type: string }> = {};

  beforeAll(async () => {
    generador = await startContainer(ociBuild("generador", HOST).image, "generador");
    validador = await startContainer(ociBuild("validador", HOST).image, "validador", { runArgs: ["--memory", memory, "--memory-swap", memory] });
    await untilListening(generador, 30_000);
    await untilListening(validador, 30_000);
    for (const [form, query, type] of [["json", "", "application/json"], ["text", "&format=text", "text/plain"]] as const) {
      const res = await fetch(`${generador.url}/?count=${ENTRIES}&seed=3${query}`);
      expect(res.status).toBe(200);
      bodies[form] = { body: Buffer.from(await res.arrayBuffer()), type };
    }
  });
  afterAll(async () => {
    await removeContainers([generador, validador].filter(Boolean));
  });

  test.each(["json", "text"])("%s: every request answered 200 or a clean 503, the function never killed, and a normal paquete right after", async (form) => {
    const before = await state(validador);
    const { body, type } = bodies[form]!;
    const answers = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        const res = await fetch(validador.url, { method: "POST", body, headers: { "content-type": type } });
        const text = await res.text();
        return { status: res.status, retryAfter: res.headers.get("retry-after"), text };
      }),
    );
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 503);
    console.log(`${form} (${(body.length / 1e6).toFixed(1)} MB) x ${CONCURRENT}: ${ok.length} x 200, ${refused.length} x 503; container memory ${await cgroupMemory(validador)}; ${JSON.stringify(await state(validador))}`);
    expect(ok.length + refused.length).toBe(CONCURRENT);
    expect(ok.length).toBeGreaterThan(0);
    for (const answer of ok) expect(answer.text.split("\n").filter(Boolean)).toHaveLength(ENTRIES);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect((JSON.parse(answer.text) as { error: string }).error).toMatch(/memory/);
    }
    const after = await state(validador);
    expect(after).toEqual({ ...before, status: "running" });
    expect(after.oomKilled).toBe(false);

    const small = await fetch(`${generador.url}/?count=500&seed=4`);
    const findings = await fetch(validador.url, { method: "POST", body: await small.text(), headers: { "content-type": "application/json" } });
    expect(findings.status).toBe(200);
    expect((await findings.text()).split("\n").filter(Boolean)).toHaveLength(500);
  });
});
