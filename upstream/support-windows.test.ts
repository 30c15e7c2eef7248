import { kubernetesRange, parseSupportTable, supportProblems, tableDate } from "./support-windows";

// Rows as upstream's docs/introduction/stability-support.md writes them.
const table = `
| ESO Version | Kubernetes Version | Release Date | End of Life    |
|-------------|--------------------|--------------|----------------|
| 2.9         | 1.36               | Aug 07, 2026 | Release of 2.9 |
| 2.8         | 1.35-1.36          | Jul 18, 2026 | Aug 07, 2026   |
| 1.3         | 1.34               | Jan 23, 2026 | Feb 06, 2026   |
| 0.13.x      | 1.19 → 1.31        | Jan 21, 2025 | Feb 4, 2025    |

## Upgrading
`;

describe("upstream support windows (external-secrets)", () => {
  it("reads the table: lines, Kubernetes ranges, dates; the current line has no end of life", () => {
    expect(parseSupportTable(table)).toEqual([
      { line: "2.9", kubernetes: ["1.36"], released: "2026-08-07" },
      { line: "2.8", kubernetes: ["1.35", "1.36"], released: "2026-07-18", endOfLife: "2026-08-07" },
      { line: "1.3", kubernetes: ["1.34"], released: "2026-01-23", endOfLife: "2026-02-06" },
      { line: "0.13", kubernetes: kubernetesRange("1.19-1.31"), released: "2025-01-21", endOfLife: "2025-02-04" },
    ]);
    expect(kubernetesRange("1.19 → 1.31")).toHaveLength(13);
    expect([tableDate("July 18, 2026"), tableDate("Release of 2.9")]).toEqual(["2026-07-18", undefined]);
  });

  it("names an end-of-life line and a Kubernetes minor its tests do not run", () => {
    const windows = { source: "test", lines: parseSupportTable(table) };
    expect(supportProblems(windows, "v1.3.2", "1.35", "2026-12-05")).toEqual([
      "line 1.3 reached upstream end of life on 2026-02-06 (supported: 2.9)",
      "upstream tests line 1.3 on Kubernetes 1.34, not 1.35; no line tested on 1.35 is still supported (the newest, 2.8, reached end of life on 2026-08-07)",
    ]);
    expect(supportProblems(windows, "v2.9.0", "1.36", "2026-12-05")).toEqual([]);
    expect(supportProblems(windows, "v2.9.0", "1.35", "2026-12-05")).toEqual([
      "upstream tests line 2.9 on Kubernetes 1.36, not 1.35; no line tested on 1.35 is still supported (the newest, 2.8, reached end of life on 2026-08-07)",
    ]);
    expect(supportProblems(windows, "v2.9.0", "1.35", "2026-08-01")).toEqual([
      "upstream tests line 2.9 on Kubernetes 1.36, not 1.35 (lines tested on 1.35 and still supported: 2.8)",
    ]);
  });
});
