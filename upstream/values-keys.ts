/**
 * Values keys of a Helm release against the chart version's own (./catalogue.ts facts), for the deploy-readiness
 * checks: which key paths the chart does not have, stopping below free-form maps, and the nearest real key to
 * suggest for a typo.
 */
import type { ChartVersionFacts } from "./catalogue";

export const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every key path of `values` that the chart version does not accept, stopping below free-form maps. */
export function unknownValuesKeys(values: unknown, facts: ChartVersionFacts): { unknown: string[]; checked: number } {
  const keys = new Set(facts.valuesKeys);
  const freeForm = new Set(facts.freeForm);
  const unknown: string[] = [];
  let checked = 0;
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      checked++;
      if (!keys.has(path)) {
        unknown.push(path);
        continue;
      }
      if (!freeForm.has(path)) walk(value, path);
    }
  };
  walk(values, "");
  return { unknown, checked };
}

/** The sibling key nearest to a misspelt one, when one is close enough to suggest. */
export function closest(path: string, candidates: string[]): string | undefined {
  const parent = path.split(".").slice(0, -1).join(".");
  const leaf = path.split(".").pop() as string;
  const siblings = candidates.filter((c) => c.split(".").slice(0, -1).join(".") === parent);
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = siblings
    .map((c) => ({ c, d: distance(leaf.toLowerCase(), (c.split(".").pop() as string).toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(leaf.length / 4)) ? best.c : undefined;
}
