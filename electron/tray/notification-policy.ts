export interface NotificationLimits {
  /** Minimum gap between two notifications about the same model. */
  perModelMs: number;
  /** The overall window and how many notifications it may hold. */
  windowMs: number;
  maxPerWindow: number;
}

export const DEFAULT_LIMITS: NotificationLimits = { perModelMs: 30_000, windowMs: 60_000, maxPerWindow: 5 };

export interface Summary {
  count: number;
  models: string[];
}

/**
 * Decides which eviction/crash notifications reach the desktop. A backend in a crash loop, or a memory
 * reclaimer evicting five models at once, would otherwise bury the user in toasts; what is held back
 * is counted so one summary can say so. Pure: time comes from the injected `now`, nothing is shown here.
 */
export class NotificationPolicy {
  private shownAt: number[] = [];
  private readonly lastPerModel = new Map<string, number>();
  private suppressed = 0;
  private readonly suppressedModels = new Set<string>();

  constructor(
    private readonly now: () => number,
    private readonly limits: NotificationLimits = DEFAULT_LIMITS,
  ) {}

  /** True when a notification about `model` may be shown now (and counts it); false holds it back. */
  admit(model: string): boolean {
    const t = this.now();
    const last = this.lastPerModel.get(model);
    if ((last !== undefined && t - last < this.limits.perModelMs) || !this.hasRoom(t)) {
      this.suppressed++;
      this.suppressedModels.add(model);
      return false;
    }
    this.lastPerModel.set(model, t);
    this.shownAt.push(t);
    return true;
  }

  /** What was held back, once the window has room for one summary (which then counts); else null. */
  takeSummary(): Summary | null {
    const t = this.now();
    if (this.suppressed === 0 || !this.hasRoom(t)) return null;
    const summary = { count: this.suppressed, models: [...this.suppressedModels].sort() };
    this.suppressed = 0;
    this.suppressedModels.clear();
    this.shownAt.push(t);
    return summary;
  }

  hasPendingSummary(): boolean {
    return this.suppressed > 0;
  }

  /** Milliseconds until the overall window frees a slot (0 when it has room now). */
  msUntilRoom(): number {
    const t = this.now();
    if (this.hasRoom(t)) return 0;
    const oldest = this.shownAt[0] ?? t;
    return Math.max(0, oldest + this.limits.windowMs - t);
  }

  private hasRoom(t: number): boolean {
    this.shownAt = this.shownAt.filter((at) => t - at < this.limits.windowMs);
    return this.shownAt.length < this.limits.maxPerWindow;
  }
}
