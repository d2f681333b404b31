// fast-check arbitraries for malformed requests to both functions: what a broken client, a
// hand-edited file or an attacker might send. Each builds a Call for support.ts's send().
import fc from "fast-check";
import { render } from "../../ocr/testing.js";
import type { Call } from "../support/http.js";

const WIDTH = 27;

// ---- query strings -------------------------------------------------------------------------

/** A run of digits from 1 to 8000 long: huge numbers, and long values in general. */
const hugeDigits = fc.integer({ min: 1, max: 8000 }).map((n) => "9".repeat(n));

/** Raw query text that is already "encoded", some of it badly. */
const rawJunk = fc.constantFrom("%", "%zz", "%FF", "%00", "%C0%AF", "%E2%82", "%0D%0ASet-Cookie:%20a=b", "+", "%2B", "&&", "==");

const FLAG_VALUES = ["", "1", "0", "true", "false", "yes", "no", "TRUE", "2", "-1", "on", "null", "<script>alert(1)</script>"];
const NUMBER_VALUES = ["-1", "-0", "+1", "1e3", "0x10", "1.0", " 1", "1 ", "\uff11", "NaN", "Infinity", "99999999999", "100001", "00000000001", "4294967296", ""];
const RATE_VALUES = ["1.0000000000000001", "1.", "5.", ".5", ".", "-0.1", "1e-1", "NaN", "Infinity", "0x1", "+0.1", " 0.1", "0,5", "1/2"];

/** A query value: encoded text, or raw junk. */
function value(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: text.map(encodeURIComponent) }, { weight: 1, arbitrary: rawJunk });
}

const anyText = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }), hugeDigits, hugeDigits.map((d) => `${d}x`));
const flagValue = value(fc.oneof({ weight: 3, arbitrary: fc.constantFrom("", "1", "0", "true", "no") }, fc.constantFrom(...FLAG_VALUES), anyText));
const numberValue = (valid: fc.Arbitrary<number>) => value(fc.oneof({ weight: 2, arbitrary: valid.map(String) }, fc.constantFrom(...NUMBER_VALUES), anyText));
const rateValue = value(
  fc.oneof(
    { weight: 2, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map(String) },
    fc.constantFrom(...RATE_VALUES),
    hugeDigits.map((d) => `${d}.${d}x`),
    anyText,
  ),
);

/** Names a handler does not take, some of them meaningful to JavaScript objects. */
const JUNK_NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "a[b]", "count[]", "Count", "", "<b>", "x".repeat(300)];

/** A query string of up to 5 parameters (names may repeat), some with no "=". */
function query(params: Readonly<Record<string, fc.Arbitrary<string>>>): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...Object.keys(params)) }, fc.constantFrom(...JUNK_NAMES));
  const pair = name.chain((n) =>
    fc.tuple((Object.hasOwn(params, n) ? params[n] : undefined) ?? value(anyText), fc.boolean()).map(([v, bare]) => (bare && v === "" ? encodeURIComponent(n) : `${encodeURIComponent(n)}=${v}`)),
  );
  const pairs = fc.array(pair, { minLength: 1, maxLength: 5 }).map((list) => `?${list.join("&")}`);
  return fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 2, arbitrary: pairs });
}

// ---- bodies --------------------------------------------------------------------------------

const number9 = fc.stringMatching(/^\d{9}$/);
const goodArt = number9.map((n) => render(n) as readonly string[]);
const ART_CHARS = [" ", " ", " ", "|", "_", "x", "\t", "\u00e9", "\u00a0", "\ufeff", "\u0000", "{", "[", '"', "\\", "<", "\u{1f600}"];
/** Lines of every length, of art characters and others. */
const junkLine = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ART_CHARS), maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.nat({ max: 300 }).map((n) => "|".repeat(n)),
);
/** A good entry with one character changed. */
const spoiledArt = fc
  .tuple(goodArt, fc.nat({ max: 2 }), fc.nat({ max: WIDTH + 3 }), fc.constantFrom(...ART_CHARS))
  .map(([art, line, column, char]) => art.map((text, i) => (i === line ? text.slice(0, column) + char + text.slice(column + 1) : text)));
const entry = fc.oneof(goodArt, spoiledArt, fc.tuple(junkLine, junkLine, junkLine));

/** The scanner's text form, with every kind of line end (CR only too) and odd blank lines. */
const textPacket = fc
  .record({
    entries: fc.array(entry, { maxLength: 12 }),
    ends: fc.array(fc.constantFrom("\n", "\r\n", "\r"), { minLength: 1, maxLength: 3 }),
    blank: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(" ".repeat(WIDTH), "", "   ", "\t\u00a0") }, fc.constantFrom("x", "|")),
    bom: fc.boolean(),
    trailing: fc.constantFrom("", "\n", "\r\n\r\n   \n"),
  })
  .map(({ entries, ends, blank, bom, trailing }) => {
    const lines = entries.flatMap((art) => [...art, blank]);
    const text = lines.map((line, i) => line + ends[i % ends.length]).join("");
    return (bom ? "\ufeff" : "") + text + trailing;
  });

/** Raw JSON texts that are the wrong thing in any place of a packet. */
const NASTY_JSON = [
  "null", "true", "0", "-0", "1e999", "-1e999", "123456789012345678901234567890", "1.5", '""', "[]", "{}", "[[]]",
  '["a","b"]', "[1,2,3]", '["","",""]', '{"length":3}', '{"0":"a","1":"b","2":"c","length":3}',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '"\\ud800"', '"\\u0000"',
  '"a\\r\\nSet-Cookie: x=y"', JSON.stringify("x".repeat(5000)), JSON.stringify("|".repeat(WIDTH + 1)),
];
const nastyJson = fc.oneof(
  fc.constantFrom(...NASTY_JSON),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.nat({ max: 5000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
);

type Path = readonly (string | number)[];

/** Every place in a packet: the root, its keys, each entry and each line. */
function pathsOf(entries: number): Path[] {
  const paths: Path[] = [[], ["Id"], ["Contenido"], ["__proto__"], ["constructor"], ["prototype"]];
  for (let i = 0; i < entries; i++) {
    paths.push(["Contenido", i]);
    for (let j = 0; j < 3; j++) paths.push(["Contenido", i, j]);
  }
  return paths;
}

/** A copy of `value` with `path` set; keys are own properties, even "__proto__". */
function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  const inner = Object.hasOwn(copy, key!) ? copy[key!] : {};
  Object.defineProperty(copy, key!, { value: setAt(inner, rest, replacement), enumerable: true, writable: true, configurable: true });
  return copy;
}

const PLACEHOLDER = "\u0000nasty\u0000";
const packetObject = fc.record({ Id: fc.option(fc.stringMatching(/^[0-9A-Za-z]{27}$/), { nil: undefined }), Contenido: fc.array(entry, { maxLength: 6 }) });

/** A JSON packet with a wrong value (or type, or key) at one of its places. */
const mutatedJson = packetObject.chain((packet) =>
  fc.tuple(fc.constantFrom(...pathsOf(packet.Contenido.length)), nastyJson).map(([path, nasty]) =>
    JSON.stringify(setAt(packet, path, PLACEHOLDER)).replace(JSON.stringify(PLACEHOLDER), nasty),
  ),
);
/** A JSON packet cut short anywhere. */
const truncatedJson = packetObject.chain((packet) => {
  const text = JSON.stringify(packet, null, 2);
  return fc.nat({ max: text.length }).map((end) => text.slice(0, end));
});
/** Deeply nested JSON, closed or not. */
const deepJson = fc
  .tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom("[", '{"Contenido":'), fc.boolean())
  .map(([depth, open, closed]) => open.repeat(depth) + (closed ? (open === "[" ? "]" : "}").repeat(depth) : ""));

const INVALID_UTF8 = [[0xff], [0xc3], [0xc0, 0xaf], [0xc1, 0xbc], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xff]];
/** Otherwise good text with a byte sequence that is not UTF-8 somewhere in it. */
const invalidUtf8 = fc
  .tuple(fc.oneof(textPacket, mutatedJson), fc.constantFrom(...INVALID_UTF8), fc.nat())
  .map(([text, bad, at]) => {
    const bytes = Buffer.from(text);
    const cut = bytes.length === 0 ? 0 : at % bytes.length;
    return Buffer.concat([bytes.subarray(0, cut), Buffer.from(bad), bytes.subarray(cut)]);
  });

const validadorBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  { weight: 3, arbitrary: textPacket },
  { weight: 3, arbitrary: mutatedJson },
  truncatedJson,
  deepJson,
  { weight: 2, arbitrary: invalidUtf8 },
  fc.constantFrom("", " ", "\n\r\n", "\t\u00a0\ufeff", "{", "[", "null"),
);

// ---- headers -------------------------------------------------------------------------------

const CONTENT_TYPES = [
  "text/plain", "text/plain; charset=utf-8", "application/json", "application/json; charset=utf-8", "application/octet-stream",
  "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/problem+json", "text/html", "image/png",
  "application/json; charset=utf-16", "text/plain; charset=latin1", "text/plain; charset=nope", "application/json; charset=nope",
  ";;;", "text/", "*/*", 'application/json; charset="', "APPLICATION/JSON", "text/plain; charset=utf-8; charset=ascii",
];
const ACCEPTS = ["*/*", "text/plain", "application/json", "text/html", "application/json;q=0, text/plain;q=0", "garbage/;;", "image/*", "text/*;q=0.1"];

interface Shape {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly encoding: string | undefined;
  readonly chunked: boolean;
  readonly body: string | Uint8Array | undefined;
}

function toCall({ method, path, contentType, accept, encoding, chunked, body }: Shape): Call {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) headers["content-type"] = contentType;
  if (accept !== undefined) headers["accept"] = accept;
  if (encoding !== undefined) headers["content-encoding"] = encoding;
  if (chunked && body !== undefined) headers["transfer-encoding"] = "chunked";
  return { method, path, headers, body };
}

/** `arb`, or undefined one time in `freq`. */
const optional = <T>(arb: fc.Arbitrary<T>, freq = 3) => fc.option(arb, { nil: undefined, freq });
const otherMethod = fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");

/** Malformed requests to validador: mostly POSTs of broken packets. */
export const validadorCall: fc.Arbitrary<Call> = fc
  .record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constant("POST") }, otherMethod),
    path: fc.tuple(fc.constantFrom("/", "/x", "//", "/%00"), query({ correct: flagValue, classic: flagValue })).map(([p, q]) => p + q),
    contentType: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(undefined, "text/plain", "application/json", "application/octet-stream") },
      fc.constantFrom(...CONTENT_TYPES),
    ),
    accept: optional(fc.constantFrom(...ACCEPTS)),
    encoding: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, fc.constantFrom("gzip", "deflate", "br", "identity", "x-nope")),
    chunked: fc.boolean(),
    body: validadorBody.map((body): string | Uint8Array | undefined => body),
  })
  .map(toCall);

/** Malformed requests to generador: GETs with broken queries, and what should not be sent at all. */
export const generadorCall: fc.Arbitrary<Call> = fc
  .record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constant("GET") }, otherMethod, fc.constant("POST")),
    path: query({
      // Valid counts stay small: this is about bad input, not about big packets.
      count: numberValue(fc.nat({ max: 30 })),
      seed: numberValue(fc.nat({ max: 2 ** 32 - 1 })),
      err: rateValue,
      ill: rateValue,
      key: flagValue,
      compact: flagValue,
      format: value(fc.oneof({ weight: 3, arbitrary: fc.constantFrom("json", "text") }, fc.constantFrom("JSON", "csv", "", "html"), anyText)),
    }).map((q) => `/${q}`),
    contentType: optional(fc.constantFrom(...CONTENT_TYPES)),
    accept: optional(fc.constantFrom(...ACCEPTS)),
    encoding: fc.constant(undefined),
    chunked: fc.boolean(),
    body: optional(fc.oneof(fc.uint8Array({ maxLength: 1024 }), fc.nat({ max: 40_000 }).map((n) => "x".repeat(n))), 2),
  })
  .map(toCall);
