// Each function's build context is laid out as `faas-cli build --shrinkwrap` lays it out, and
// the shared domain module reaches both through configuration.copy, from one source.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

test.each(["generador", "validador"])("build/%s: template at the root, handler in function/, ocr/ in function/ocr", (name) => {
  const context = `build/${name}`;
  const same = (built: string, source: string) => expect(readFileSync(`${context}/${built}`, "utf8"), built).toBe(readFileSync(source, "utf8"));
  for (const file of ["Dockerfile", "template.yml", "package.json", "package-lock.json", "tsconfig.json", "src/index.ts", "api/index.js"]) {
    same(file, `template/node24-ts/${file}`);
  }
  for (const file of ["handler.ts", "handler.test.ts", "package.json", "package-lock.json"]) same(`function/${file}`, `${name}/${file}`);
  for (const file of ["index.ts", "kata/digits.ts", "fast/keys.ts", "fast/entry.ts", "fast/correct.ts"]) same(`function/ocr/${file}`, `ocr/${file}`);
});
