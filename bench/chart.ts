// The ratios as an SVG chart, written by hand (no chart library): one bar per ratio on a log
// scale, drawn from 1× (as fast, as big as the reference) towards the ratio, green where it
// meets its target, red where it misses, grey where there is none; a black tick marks the
// target, a whisker the lowest and highest of the rounds. docs/benchmarks.md shows it.
import { formatRatio, formatTarget, type Family, type Ratio, type Results } from "./results.js";

const FAMILY_TITLES: Readonly<Record<Family, string>> = {
  decode: "Decode core (in process): higher is faster",
  generate: "Generation core (in process): higher is faster",
  http: "HTTP through the template's server: throughput higher is better, latency lower",
  peer: "node24-ts against the official node22 template (same handler): req/s higher is better, p99 and CPU lower",
  memory: "Memory (RSS): lower is leaner",
  coldstart: "Cold start: lower is quicker",
};

const COLORS = { met: "#2e7d32", missed: "#c62828", none: "#90a4ae", target: "#000000", whisker: "#444444", grid: "#dddddd", text: "#222222" };

const LABEL_WIDTH = 400;
const PLOT_WIDTH = 380;
const VALUE_WIDTH = 150;
const ROW = 20;
const TOP = 80;

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The smallest ratio drawn: a glue (bench/http.ts) is a difference, which noise can bring to 0
 * or below, where a log scale has no place; it is drawn here, and its value written beside it.
 */
const SMALLEST = 1 / 64;
const drawn = (value: number) => Math.max(SMALLEST, value);

/** Powers of two around every ratio, round and target, and never narrower than 1/4..4. */
function domain(ratios: readonly Ratio[]): [number, number] {
  const values = ratios.flatMap((r) => [r.ratio, ...(r.rounds ?? []), ...(r.target ? [r.target.value] : [])]).map(drawn);
  const low = Math.min(-2, Math.floor(Math.log2(Math.min(...values))));
  const high = Math.max(2, Math.ceil(Math.log2(Math.max(...values))));
  return [low, high];
}

export function chart(results: Results): string {
  const ratios = results.ratios;
  const [low, high] = domain(ratios);
  const x = (value: number) => LABEL_WIDTH + ((Math.log2(drawn(value)) - low) / (high - low)) * PLOT_WIDTH;
  const width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH;
  const parts: string[] = [];
  let y = TOP;
  let family: Family | undefined;
  for (const r of ratios) {
    if (r.family !== family) {
      family = r.family;
      y += 8;
      parts.push(`<text x="8" y="${y + 14}" font-weight="bold">${escape(FAMILY_TITLES[family])}</text>`);
      y += ROW;
    }
    const color = r.met === undefined ? COLORS.none : r.met ? COLORS.met : COLORS.missed;
    const from = Math.min(x(1), x(r.ratio));
    const barWidth = Math.max(1, Math.abs(x(r.ratio) - x(1)));
    parts.push(`<text x="16" y="${y + 14}">${escape(r.title)}</text>`);
    parts.push(`<rect x="${from.toFixed(1)}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="${ROW - 8}" fill="${color}"/>`);
    if (r.rounds && r.rounds.length > 1) {
      // The spread of the per-round ratios: how much the noise moved this one.
      const [lo, hi] = [x(Math.min(...r.rounds)).toFixed(1), x(Math.max(...r.rounds)).toFixed(1)];
      const mid = y + ROW / 2;
      parts.push(`<path d="M${lo} ${mid - 3}v6M${lo} ${mid}H${hi}M${hi} ${mid - 3}v6" stroke="${COLORS.whisker}" fill="none"/>`);
    }
    if (r.target) {
      const tx = x(r.target.value).toFixed(1);
      parts.push(`<line x1="${tx}" x2="${tx}" y1="${y + 1}" y2="${y + ROW - 1}" stroke="${COLORS.target}" stroke-width="2"/>`);
    }
    const note = r.target ? `  (${formatTarget(r.target)})` : "";
    parts.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH + 8}" y="${y + 14}">${escape(formatRatio(r.ratio) + note)}</text>`);
    y += ROW;
  }
  const bottom = y + 8;

  const grid: string[] = [];
  for (let power = low; power <= high; power++) {
    const value = 2 ** power;
    const gx = x(value).toFixed(1);
    const label = value >= 1 ? `${value}×` : `1/${1 / value}×`;
    grid.push(`<line x1="${gx}" x2="${gx}" y1="${TOP - 4}" y2="${bottom}" stroke="${power === 0 ? "#888888" : COLORS.grid}"/>`);
    grid.push(`<text x="${gx}" y="${TOP - 8}" text-anchor="middle" fill="#666666">${escape(label)}</text>`);
  }
  const m = results.machine;
  const subtitle = `${results.date.slice(0, 10)}, ${results.mode} run, Node ${results.node}, ${m.cores} × ${m.cpu}, load average ${m.loadAverage[0]} at the start.`;
  const legend = "Bars run from 1× (as fast, as big as the reference) to the median ratio; whiskers: lowest and highest round; black tick: target.";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${bottom + 12}" viewBox="0 0 ${width} ${bottom + 12}" font-family="sans-serif" font-size="12" fill="${COLORS.text}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="8" y="20" font-size="15" font-weight="bold">Lector OCR benchmark: each figure as a ratio to its reference in the same run (log scale)</text>`,
    `<text x="8" y="38" fill="#555555">${escape(subtitle)}</text>`,
    `<text x="8" y="54" fill="#555555">${escape(legend)}</text>`,
    ...grid,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
