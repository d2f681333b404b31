// The /system API, in the shapes faas-cli reads (list.go, describe.go, namespaces.go,
// version.go; faas-provider's FunctionStatus). Read-only: npm start runs what stack.yml lists.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isReady, NAMESPACE, type Entry } from "./functions.js";
import { json, quote, text } from "./replies.js";

/** faas-provider's FunctionStatus (types/model.go): the fields faas-cli list and describe read. */
export interface FunctionStatus {
  readonly name: string;
  readonly image: string;
  readonly namespace: string;
  readonly envProcess: string;
  readonly envVars: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly limits?: { readonly memory: string };
  readonly requests?: { readonly memory: string };
  readonly readOnlyRootFilesystem: boolean;
  readonly invocationCount: number;
  readonly replicas: number;
  readonly availableReplicas: number;
  readonly createdAt?: string;
}

/**
 * /system/info in the gateway's shape (faas's GatewayInfo), which `faas-cli version` reads (it
 * needs both version objects). This gateway has no release of its own: empty versions.
 */
export const SYSTEM_INFO = {
  provider: { provider: "npm start (tools/gateway.ts)", orchestration: "local", version: { release: "", sha: "" } },
  version: { release: "", sha: "" },
  arch: ({ x64: "amd64", arm64: "arm64", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch,
} as const;

const ROUTE = /^\/system\/(functions|function\/([^/]+)|namespaces|info)$/;

/**
 * Answers a /system route and returns true, or returns false when the path is none of them.
 * The request's body, if any, is the caller's to drain.
 */
export function answerSystem(req: IncomingMessage, res: ServerResponse, url: URL, entries: ReadonlyMap<string, Entry>): boolean {
  const route = ROUTE.exec(url.pathname);
  if (!route) return false;
  if (req.method !== "GET") {
    res.setHeader("Allow", "GET");
    text(res, 405, `${req.method} ${url.pathname}: this gateway only serves the functions npm start runs from stack.yml; it cannot deploy, scale or remove them`);
  } else if (route[1] === "namespaces") {
    json(res, [NAMESPACE]);
  } else if (route[1] === "info") {
    json(res, SYSTEM_INFO);
  } else {
    const namespace = url.searchParams.get("namespace") || NAMESPACE;
    if (namespace !== NAMESPACE) {
      text(res, 404, `namespace not found: ${quote(namespace)} (this gateway has ${NAMESPACE} only)`);
    } else if (route[1] === "functions") {
      json(res, [...entries.values()].map(status));
    } else {
      const fn = entries.get(route[2]!);
      if (fn) json(res, status(fn));
      else text(res, 404, `function not found: ${quote(route[2]!)} (this gateway has ${[...entries.keys()].join(", ")})`);
    }
  }
  return true;
}

function status(fn: Entry): FunctionStatus {
  const { stack, startedAt } = fn.upstream;
  return {
    name: fn.name,
    image: stack?.image ?? "",
    namespace: NAMESPACE,
    envProcess: fn.upstream.envProcess ?? "",
    envVars: strings(stack?.environment),
    // Left out when empty, as Go's omitempty does: faas-cli describe prints a heading for each.
    ...(stack?.labels ? { labels: strings(stack.labels) } : {}),
    ...(stack?.annotations ? { annotations: strings(stack.annotations) } : {}),
    ...(stack?.limits?.memory ? { limits: { memory: stack.limits.memory } } : {}),
    ...(stack?.requests?.memory ? { requests: { memory: stack.requests.memory } } : {}),
    readOnlyRootFilesystem: stack?.readonly_root_filesystem === true,
    invocationCount: fn.invocations,
    replicas: 1,
    availableReplicas: isReady(fn) ? 1 : 0,
    ...(startedAt ? { createdAt: startedAt.toISOString() } : {}),
  };
}

function strings(values: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([key, value]) => [key, String(value)]));
}
