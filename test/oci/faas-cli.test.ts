// `faas-cli build` itself, the real faas-cli 0.17.6, as a user with podman instead of Docker runs
// it: a `docker` first on PATH that forwards to podman (what podman-docker installs), in a copy of
// the project, without CI (which would make faas-cli's context folders 0755, not the 0700 the
// setup's contexts have, and so miss its build cache). BUILDAH_FORMAT=docker makes podman keep the image's HEALTHCHECK, as
// `--format docker` does (its default, OCI, drops it).
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, onTestFinished, test } from "vitest";
import { render } from "../../ocr/testing.js";
import { copyProject, run, userEnv } from "../support/faas-cli.js";
import { realProgram } from "../support/real.js";
import { HOST, ociBuild, realWatchdogIn, removeContainers, startContainer, untilHealthy } from "./containers.js";
import { CONTAINERS_CONF, podman, podmanOk } from "./podman.js";
import { scratchDir } from "../../tools/scratch.js";

const faasCli = realProgram("faas-cli");

describe.skipIf(!faasCli || !realWatchdogIn(HOST))("faas-cli build, with podman as `docker`", () => {
  test("builds validador with faas-cli's own command: the image test:oci built from layoutContext's context, which starts with its CMD and answers", async () => {
    const project = copyProject();
    const shim = scratchDir("docker-shim-");
    onTestFinished(() => {
      rmSync(project, { recursive: true, force: true });
      rmSync(shim, { recursive: true, force: true });
    });
    writeFileSync(join(shim, "docker"), '#!/bin/sh\nexec podman "$@"\n');
    chmodSync(join(shim, "docker"), 0o755);
    const [registry, tag] = ["localhost/lector-faas-cli", "test"];
    const image = `${registry}/validador:${tag}`;
    const env = { ...userEnv(), PATH: `${shim}:${process.env["PATH"] ?? ""}`, REGISTRY: registry, TAG: tag, CONTAINERS_CONF, BUILDAH_FORMAT: "docker" };

    const built = await run(faasCli!, ["build", "--filter", "validador"], { cwd: project, env, timeoutMs: 600_000 });
    const output = built.stdout + built.stderr;
    expect(built.code, output.slice(-4000)).toBe(0);
    expect(output).toContain(`Build flags: [build --build-arg ADDITIONAL_PACKAGE= --tag ${image} .]`);
    expect(output).toContain(`Image: ${image} built.`);
    // Every step a cache hit of the setup's build: the very same image.
    const id = async (name: string) => (await podmanOk(["image", "inspect", "--format", "{{.Id}}", name])).trim();
    expect(await id(image)).toBe(await id(ociBuild("validador", HOST).image));
    const [config] = JSON.parse(await podmanOk(["image", "inspect", image])) as { Config: { Cmd: string[] }; Healthcheck?: { Test: string[] } }[];
    expect(config!.Config.Cmd).toEqual(["sh", "run-watchdog.sh"]);
    expect(config!.Healthcheck?.Test).toEqual(["CMD-SHELL", "[ -e /tmp/.lock ] || exit 1"]);

    const container = await startContainer(image, "validador");
    try {
      await untilHealthy(container, 30_000);
      const paquete = { Id: "faas-cli-build", Contenido: [render("457508000"), render("664371495")] };
      const res = await fetch(container.url, { method: "POST", body: JSON.stringify(paquete), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-paquete-id")).toBe("faas-cli-build");
      expect(await res.text()).toBe("457508000 OK\n664371495 ERR\n");
    } finally {
      await removeContainers([container]);
      await podman(["rmi", image]);
    }
  }, 600_000);
});
