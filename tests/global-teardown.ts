/** Removes the records tests/global-setup.ts made, and fails the run if a test left files in the temp folder. */
import { rmSync } from "node:fs";
import { recordCacheVariable } from "../offline/record-cache";
import { closeRunTempFolder } from "./temp-folder";

export default function globalTeardown(): void {
  const dir = process.env[recordCacheVariable];
  if (dir) rmSync(dir, { recursive: true, force: true });
  const left = closeRunTempFolder();
  if (left.length > 0)
    throw new Error(
      `Tests left ${left.length} entr${left.length === 1 ? "y" : "ies"} in the temporary folder (now removed): ${left.join(", ")}. ` +
        "Every test removes what it creates: find the test by the name's prefix (mkdtempSync(join(tmpdir(), prefix))).",
    );
}
