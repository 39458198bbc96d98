import type { Clock, Timer } from '../platform/clock.js';
import { probeHealthDetail } from './health-probe.js';

/** First gap between probes; it doubles up to MAX_GAP_MS (1, 2, 4, 8, 16, 25, 25… ms). */
const FIRST_GAP_MS = 1;
const MAX_GAP_MS = 25;
/** Output kicks a probe at once, but a backend printing thousands of lines must not turn into a probe storm. */
const MIN_GAP_MS = 2;

/**
 * Polls a backend's health endpoint until it answers 2xx. The engine should add milliseconds, not
 * seconds, to a backend's own start (LocalAI waits in 2 s steps): gaps start tiny and stay short,
 * and any output from the backend (llama-server logs when it listens and when its slots are idle)
 * triggers a probe right away.
 */
export class ReadinessPoller {
  private reason = 'not probed yet';
  private kicked = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly port: number,
    private readonly path: string,
    private readonly clock: Clock,
  ) {}

  /** Why the last probe was not ok: "HTTP 503", "ECONNREFUSED", ... */
  get lastReason(): string {
    return this.reason;
  }

  /** The backend wrote something: probe now instead of waiting out the gap. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Resolves true once healthy, false once `signal` aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<boolean> {
    let gap = FIRST_GAP_MS;
    while (!signal.aborted) {
      this.kicked = false;
      const started = this.clock.now();
      const result = await probeHealthDetail(this.port, this.path, signal);
      if (signal.aborted) return false;
      if (result.state === 'ok') return true;
      this.reason = result.reason;
      const wait = this.kicked ? Math.max(0, MIN_GAP_MS - (this.clock.now() - started)) : gap;
      await this.pause(wait, signal);
      gap = Math.min(gap * 2, MAX_GAP_MS);
    }
    return false;
  }

  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: Timer | null = null;
      const done = () => {
        timer?.cancel();
        this.wake = null;
        signal.removeEventListener('abort', done);
        resolve();
      };
      // A kick only shortens a full gap; the MIN_GAP pause after a kick is never cut.
      if (!this.kicked) this.wake = done;
      signal.addEventListener('abort', done, { once: true });
      timer = this.clock.setTimeout(done, ms);
    });
  }
}
