import type { Clock, Timer } from '../platform/clock.js';
import { probeHealthDetail, type HealthProbeResult } from './health-probe.js';

/** First gap between probes; it doubles up to MAX_GAP_MS (1, 2, 4, 8, 16, 25, 25… ms). */
const FIRST_GAP_MS = 1;
const MAX_GAP_MS = 25;
/** Output kicks a probe at once, but a backend printing thousands of lines must not turn into a probe storm. */
const MIN_GAP_MS = 2;

/** One health probe; the poller's own is a plain socket to the backend's health endpoint. */
export type Probe = (signal: AbortSignal) => Promise<HealthProbeResult>;

interface Attempt {
  result: HealthProbeResult;
  startedAt: number;
}

/**
 * Polls a backend's health endpoint until it answers 2xx. The engine should add milliseconds, not
 * seconds, to a backend's own start (LocalAI waits in 2 s steps): gaps start tiny and stay short,
 * and any output from the backend (llama-server logs when it listens and when its slots are idle)
 * triggers a probe right away: a kick during a gap opens the connection within the kick itself, before
 * the output that caused it is even stored. A kick while a probe is in flight makes the next one
 * follow it, MIN_GAP_MS after the previous one began (at once when that is already past).
 */
export class ReadinessPoller {
  private reason = 'not probed yet';
  private kicked = false;
  /** Set while waiting out a full gap: starts the next probe now. */
  private wake: (() => void) | null = null;
  private readonly probe: Probe;

  constructor(port: number, path: string, private readonly clock: Clock, probe?: Probe) {
    this.probe = probe ?? ((signal) => probeHealthDetail(port, path, signal));
  }

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
    let next: Promise<Attempt | null> = this.probeNow(signal);
    for (;;) {
      const attempt = await next;
      if (!attempt || signal.aborted) return false;
      if (attempt.result.state === 'ok') return true;
      this.reason = attempt.result.reason;
      const wait = this.kicked ? MIN_GAP_MS - (this.clock.now() - attempt.startedAt) : gap;
      next = wait <= 0 ? this.probeNow(signal) : this.after(wait, signal);
      gap = Math.min(gap * 2, MAX_GAP_MS);
    }
  }

  private probeNow(signal: AbortSignal): Promise<Attempt> {
    this.kicked = false;
    const startedAt = this.clock.now();
    return this.probe(signal).then((result) => ({ result, startedAt }));
  }

  /** The next probe after `ms`, or sooner on a kick (unless this wait is the minimum gap after one); null on abort. */
  private after(ms: number, signal: AbortSignal): Promise<Attempt | null> {
    return new Promise((resolve) => {
      let timer: Timer | null = null;
      const end = (attempt: Promise<Attempt> | null) => {
        timer?.cancel();
        this.wake = null;
        signal.removeEventListener('abort', onAbort);
        resolve(attempt);
      };
      const onAbort = () => end(null);
      const go = () => end(this.probeNow(signal));
      if (!this.kicked) this.wake = go;
      signal.addEventListener('abort', onAbort, { once: true });
      timer = this.clock.setTimeout(go, ms);
    });
  }
}
