// The local router (tools/gateway.ts, what npm start puts in front of the functions) in a
// process of its own, as npm start runs it, so that it does not share an event loop with the
// load generator. Started by bench/http.ts:
//   node .build/bench/router.js '{"validador": 40001, "baseline": 40002}'
// and prints "router listening on <port>" once it can be called.
import type { AddressInfo } from "node:net";
import { createGateway, type Upstream } from "../tools/gateway.js";

const ports = JSON.parse(process.argv[2] ?? "{}") as Record<string, number>;
const gateway = createGateway(new Map(Object.entries(ports).map(([name, port]): [string, Upstream] => [name, { port, alive: () => true }])));
gateway.listen(0, "127.0.0.1", () => {
  console.log(`router listening on ${(gateway.address() as AddressInfo).port}`);
});
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
