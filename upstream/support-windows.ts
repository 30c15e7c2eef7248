/**
 * Upstream support windows of a chart's application (SPEC V4: versions on lines their upstream supports for the
 * cluster's Kubernetes minor). external-secrets publishes one, "Supported Versions" in
 * docs/introduction/stability-support.md: per minor line, the Kubernetes versions its test suite runs and the end of
 * life (only the newest line is supported). `npm run catalog:extract` reads it into the catalogue; the readiness
 * check warns when the pinned line is past its end of life or its tests do not run the cluster's minor.
 */

export interface SupportLine {
  /** The application's minor line (`2.9`, `0.20`). */
  line: string;
  /** Kubernetes minors upstream's test suite runs for this line. */
  kubernetes: string[];
  released?: string;
  /** ISO date; absent while the line is the supported one ("Release of 2.10"). */
  endOfLife?: string;
}

export interface SupportWindows {
  /** Where the table was read (repository, file and commit). */
  source: string;
  lines: SupportLine[];
}

const monthIndex = (name: string) =>
  ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].indexOf(
    name.slice(0, 3).toLowerCase(),
  ) + 1;

/** "Aug 07, 2026", "July 18, 2026", "Nov 7, 2025" → ISO; anything else (e.g. "Release of 2.10") → undefined. */
export function tableDate(text: string): string | undefined {
  const m = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec(text.trim());
  const month = m ? monthIndex(m[1]) : 0;
  return m && month ? `${m[3]}-${String(month).padStart(2, "0")}-${m[2].padStart(2, "0")}` : undefined;
}

/** "1.34-1.35", "1.19 → 1.31", "1.36" → every minor in the range. */
export function kubernetesRange(text: string): string[] {
  const [from, to = from] = text.split(/\s*(?:-|→)\s*/).map((v) => v.trim());
  const minor = (v: string) => Number(v.split(".")[1]);
  const major = from.split(".")[0];
  const list: string[] = [];
  for (let m = minor(from); m <= minor(to); m++) list.push(`${major}.${m}`);
  return list;
}

/** The rows of the "| ESO Version | Kubernetes Version | Release Date | End of Life |" table. */
export function parseSupportTable(markdown: string): SupportLine[] {
  const lines: SupportLine[] = [];
  let inTable = false;
  for (const row of markdown.split("\n")) {
    const cells = row
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0] === "ESO Version" && cells[1] === "Kubernetes Version") {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (cells.length < 4) {
      if (lines.length) break;
      continue;
    }
    if (/^-+$/.test(cells[0])) continue;
    const line = /^(\d+\.\d+)/.exec(cells[0])?.[1];
    if (!line) continue;
    lines.push({
      line,
      kubernetes: kubernetesRange(cells[1]),
      ...(tableDate(cells[2]) ? { released: tableDate(cells[2]) } : {}),
      ...(tableDate(cells[3]) ? { endOfLife: tableDate(cells[3]) } : {}),
    });
  }
  if (!lines.length) throw new Error("no ESO Version | Kubernetes Version table");
  return lines;
}

/** What is wrong with running `appVersion` on Kubernetes `minor` on `today`, per the table; [] when nothing. */
export function supportProblems(windows: SupportWindows, appVersion: string, minor: string, today: string): string[] {
  const line = /^v?(\d+\.\d+)/.exec(appVersion)?.[1];
  const entry = windows.lines.find((l) => l.line === line);
  if (!entry) return [`line ${line} is not in upstream's support table (${windows.source})`];
  const problems: string[] = [];
  if (entry.endOfLife && entry.endOfLife <= today) {
    const current = windows.lines.find((l) => !l.endOfLife);
    problems.push(
      `line ${line} reached upstream end of life on ${entry.endOfLife}${current ? ` (supported: ${current.line})` : ""}`,
    );
  }
  if (!entry.kubernetes.includes(minor)) {
    const tested = windows.lines.filter((l) => l.kubernetes.includes(minor));
    const supported = tested.filter((l) => !l.endOfLife || l.endOfLife > today);
    const newest = tested[0];
    const alternative = supported.length
      ? ` (lines tested on ${minor} and still supported: ${[...new Set(supported.map((l) => l.line))].join(", ")})`
      : newest
        ? `; no line tested on ${minor} is still supported (the newest, ${newest.line}, reached end of life on ${newest.endOfLife})`
        : "";
    problems.push(
      `upstream tests line ${line} on Kubernetes ${entry.kubernetes.join(", ")}, not ${minor}${alternative}`,
    );
  }
  return problems;
}
