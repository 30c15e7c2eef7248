/**
 * Figures in the docs that cannot drift (SPEC U1). A figure in README.md or docs/*.md is one of:
 * - inside a generated section (./generated: a table or list a test writes from the code or the records);
 * - a claim: a phrase of the doc with the figure in it, registered with the function that computes the figure
 *   (./doc-figures); the test renders the phrase and finds it in the doc (`UPDATE_DOCS=1` rewrites the figures);
 * - a registered exception that is not a figure of this project (a product's name, a label, an example), or a dated
 *   measurement (a timing), each with its reason.
 * Everything else with a digit in it fails the test, listed, so a figure added to the docs without a check is caught.
 * Code (fenced blocks and `inline code`) is not scanned: it shows commands, keys and literal values, not claims.
 */

/** A phrase whose `{}` are figures computed by the code, e.g. "({} resources in the offline record". */
export interface Claim {
  file: string;
  text: string;
  values: (string | number)[];
}

/**
 * Text with digits that is not a figure of this project (a label, a port, a product's name, a fact of the outside
 * world with its source), or a dated measurement: `text` in `file`, or every match of `pattern` in every doc.
 */
export type Exception = { why: string } & (
  | {
      file: string;
      text: string;
      /** Files that hold each number of `text` (the source the doc cites): the test looks for every one there. */
      cites?: string[];
    }
  | { pattern: RegExp }
);

/** The phrases an exception covers in a doc. */
export function excepted(exception: Exception, file: string, text: string): string[] {
  if ("pattern" in exception) return [...text.matchAll(new RegExp(exception.pattern, "g"))].map((m) => m[0]);
  return exception.file === file ? [exception.text] : [];
}

/** The claim's phrase with its figures filled in. */
export function render(claim: Pick<Claim, "text" | "values">): string {
  let i = 0;
  return claim.text.replace(/\{\}/g, () => String(claim.values[i++]));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The claim's phrase with any figures, as it may stand in the doc before `UPDATE_DOCS=1` corrects it. */
export function pattern(claim: Pick<Claim, "text">): RegExp {
  return new RegExp(claim.text.split("{}").map(escape).join("(-?\\d(?:[\\d,.]*\\d)?)"));
}

/** The doc with every claim's phrase corrected to the computed figures (for `UPDATE_DOCS=1`). */
export function corrected(text: string, claims: Claim[]): string {
  return claims.reduce((doc, claim) => doc.replace(pattern(claim), () => render(claim)), text);
}

/** Blanks a span out, keeping line breaks so line numbers stay right. */
const blank = (span: string) => span.replace(/[^\n]/g, " ");

/**
 * The numbers in `text` no check covers: outside code, generated sections, comments and link targets, outside
 * every claim's and exception's phrase; not part of a word (t3.medium, IPv4, gp3, v1), a SPEC id (N1) or an ordered
 * list's number. Each as `line: the number`.
 */
export function uncoveredFigures(text: string, covered: string[]): string[] {
  // Covered phrases first (they may hold code), longest first so a phrase inside a longer one leaves nothing over.
  let masked = text;
  for (const phrase of [...covered].sort((a, b) => b.length - a.length)) {
    for (let at = masked.indexOf(phrase); at >= 0; at = masked.indexOf(phrase, at + 1))
      masked = masked.slice(0, at) + blank(phrase) + masked.slice(at + phrase.length);
  }
  masked = masked
    .replace(/```[\s\S]*?```/g, blank)
    .replace(/<!-- (\S+):start[\s\S]*?<!-- \1:end -->/g, blank)
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/`[^`\n]*`/g, blank)
    .replace(/\]\([^)\s]*\)/g, blank)
    .replace(/https?:\/\/\S+/g, blank);
  const found: string[] = [];
  masked.split("\n").forEach((line, i) => {
    const listNumber = /^\s*\d+\.\s/.exec(line)?.[0].length;
    for (const m of line.matchAll(/(?<![\w./-])-?\$?\d[\d,.]*(?![\w])/g)) {
      if (listNumber !== undefined && m.index! < listNumber) continue;
      // References, not figures: seed 001, issue 16, PR #12, owner/repository#1819.
      if (/(\b(seed|issue|PR) #?|[\w.-]+\/[\w.-]+#)$/i.test(line.slice(0, m.index))) continue;
      found.push(`${i + 1}: ${m[0].replace(/[.,]$/, "")}`);
    }
  });
  return found;
}

/** The numbers in a text, as the scanner sees them. */
export const numbersIn = (text: string) =>
  [...text.matchAll(/(?<![\w./-])-?\$?\d[\d,.]*(?![\w])/g)].map((m) => m[0].replace(/[.,]$/, "").replace(/^\$/, ""));

/** US dollars as the docs write them: 1,946.91. */
export const usd = (amount: number) =>
  amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Whole numbers as the docs write them: 6,000. */
export const whole = (n: number) => Math.round(n).toLocaleString("en-US");
