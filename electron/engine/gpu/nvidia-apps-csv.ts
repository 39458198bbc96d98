import { parseIntField, parseMib, parseTextField, splitCsvLine } from './csv-fields.js';

/**
 * One row of `nvidia-smi --query-compute-apps=pid,used_memory,gpu_uuid --format=csv,noheader,nounits`.
 * used_bytes is null under Windows WDDM, where the video memory manager, not the driver, owns
 * per-process numbers.
 */
export interface NvidiaAppRow {
  pid: number;
  used_bytes: number | null;
  gpu_uuid: string | null;
}

/** Empty output and "No running processes found" both mean no compute processes. */
export function parseNvidiaAppsCsv(text: string): NvidiaAppRow[] {
  const rows: NvidiaAppRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = splitCsvLine(line);
    if (fields.length < 3) continue;
    const pid = parseIntField(fields[0]);
    if (pid === null || pid === 0) continue;
    rows.push({ pid, used_bytes: parseMib(fields[1]), gpu_uuid: parseTextField(fields[2]) });
  }
  return rows;
}
