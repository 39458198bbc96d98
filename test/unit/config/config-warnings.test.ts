import { describe, expect, it } from 'vitest';
import { ConfigWarnings } from '../../../electron/engine/config/config-warnings.js';
import { EventLog } from '../../../electron/engine/events/event-log.js';
import { FakeClock } from '../../../electron/engine/platform/fake-clock.js';
import type { Logger } from '../../../electron/engine/platform/logger.js';
import { silentLogger } from '../../../electron/engine/platform/logger.js';

function setup() {
  const events = new EventLog(null, new FakeClock(), silentLogger);
  const logged: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (m: string) => void logged.push(m) };
  return { events, logged, warnings: new ConfigWarnings(events, logger) };
}

describe('ConfigWarnings', () => {
  it('records one config_warning event per change, carrying the whole list, and logs only new warnings', () => {
    const { events, logged, warnings } = setup();
    warnings.report(['a.yaml: template: ignored']);
    warnings.report(['a.yaml: template: ignored']);
    warnings.report(['a.yaml: template: ignored', 'discover: /x does not exist']);
    const recorded = events.list(0, 100).filter((e) => e.type === 'config_warning');
    expect(recorded.map((e) => e.data)).toEqual([
      { warnings: ['a.yaml: template: ignored'] },
      { warnings: ['a.yaml: template: ignored', 'discover: /x does not exist'] },
    ]);
    expect(logged).toEqual(['a.yaml: template: ignored', 'discover: /x does not exist']);
    expect(warnings.current()).toEqual(['a.yaml: template: ignored', 'discover: /x does not exist']);
  });

  it('says when the warnings are resolved, and stays quiet when there never were any', () => {
    const { events, warnings } = setup();
    warnings.report([]);
    expect(events.list(0, 100)).toEqual([]);
    warnings.report(['w']);
    warnings.report([]);
    expect(events.list(0, 100).map((e) => [e.message, e.data])).toEqual([
      ['1 config warning: w', { warnings: ['w'] }],
      ['config warnings resolved', { warnings: [] }],
    ]);
  });
});
