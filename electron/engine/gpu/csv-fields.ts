/** Field helpers for nvidia-smi's `--format=csv,noheader,nounits` output. Pure. */

const MIB = 1024 * 1024;

/** nvidia-smi separates fields with ", "; values never carry quotes in the query forms we use. */
export function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => f.trim());
}

/**
 * A MiB count as bytes, or null when nvidia-smi cannot say: `[N/A]` (WDDM, MIG), `[Not Supported]`,
 * `[Insufficient Permissions]`, or a blank field. Any bracketed value is a "don't know", so new
 * spellings from future drivers degrade to unknown instead of to a wrong number.
 */
export function parseMib(field: string | undefined): number | null {
  if (field === undefined) return null;
  const f = field.trim();
  if (f === '' || f.startsWith('[')) return null;
  // Some drivers append the unit even with `nounits`; tolerate it rather than dropping the device.
  const m = /^(\d+(?:\.\d+)?)(?:\s*MiB)?$/i.exec(f);
  if (!m) return null;
  return Math.round(Number(m[1]) * MIB);
}

/** A non-negative integer field, or null. */
export function parseIntField(field: string | undefined): number | null {
  if (field === undefined) return null;
  const f = field.trim();
  return /^\d+$/.test(f) ? Number(f) : null;
}

/** A text field, or null when nvidia-smi left it unknown. */
export function parseTextField(field: string | undefined): string | null {
  if (field === undefined) return null;
  const f = field.trim();
  return f === '' || f.startsWith('[') ? null : f;
}
