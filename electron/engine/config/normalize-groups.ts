/** Trimmed, empties dropped, de-duplicated in order of first use (LocalAI's GetConcurrencyGroups). */
export function normalizeGroups(groups: readonly string[] | null | undefined): string[] {
  const out: string[] = [];
  for (const g of groups ?? []) {
    const t = g.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}
