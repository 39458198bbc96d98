import { formatElapsed, type LoadProgress, loadProgressText } from '../../shared/load-progress.js';

/** The slice of a terminal stream the bar needs (process.stdout, or a fake in tests). */
export interface TtyStream {
  write(chunk: string): unknown;
  columns?: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_CELLS = 20;
/** Carriage return, then erase the line: the next frame replaces the last in place. */
const REDRAW = '\r\x1b[2K';

/** `⠹ qwen3-8b [########------------] 45 % · 12 s of ~40 s`; a spinner instead of the bar without a percentage. */
export function progressFrame(name: string, p: LoadProgress, frame: number, columns = 80): string {
  const spin = SPINNER[frame % SPINNER.length]!;
  const filled = p.percent === null ? 0 : Math.round((p.percent / 100) * BAR_CELLS);
  const bar = p.percent === null || p.waitingFor.length > 0 ? '' : ` [${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}]`;
  const line = `${spin} ${name}${bar} ${loadProgressText(p)}`;
  // Never wrap: a wrapped line cannot be redrawn in place.
  return line.length >= columns ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
}

/** One line redrawn in place on a terminal; `clear` leaves the cursor at the start of an empty line. */
export class TtyProgress {
  private frame = 0;
  private drawn = false;

  constructor(private readonly stream: TtyStream) {}

  draw(name: string, p: LoadProgress): void {
    this.stream.write(REDRAW + progressFrame(name, p, this.frame++, this.stream.columns));
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write(REDRAW);
    this.drawn = false;
  }
}

/** Plain lines for a pipe or a log: one line per change worth a line (waiting, a new percentage). */
export class PlainProgress {
  private last = '';

  constructor(private readonly out: (line: string) => void) {}

  draw(name: string, p: LoadProgress): void {
    const line = p.waitingFor.length > 0 ? `${name} waits for ${p.waitingFor.join(', ')}` : p.percent !== null ? `${name} ${p.percent} %` : '';
    if (line === '' || line === this.last) return;
    this.last = line;
    this.out(line);
  }

  clear(): void {}
}

/** `4.2 s` below a minute (a load's duration), else the same words as elapsed times. */
export function loadDuration(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : formatElapsed(ms);
}
