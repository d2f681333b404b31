// The documentation as the doc tests read it: README.md and docs/*.md, their fenced blocks,
// headings (as GitHub's anchors) and links. Plain Markdown conventions only: ``` fences, ATX
// headings, [text](target) links.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The documentation pages, as paths relative to the repository: README.md first. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs];
}

export const readPage = (page: string): string => readFileSync(join(ROOT, page), "utf8");

export interface Block {
  /** The fence's info string: "sh", "console", "ts", "" ... */
  readonly lang: string;
  /** The lines between the fences. */
  readonly lines: readonly string[];
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** The fenced code blocks of a page, in order. */
export function fencedBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    // A fence may be indented, inside a list item: its lines lose that indentation.
    const open = /^( *)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((line, j) => j > i && /^ *```\s*$/.test(line));
    if (end < 0) throw new Error(`line ${i + 1}: a code block that is never closed`);
    const indent = open[1]!.length;
    blocks.push({ lang: open[2]!, lines: lines.slice(i + 1, end).map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))), line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The page's prose: fenced blocks blanked out (line numbers kept). */
export function prose(text: string): string {
  return text.replace(/^ *```[\s\S]*?^ *```\s*$/gm, (block) => block.replace(/[^\n]/g, ""));
}

/**
 * GitHub's anchor for a heading (as github-slugger makes it): the rendered text lower-cased,
 * punctuation dropped but for - and _, spaces made -.
 */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*]/g, "")
    .trim()
    .toLowerCase();
  return rendered.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The anchors a page's headings make, a repeated one numbered -1, -2 as GitHub numbers them. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(text).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

export interface Link {
  readonly target: string;
  /** 1-based line of the link. */
  readonly line: number;
}

/** The [text](target) links and ![images](target) of a page's prose, outside inline code. */
export function links(text: string): Link[] {
  const result: Link[] = [];
  prose(text)
    .split("\n")
    .forEach((line, i) => {
      for (const match of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) result.push({ target: match[1]!, line: i + 1 });
    });
  return result;
}

/** Commands the pages show inline (`...` in their prose; a line break in one is a space) that start with `prefix`. */
export function inlineCommands(prefix: string): string[] {
  return docPages().flatMap((page) =>
    [...prose(readPage(page)).matchAll(/`([^`]+)`/g)].map((match) => match[1]!.replaceAll("\n", " ")).filter((code) => code.startsWith(prefix)),
  );
}
