/** Removes the records tests/global-setup.ts made. */
import { rmSync } from "node:fs";
import { recordCacheVariable } from "../offline/record-cache";

export default function globalTeardown(): void {
  const dir = process.env[recordCacheVariable];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
