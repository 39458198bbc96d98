import { describe, expect, it } from 'vitest';
import { UsageScanner } from '../../../electron/api/http/metrics/usage-scanner.js';

function scan(body: string, cut: number[]): ReturnType<UsageScanner['result']> {
  const s = new UsageScanner();
  let from = 0;
  for (const c of [...cut, body.length]) {
    s.push(body.slice(from, c));
    from = c;
  }
  return s.result();
}

describe('UsageScanner', () => {
  const chat = JSON.stringify({
    id: 'x', choices: [{ message: { content: 'a "usage": {"prompt_tokens": 999} } inside a string' } }],
    usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, prompt_tokens_details: { cached_tokens: 0 } },
  });

  it('reads the usage of a whole JSON answer, wherever the chunks are cut', () => {
    for (let cut = 0; cut <= chat.length; cut++) expect(scan(chat, [cut])).toEqual({ prompt: 12, completion: 34 });
  });

  it('takes the last usage of a stream (include_usage sends it in the final event)', () => {
    const stream = [
      'data: {"choices":[{"delta":{"content":"hi"}}],"usage":null}\n\n',
      'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}\n\n',
      'data: [DONE]\n\n',
    ].join('');
    expect(scan(stream, [10, 60, 100])).toEqual({ prompt: 5, completion: 7 });
  });

  it('reads bytes as well as text, with the key or the object cut between chunks', () => {
    const body = Buffer.from('data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}\n\ndata: [DONE]\n\n');
    for (let cut = 0; cut <= body.length; cut++) {
      const s = new UsageScanner();
      s.push(body.subarray(0, cut));
      s.push(new Uint8Array(body.subarray(cut)));
      expect(s.result()).toEqual({ prompt: 5, completion: 7 });
    }
    const bytes = new UsageScanner();
    for (const b of body) bytes.push(Buffer.from([b]));
    expect(bytes.result()).toEqual({ prompt: 5, completion: 7 });
  });

  it('finds nothing in a body without usage, and keeps memory bounded on a huge one', () => {
    expect(scan('{"data":[1,2,3]}', [4])).toBeNull();
    const s = new UsageScanner();
    s.push('{"usage": {"a": "');
    for (let i = 0; i < 100; i++) s.push('x'.repeat(1000));
    expect(s.result()).toBeNull();
    s.push('"}, "usage": {"prompt_tokens": 1, "completion_tokens": 2}}');
    expect(s.result()).toEqual({ prompt: 1, completion: 2 });
  });
});

describe('errorCode', () => {
  it('takes the string code of an OpenAI-shaped error body, else the status', async () => {
    const { errorCode } = await import('../../../electron/api/http/metrics/request-meter.js');
    expect(errorCode(503, '{"error":{"code":"busy","message":"x","type":"unavailable_error"}}')).toBe('busy');
    expect(errorCode(404, '{"error":{"code":404,"message":"File Not Found"}}')).toBe('http_404');
    expect(errorCode(500, 'Internal Server Error')).toBe('http_500');
  });
});
