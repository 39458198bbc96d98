import type { EventLog } from '../events/event-log.js';
import type { Logger } from '../platform/logger.js';

/**
 * What the running config ignores or could not use (an unknown LocalAI key, a missing discover
 * folder…). Each change of the list is logged and recorded as one `config_warning` event carrying
 * the whole current list, which the dashboard shows as a banner until it is empty again.
 */
export class ConfigWarnings {
  private list: string[] = [];

  constructor(
    private readonly events: EventLog,
    private readonly logger: Logger,
  ) {}

  current(): string[] {
    return [...this.list];
  }

  report(warnings: readonly string[]): void {
    const next = [...new Set(warnings)];
    if (next.length === this.list.length && next.every((w, i) => w === this.list[i])) return;
    const fresh = next.filter((w) => !this.list.includes(w));
    this.list = next;
    for (const w of fresh) this.logger.warn(w);
    const message = next.length === 0
      ? 'config warnings resolved'
      : `${next.length} config warning${next.length === 1 ? '' : 's'}: ${next.join('; ')}`;
    this.events.append({ type: 'config_warning', model: null, reason: null, message, data: { warnings: next } });
  }
}
