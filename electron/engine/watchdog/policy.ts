/**
 * The watchdog's decisions as a pure function of instances + time (LocalAI spec §3.5, fixed):
 * - in-flight is a count, busy-since is the start of the oldest active request (hazard B-3);
 * - idle counts from the end of the last request, per-model `ttl` overrides the global timeout,
 *   pinned models are exempt, starting models are never idle;
 * - the busy kill is a force stop (B-4) and applies to pinned models too (a stuck request is stuck);
 * - decisions name an instance, so a stale timer can never touch a newer start of the model (B-1).
 */

export interface WatchedInstance {
  name: string;
  instance: number;
  state: 'starting' | 'ready' | 'stopping';
  pinned: boolean;
  inflight: number;
  /** Start of the oldest request still in flight, or null. */
  busySince: number | null;
  /** End of the last request (or the load), ms epoch. */
  idleSince: number;
  /** Per-model ttl in ms; null = the global idle timeout; 0 = never. */
  ttlMs: number | null;
}

export interface WatchdogRules {
  idleCheck: boolean;
  idleTimeoutMs: number;
  busyCheck: boolean;
  busyTimeoutMs: number;
}

export interface WatchdogDecision {
  name: string;
  instance: number;
  reason: 'idle' | 'busy_timeout';
  /** How long it was idle or busy, for the event message. */
  forMs: number;
}

export function idleTimeoutFor(w: Pick<WatchedInstance, 'ttlMs'>, rules: WatchdogRules): number {
  return w.ttlMs ?? rules.idleTimeoutMs;
}

/** When an idle model will be unloaded, or null if it will not (busy, pinned, disabled). */
export function idleDeadline(w: Pick<WatchedInstance, 'state' | 'pinned' | 'inflight' | 'idleSince' | 'ttlMs'>, rules: WatchdogRules): number | null {
  const timeout = idleTimeoutFor(w, rules);
  if (!rules.idleCheck || w.pinned || timeout <= 0 || w.state !== 'ready' || w.inflight > 0) return null;
  return w.idleSince + timeout;
}

export function decideWatchdog(now: number, instances: WatchedInstance[], rules: WatchdogRules): WatchdogDecision[] {
  const out: WatchdogDecision[] = [];
  for (const w of instances) {
    if (w.state !== 'ready') continue;
    if (rules.busyCheck && rules.busyTimeoutMs > 0 && w.inflight > 0 && w.busySince !== null && now - w.busySince > rules.busyTimeoutMs) {
      out.push({ name: w.name, instance: w.instance, reason: 'busy_timeout', forMs: now - w.busySince });
      continue;
    }
    const deadline = idleDeadline(w, rules);
    if (deadline !== null && now > deadline) out.push({ name: w.name, instance: w.instance, reason: 'idle', forMs: now - w.idleSince });
  }
  return out;
}
