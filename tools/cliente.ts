// npm run cliente: the packet client. Fetches a paquete from generador, sends it to validador,
// writes the findings to paraeljefe-<Id>.txt and prints how many entries got each status.
import { writeFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const USAGE = `usage: npm run cliente -- [options]

Fetches a paquete from generador, validates it with validador, and writes the findings to
paraeljefe-<Id>.txt.

  --gateway URL   the OpenFaaS gateway (default: OPENFAAS_URL, else http://127.0.0.1:8080, npm start's)
  --count N       entries in the paquete, 1..100000 (default: generador's choice, 1..500)
  --correct       repair entries one stroke away from a valid number (validador ?correct=1)
  --out DIR       where to write the findings file (default: the folder npm was run from)
  --help          this text
`;

function readOptions() {
  try {
    return parseArgs({
      options: {
        gateway: { type: "string" },
        count: { type: "string" },
        correct: { type: "boolean", default: false },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    // parseArgs names the option it did not know; the usage says which ones there are.
    process.stderr.write(`cliente: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = readOptions();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const gateway = (values.gateway ?? process.env["OPENFAAS_URL"] ?? "http://127.0.0.1:8080").replace(/\/+$/, "");

async function call(name: string, init: RequestInit, query: string): Promise<Response> {
  const url = `${gateway}/function/${name}${query}`;
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (error) {
    const reason = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot reach the gateway at ${gateway} (${reason?.code ?? reason?.message ?? String(error)}). ` +
        "Is `npm start` running, or do --gateway / OPENFAAS_URL point at your OpenFaaS gateway?",
      { cause: error },
    );
  }
  if (!res.ok) {
    const body = (await res.text()).trim();
    let message = body;
    try {
      message = (JSON.parse(body) as { error?: string }).error ?? body;
    } catch {
      // not JSON: the text is the message
    }
    throw new Error(`${name} answered ${res.status}: ${message || res.statusText}`);
  }
  return res;
}

try {
  const generated = await call("generador", {}, `?compact=1${values.count ? `&count=${encodeURIComponent(values.count)}` : ""}`);
  const packet = await generated.text();
  const id = (JSON.parse(packet) as { Id: string }).Id;
  const validated = await call(
    "validador",
    { method: "POST", body: packet, headers: { "Content-Type": "application/json", Accept: "text/plain" } },
    values.correct ? "?correct=1" : "",
  );
  const findings = await validated.text();
  // npm runs scripts in the project's root; INIT_CWD is the folder the user ran npm from.
  const here = process.env["INIT_CWD"] ?? process.cwd();
  const file = resolve(here, values.out ?? ".", `paraeljefe-${id}.txt`);
  writeFileSync(file, findings);

  const counts = new Map<string, number>();
  const lines = findings.split("\n").filter(Boolean);
  for (const line of lines) {
    const status = line.split(" ")[1] ?? "";
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  // Named as the user would type it from where they are: relative there, else absolute.
  const shown = relative(here, file);
  console.log(`paquete ${id}: ${lines.length} entries, findings in ${shown.startsWith("..") || isAbsolute(shown) ? file : shown}`);
  for (const status of ["OK", "ERR", "ILL", "AMB"]) {
    if (counts.has(status)) console.log(`${status.padEnd(3)} ${counts.get(status)}`);
  }
} catch (error) {
  console.error(`cliente: ${(error as Error).message}`);
  process.exit(1);
}
