import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StackRun } from "./record";
import {
  recordServiceVariable,
  requestRun,
  serveRuns,
  serviceFor,
  type RunRequest,
  type Service,
} from "./record-service";

const services: Service[] = [
  { socket: "/a.sock", recorded: ["dev", "staging"] },
  { socket: "/b.sock", recorded: ["prod", "organization"] },
];

describe("serviceFor", () => {
  it("sends a fresh run of a stack to a service that did not record it, whatever the worker", () => {
    for (const worker of [1, 2, 3]) {
      expect(serviceFor({ stack: "prod", options: { cached: false } }, services, worker).socket).toBe("/a.sock");
      expect(serviceFor({ stack: "dev", options: { cached: false } }, services, worker).socket).toBe("/b.sock");
    }
  });

  it("spreads other runs over the services by jest worker", () => {
    const request: RunRequest = { stack: "dev", options: { config: {} } };
    expect([1, 2, 3, 4].map((worker) => serviceFor(request, services, worker).socket)).toEqual([
      "/a.sock",
      "/b.sock",
      "/a.sock",
      "/b.sock",
    ]);
  });
});

describe("a service and its client", () => {
  const saved = process.env[recordServiceVariable];
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "qualisys-record-service-"));
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[recordServiceVariable];
    else process.env[recordServiceVariable] = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const use = (socket: string) =>
    (process.env[recordServiceVariable] = JSON.stringify([{ socket, recorded: [] }] satisfies Service[]));

  it("answers nothing when no service runs (outside jest's run)", async () => {
    delete process.env[recordServiceVariable];
    expect(await requestRun({ stack: "dev", options: {} })).toBeUndefined();
  });

  it("round-trips the request and the record, the error by its message, one run at a time", async () => {
    const socket = join(dir, "s.sock");
    let running = 0;
    let most = 0;
    const seen: RunRequest[] = [];
    const server = await serveRuns(socket, async (request) => {
      seen.push(request);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running--;
      const run: StackRun = { stack: request.stack, resources: [], outputs: { a: 1 }, secretOutputs: ["b"] };
      return request.options.secrets ? { ...run, error: new Error("bad secret") } : run;
    });
    try {
      use(socket);
      const [plain, failed] = await Promise.all([
        requestRun({ stack: "dev", options: { config: { "qualisys:x": [1, "y"] } } }),
        requestRun({ stack: "prod", options: { secrets: { "qualisys:s": "v" } } }),
      ]);
      expect(seen.map((r) => r.stack).sort()).toEqual(["dev", "prod"]);
      expect(seen.find((r) => r.stack === "dev")!.options).toEqual({ config: { "qualisys:x": [1, "y"] } });
      expect(most).toBe(1);
      expect(plain).toEqual({ stack: "dev", resources: [], outputs: { a: 1 }, secretOutputs: ["b"] });
      expect(failed!.error).toBeInstanceOf(Error);
      expect(failed!.error!.message).toBe("bad secret");
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reports what the service threw, and a service that is gone, naming the socket", async () => {
    const socket = join(dir, "s.sock");
    const server = await serveRuns(socket, () => Promise.reject(new Error("boom")));
    try {
      use(socket);
      await expect(requestRun({ stack: "dev", options: {} })).rejects.toThrow(
        new RegExp(`record service at ${socket} failed on dev: Error: boom`),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(requestRun({ stack: "dev", options: {} })).rejects.toThrow(`the record service at ${socket}`);
  });
});
