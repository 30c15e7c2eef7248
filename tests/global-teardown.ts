/**
 * Stops the record service and removes the records tests/global-setup.ts made, and fails the run if a test left files
 * in the temp folder.
 */
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { recordCacheVariable } from "../offline/record-cache";
import { servicesKey } from "./global-setup";
import { closeRunTempFolder } from "./temp-folder";

export default async function globalTeardown(): Promise<void> {
  const children = ((globalThis as Record<symbol, unknown>)[servicesKey] ?? []) as ChildProcess[];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          // Closing its stdin is how the service is told to stop (tests/record-service.ts).
          child.stdin?.end();
        }),
    ),
  );
  const dir = process.env[recordCacheVariable];
  if (dir) rmSync(dir, { recursive: true, force: true });
  const left = closeRunTempFolder();
  if (left.length > 0)
    throw new Error(
      `Tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temporary folder (now removed): ${left.join(", ")}. ` +
        "Every test removes what it creates: find the test by the name's prefix (mkdtempSync(join(tmpdir(), prefix))).",
    );
}
