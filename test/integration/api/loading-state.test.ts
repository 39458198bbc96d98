import { describe, expect, it } from 'vitest';
import { perTestService, type TestService } from '../../helpers/loadout.js';

// send_loading_state (llama-swap's sendLoadingState) says what the load is doing, in the stream the
// client already reads: the backend's own progress, and how long this model's loads took before.

async function loadingText(svc: TestService, model: string): Promise<string> {
  const r = await svc.req('POST', '/v1/chat/completions', { model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  expect(r.status).toBe(200);
  type Chunk = { choices: { delta: { reasoning_content?: string; content?: string } }[] };
  const data = r.text.split('\n\n').filter((b) => b.startsWith('data: ') && b !== 'data: [DONE]').map((b) => JSON.parse(b.slice(6)) as Chunk);
  expect(data.some((c) => c.choices[0]!.delta.content)).toBe(true); // the model's own answer follows
  return data.map((c) => c.choices[0]!.delta.reasoning_content ?? '').join('');
}

describe('the loading state stream', () => {
  const boot = perTestService();

  it('tells the backend\'s progress as it reports it, then how long the model usually takes', async () => {
    const svc = await boot({ extra: ['send_loading_state: true'], models: { big: { args: '--loading-ms 1200 --progress 10,50,90 --progress-interval 400' } } });
    const first = await loadingText(svc, 'big');
    expect(first).toMatch(/^loading model big[ .\d%]* ready in \d+\.\ds\n$/);
    const percents = [...first.matchAll(/ (\d+)%/g)].map((m) => Number(m[1]));
    expect(percents.length).toBeGreaterThan(0);
    expect(percents.every((p, i) => [10, 50, 90].includes(p) && (i === 0 || p > percents[i - 1]!))).toBe(true);
    expect(first).not.toContain('usually'); // no load of it finished before

    expect((await svc.unload('big')).status).toBe(200);
    const second = await loadingText(svc, 'big');
    expect(second).toMatch(/^loading model big \(usually \d+\.\ds\)[ .\d%]* ready in \d+\.\ds\n$/);
  });
});
