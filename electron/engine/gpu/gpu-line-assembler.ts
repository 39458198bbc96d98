import { parseNvidiaGpuLine, type NvidiaGpuRow } from './nvidia-gpu-csv.js';

/**
 * Turns the line stream of `nvidia-smi --query-gpu=... -lms N` into whole samples. nvidia-smi
 * prints one line per device per tick with nothing marking the end of a tick, so a tick ends when
 * (a) as many lines arrived as the last complete tick had, or (b) the device index goes back
 * (the next tick began: the first tick, or a device count change), or (c) a blank line arrives.
 * (a) keeps the steady state from lagging one interval behind; (b) and (c) re-learn the count.
 * Pure: no I/O, no clock.
 */
export class GpuLineAssembler {
  private pending: NvidiaGpuRow[] = [];
  private expected: number | null = null;

  /** Feeds one line; returns every sample it completed (zero, one, or two on a reset). */
  push(line: string): NvidiaGpuRow[][] {
    const done: NvidiaGpuRow[][] = [];
    if (line.trim() === '') {
      this.flushInto(done);
      return done;
    }
    const row = parseNvidiaGpuLine(line);
    if (!row) return done;
    const last = this.pending[this.pending.length - 1];
    if (last && row.index <= last.index) this.flushInto(done);
    this.pending.push(row);
    if (this.expected !== null && this.pending.length >= this.expected) this.flushInto(done);
    return done;
  }

  /** Forgets a partial tick, e.g. when the producing process died mid-tick. */
  reset(): void {
    this.pending = [];
  }

  private flushInto(done: NvidiaGpuRow[][]): void {
    if (this.pending.length === 0) return;
    this.expected = this.pending.length;
    done.push(this.pending);
    this.pending = [];
  }
}
