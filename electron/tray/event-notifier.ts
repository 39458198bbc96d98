import type { Push } from '../../shared/push.js';
import type { Clock, Timer } from '../engine/platform/clock.js';
import { notificationFor } from './event-notification.js';
import { DEFAULT_LIMITS, NotificationPolicy, type NotificationLimits } from './notification-policy.js';
import { notificationBody, notificationTitle } from './notification-text.js';

export interface EventNotifierOptions {
  clock: Clock;
  /** Shows one desktop notification (Electron's Notification in main, a recorder in tests). */
  show(title: string, body: string): void;
  limits?: NotificationLimits;
  /** The platform's notification server renders body markup (Linux): bodies are escaped for it. */
  bodyMarkup?: boolean;
}

/**
 * Turns pushes into rate-limited desktop notifications. What the policy holds back is announced in one
 * summary as soon as the window has room again, so a burst ends with "3 more …" instead of silence.
 */
export class EventNotifier {
  private readonly policy: NotificationPolicy;
  private timer: Timer | null = null;

  constructor(private readonly opts: EventNotifierOptions) {
    this.policy = new NotificationPolicy(() => opts.clock.now(), opts.limits);
  }

  handle(push: Push): void {
    if (push.type !== 'event') return;
    const notice = notificationFor(push.event);
    if (!notice) return;
    if (this.policy.admit(notice.model)) this.show(notice.title, notice.body);
    else this.scheduleSummary();
  }

  /** Every notification passes here: backend output and model names are shown as plain text only. */
  private show(title: string, body: string): void {
    this.opts.show(notificationTitle(title), notificationBody(body, this.opts.bodyMarkup ?? false));
  }

  dispose(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  private scheduleSummary(): void {
    if (this.timer) return;
    // Never sooner than the per-model gap: a model in a crash loop is held back by that gap alone, and
    // summarizing it at once would turn every crash back into a toast.
    const wait = Math.max(this.policy.msUntilRoom(), (this.opts.limits ?? DEFAULT_LIMITS).perModelMs);
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      const summary = this.policy.takeSummary();
      if (summary) {
        const what = summary.count === 1 ? '1 more notification' : `${summary.count} more notifications`;
        this.show(`Loadout: ${what}`, `About ${summary.models.join(', ')}. See the dashboard's event timeline.`);
      } else if (this.policy.hasPendingSummary()) {
        this.scheduleSummary();
      }
    }, wait);
  }
}
