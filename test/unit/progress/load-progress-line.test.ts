import { describe, expect, it } from 'vitest';
import { parseLoadProgress } from '../../../electron/engine/progress/load-progress-line.js';

describe('parseLoadProgress', () => {
  it('reads the built-in backend’s progress lines as a fraction', () => {
    expect(parseLoadProgress('load_progress: 0%')).toBe(0);
    expect(parseLoadProgress('load_progress: 40%')).toBe(0.4);
    expect(parseLoadProgress('load_progress: 100%')).toBe(1);
    expect(parseLoadProgress('  load_progress:   12.5 %  ')).toBe(0.125);
  });

  it('ignores every other line, llama-server’s dots included', () => {
    for (const line of ['', '.', '........', 'llama_model_load: loaded meta data with 24 key-value pairs', 'srv  load_model: loaded /m.gguf', 'load_progress: abc%', 'load_progress: 40', 'the load_progress: 40% is fine', 'load_progress: -5%']) {
      expect(parseLoadProgress(line)).toBeNull();
    }
  });

  it('refuses a percentage past 100 rather than showing a bar overflowing', () => {
    expect(parseLoadProgress('load_progress: 140%')).toBeNull();
  });
});
