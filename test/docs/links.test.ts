// Every relative link and #anchor in README.md and docs/*.md resolves: the file is there, and
// the anchor is one of its headings as GitHub names them.
import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, test } from "vitest";
import { anchors, docPages, links, readPage, ROOT, slug } from "../support/docs.js";

describe.each(docPages())("%s", (page) => {
  test("every relative link and anchor resolves", () => {
    const broken: string[] = [];
    for (const { target, line } of links(readPage(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
      const [path = "", anchor] = target.split("#", 2);
      const file = path === "" ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (file.startsWith("..") || !existsSync(join(ROOT, file))) {
        broken.push(`${page}:${line}: ${target}: no file ${file}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!file.endsWith(".md") || statSync(join(ROOT, file)).isDirectory()) {
        broken.push(`${page}:${line}: ${target}: an anchor into a file that is not a page`);
      } else if (!anchors(readPage(file)).has(anchor)) {
        broken.push(`${page}:${line}: ${target}: ${file} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

test("anchors are made as GitHub makes them", () => {
  expect(slug("Refusals: 413, 503, 408")).toBe("refusals-413-503-408");
  expect(slug("Sizing `limits.memory`")).toBe("sizing-limitsmemory");
  expect(slug("init()")).toBe("init");
  expect(slug("What CI proves for real, and the stand-ins")).toBe("what-ci-proves-for-real-and-the-stand-ins");
  expect([...anchors("# A\n\n## B\n\n```sh\n# not a heading\n```\n\n## B\n")]).toEqual(["a", "b", "b-1"]);
});

test("a broken link is found", () => {
  const found = links("See [this](docs/none.md#nowhere) and `[not](a-link.md)`.\n\n```\n[nor](this.md)\n```\n");
  expect(found).toEqual([{ target: "docs/none.md#nowhere", line: 1 }]);
});
