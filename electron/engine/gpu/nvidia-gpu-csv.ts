import { parseIntField, parseMib, parseTextField, splitCsvLine } from './csv-fields.js';

/**
 * One row of `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used
 * --format=csv,noheader,nounits`. Memory the driver will not report (MIG mode, some WDDM setups)
 * is null: the device stays listed and callers decide what "unknown" means for them.
 */
export interface NvidiaGpuRow {
  index: number;
  uuid: string | null;
  name: string;
  total_bytes: number | null;
  used_bytes: number | null;
}

/** Parses one device line; null for anything that is not one (errors, banners, blank lines). */
export function parseNvidiaGpuLine(line: string): NvidiaGpuRow | null {
  const fields = splitCsvLine(line);
  if (fields.length < 5) return null;
  const index = parseIntField(fields[0]);
  if (index === null) return null;
  // The name is the only free-text field; if it ever holds a comma, the fixed fields on either
  // side still pin it down.
  const name = fields.slice(2, fields.length - 2).join(', ');
  return {
    index,
    uuid: parseTextField(fields[1]),
    name: parseTextField(name) ?? 'NVIDIA GPU',
    total_bytes: parseMib(fields[fields.length - 2]),
    used_bytes: parseMib(fields[fields.length - 1]),
  };
}

/** Parses a whole one-shot `--query-gpu` output (one line per device). */
export function parseNvidiaGpuCsv(text: string): NvidiaGpuRow[] {
  const rows: NvidiaGpuRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const row = parseNvidiaGpuLine(line);
    if (row) rows.push(row);
  }
  return rows;
}
