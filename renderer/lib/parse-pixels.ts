/** `40px` → 40; anything that is not a positive pixel length → `fallback`. */
export function parsePixels(value: string, fallback: number): number {
  const m = /^\s*(\d+(?:\.\d+)?)px\s*$/.exec(value);
  const n = m ? Number(m[1]) : NaN;
  return n > 0 ? n : fallback;
}
