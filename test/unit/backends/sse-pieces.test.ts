import { describe, expect, it } from 'vitest';
import { PieceBatcher, sseEventEncoder } from '../../../electron/engine/backends/openai/sse-pieces.js';
import { chatChunk, textChunk } from '../../../electron/engine/backends/openai/openai-responses.js';

const meta = { id: 'chatcmpl-1', created: 1_700_000_000, model: 'tiny "q" model' };

describe('sseEventEncoder', () => {
  const texts = ['hello', '', ' "quoted" \\ back', 'line\nbreak\ttab', '\u2028\u2029', 'é 漢字 🚀', '\u0000\u001f', '</script>'];

  it('gives byte for byte the event JSON.stringify would, for any text', () => {
    for (const chunk of [(t: string) => chatChunk(meta, { content: t }), (t: string) => textChunk(meta, t)]) {
      const encode = sseEventEncoder(chunk);
      for (const t of texts) expect(encode(t)).toBe(`data: ${JSON.stringify(chunk(t))}\n\n`);
    }
  });

  it('falls back to serialising the whole chunk when the text appears in it more than once', () => {
    const chunk = (t: string) => ({ a: t, b: t });
    const encode = sseEventEncoder(chunk);
    expect(encode('x"y')).toBe(`data: ${JSON.stringify({ a: 'x"y', b: 'x"y' })}\n\n`);
  });
});

describe('PieceBatcher', () => {
  function setup() {
    const sent: string[] = [];
    const turns: (() => void)[] = [];
    const b = new PieceBatcher((t) => sent.push(t), (fn) => turns.push(fn));
    const nextTurn = () => turns.splice(0).forEach((fn) => fn());
    return { b, sent, turns, nextTurn };
  }

  it('sends the pieces of one turn as one, on the next turn', () => {
    const { b, sent, turns, nextTurn } = setup();
    b.push('hel');
    b.push('lo');
    expect(sent).toEqual([]);
    expect(turns).toHaveLength(1);
    nextTurn();
    expect(sent).toEqual(['hello']);
  });

  it('sends pieces of different turns separately, and nothing for empty pieces', () => {
    const { b, sent, turns, nextTurn } = setup();
    b.push('a');
    nextTurn();
    b.push('');
    expect(turns).toHaveLength(0);
    b.push('b');
    nextTurn();
    nextTurn();
    expect(sent).toEqual(['a', 'b']);
  });

  it('flush sends what is pending at once, and the scheduled turn then sends nothing', () => {
    const { b, sent, nextTurn } = setup();
    b.push('tail');
    b.flush();
    expect(sent).toEqual(['tail']);
    nextTurn();
    b.flush();
    expect(sent).toEqual(['tail']);
  });
});
