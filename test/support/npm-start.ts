// `npm start` as a newcomer runs it, for the tests that talk to it: a real process group, a real port.
import { spawn } from "node:child_process";

export interface Started {
  readonly url: string;
  readonly output: () => string;
  /** Signals the whole process group, as Ctrl-C in a terminal does; resolves once npm is gone. */
  readonly stop: (signal: NodeJS.Signals) => Promise<void>;
}

/** Runs `npm start` in its own process group; resolves once the gateway listens. */
export function npmStart(port: number): Promise<Started> {
  const child = spawn("npm", ["start", "--silent"], { env: { ...process.env, PORT: String(port) }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals) => {
    process.kill(-child.pid!, signal);
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      const url = /gateway: (http:\/\/\S+)/.exec(output)?.[1];
      if (url && output.includes("Ctrl-C stops everything.")) resolve({ url, output: () => output, stop });
    });
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
}
