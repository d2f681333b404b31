// stack.yml as faas-cli reads it, and the repository around it.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readStack } from "../../tools/stack.js";

const text = readFileSync("stack.yml", "utf8");
const stack = readStack("stack.yml", {});
const names = ["generador", "validador"] as const;
const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;

describe("stack.yml", () => {
  test("is a version 1.0 openfaas stack whose gateway OPENFAAS_URL can still choose", () => {
    expect(text).toMatch(/^version: 1\.0$/m);
    expect(stack.provider.name).toBe("openfaas");
    expect(text).toMatch(/^ {2}gateway: \$\{OPENFAAS_URL:-http:\/\/127\.0\.0\.1:8080\}$/m);
    expect(stack.provider.gateway).toBe("http://127.0.0.1:8080");
    expect(readStack("stack.yml", { OPENFAAS_URL: "http://pi4:31112" }).provider.gateway).toBe("http://pi4:31112");
  });

  test("REGISTRY and TAG choose the images without editing the file", () => {
    const custom = readStack("stack.yml", { REGISTRY: "ghcr.io/someone", TAG: "2.1.0" });
    for (const name of names) {
      expect(custom.functions[name]!.image).toBe(`ghcr.io/someone/${name}:2.1.0`);
      expect(stack.functions[name]!.image).toMatch(new RegExp(`^[\\w.-]+/\\w+/${name}:\\d+\\.\\d+\\.\\d+$`));
    }
  });

  test.each(names)("%s is built from the vendored node24-ts template with the shared OCR module", (name) => {
    const fn = stack.functions[name]!;
    expect([fn.lang, fn.handler]).toEqual(["node24-ts", `./${name}`]);
    expect(stack.configuration?.templates).toEqual([{ name: "node24-ts" }]);
    expect(stack.configuration?.copy).toEqual(["./ocr"]);
    // faas-cli copies ./ocr to function/ocr, where the handler's #ocr import points.
    expect(readJson(`${name}/package.json`)["imports"]).toEqual({ "#ocr": "./ocr/index.js" });
    expect(existsSync("ocr/index.ts")).toBe(true);
  });

  test("a stack.yml that still says lang: node22-ts is told the template's new name", () => {
    mkdirSync("build", { recursive: true });
    const dir = mkdtempSync(join("build", "old-stack-"));
    try {
      const old = join(dir, "stack.yml");
      writeFileSync(old, text.replaceAll("node24-ts", "node22-ts"));
      expect(() => readStack(old, {})).toThrow(/function generador has lang: node22-ts, a template now named node24-ts.*write lang: node24-ts/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(names)("%s has the settings a Pi operator needs", (name) => {
    const fn = stack.functions[name]!;
    expect(fn.readonly_root_filesystem).toBe(true);
    expect(fn.limits?.memory).toMatch(/^\d+Mi$/);
    expect(fn.requests?.memory).toMatch(/^\d+Mi$/);
    expect(Number(fn.labels?.["com.openfaas.scale.min"])).toBeGreaterThanOrEqual(1);
    expect(Number(fn.labels?.["com.openfaas.scale.max"])).toBeLessThanOrEqual(5);
    for (const timeout of ["read_timeout", "write_timeout", "exec_timeout"]) {
      expect(fn.environment?.[timeout], timeout).toMatch(/^\d+s$/);
    }
    expect(fn.environment?.["MAX_BODY_SIZE"]).toMatch(/^\d+(kb|mb)$/);
    // The watchdog's request log carries the call id the function's error lines carry.
    expect(fn.environment?.["log_callid"]).toBe("true");
  });
});

describe("the repository", () => {
  test("template/, stack.yml and the handler folders are tracked, not ignored (faas-cli would ignore template/)", () => {
    for (const path of ["template/node24-ts/Dockerfile", "template/node24-ts/template.yml", "stack.yml", "generador/handler.ts", "validador/handler.ts", "ocr/index.ts"]) {
      expect(() => execFileSync("git", ["check-ignore", "-q", path]), path).toThrow();
    }
    expect(execFileSync("git", ["ls-files", "template/node24-ts"], { encoding: "utf8" })).toMatch(/template\/node24-ts\/Dockerfile/);
  });

  test("the repository's dependency versions are the ones the images install", () => {
    const root = { ...readJson("package.json")["dependencies"], ...readJson("package.json")["devDependencies"] };
    for (const file of ["template/node24-ts/package.json", "generador/package.json", "validador/package.json"]) {
      const pkg = readJson(file);
      for (const [dependency, version] of Object.entries({ ...pkg["dependencies"], ...pkg["devDependencies"] })) {
        if (version.startsWith("file:")) continue;
        expect(root[dependency], `${file}: ${dependency}`).toBe(version);
      }
    }
  });
});
