/**
 * The record service. Under jest, loading the Pulumi SDKs and the program into a test file's own module registry
 * costs about 2 s of CPU a file, against 0.1–0.7 s for running the program once loaded. So the processes that make
 * the cached records in jest's global setup (tests/record-service.ts) stay up afterwards and run the program for
 * the tests that ask for another run whose options are plain data (another config, a secret, a deployed state, a
 * given host record): `runStack` sends such a request here instead of loading the program itself. A run with a
 * program of its own or a function among its options still runs in the test's process, and so does any run that
 * fails, so a test sees its own error classes. Without the environment variable (outside jest) nothing changes.
 * Loads no Pulumi SDK.
 */
import { createConnection, createServer, type Server } from "node:net";
import { deserializeRun, serializeRun } from "./record-cache";
import type { StackRun } from "./record";
import type { RunOptions } from "./run";

/** The environment variable listing the services (JSON: {@link Service}[]), set by jest's global setup. */
export const recordServiceVariable = "QUALISYS_RECORD_SERVICES";

/** A service: the Unix socket it listens on, and the stacks whose cached records its process made. */
export interface Service {
  socket: string;
  recorded: string[];
}

/** The options of a run that are plain data, which a service can run. */
export type ServedOptions = Pick<RunOptions, "config" | "secrets" | "deployed" | "hostRun" | "cached">;

export interface RunRequest {
  stack: string;
  options: ServedOptions;
}

/** The services jest's global setup started, if any. */
export function services(): Service[] {
  const listed = process.env[recordServiceVariable];
  return listed ? (JSON.parse(listed) as Service[]) : [];
}

/**
 * The service a request goes to: a fresh run of a stack (`cached: false`) to one that did not record it, so it is a
 * second run in another process; otherwise spread over the services by jest worker.
 */
export function serviceFor(request: RunRequest, all: Service[], worker = Number(process.env.JEST_WORKER_ID ?? 1)) {
  const others = all.filter((s) => !s.recorded.includes(request.stack));
  const candidates = request.options.cached === false && others.length ? others : all;
  return candidates[(Math.max(worker, 1) - 1) % candidates.length];
}

/** Listens on `socket`; runs one request at a time (the Pulumi runtime is one per process) with `run`. */
export function serveRuns(socket: string, run: (request: RunRequest) => Promise<StackRun>): Promise<Server> {
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer({ allowHalfOpen: true }, (connection) => {
    let text = "";
    connection.setEncoding("utf8");
    connection.on("data", (chunk: string) => (text += chunk));
    connection.on("end", () => {
      queue = queue.then(async () => {
        // The answer: "R" and the record, or "E" and what the service threw (runStack reports the program's own
        // errors in the record, so anything thrown is the service's failure).
        let answer: string;
        try {
          answer = `R${serializeRun(await run(JSON.parse(text) as RunRequest))}`;
        } catch (error) {
          answer = `E${error instanceof Error ? error.stack : String(error)}`;
        }
        connection.end(answer);
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socket, () => resolve(server));
  });
}

/** The record of `request` as a service ran it; undefined when no service runs here (outside jest's run). */
export async function requestRun(request: RunRequest): Promise<StackRun | undefined> {
  const all = services();
  if (!all.length) return undefined;
  const { socket } = serviceFor(request, all);
  const answer = await new Promise<string>((resolve, reject) => {
    let text = "";
    const connection = createConnection(socket, () => connection.end(JSON.stringify(request)));
    connection.setEncoding("utf8");
    connection.on("data", (chunk: string) => (text += chunk));
    connection.once("end", () => resolve(text));
    connection.once("error", (error) =>
      reject(new Error(`the record service at ${socket} (started by jest's global setup) failed: ${error.message}`)),
    );
  });
  if (!answer.startsWith("R")) {
    throw new Error(`the record service at ${socket} failed on ${request.stack}: ${answer.slice(1) || "no answer"}`);
  }
  return deserializeRun(answer.slice(1));
}
