import { describe, expect, it } from 'vitest';
import { multipartModel, requestedModel, scanModel } from '../../../electron/api/http/requested-model.js';

const URL_NONE = new URL('http://x/v1/audio/transcriptions');
const MULTIPART = 'multipart/form-data; boundary=XyZ';

function form(parts: { name: string; value: string; headers?: string[] }[]): Buffer {
  const lines: string[] = [];
  for (const p of parts) lines.push('--XyZ', `Content-Disposition: form-data; name="${p.name}"`, ...(p.headers ?? []), '', p.value);
  lines.push('--XyZ--', '');
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

describe('requestedModel', () => {
  it('reads the model form field of a multipart body', () => {
    const body = form([{ name: 'file', value: 'RIFF....' }, { name: 'model', value: 'whisper-1' }]);
    expect(requestedModel(body, MULTIPART, URL_NONE)).toBe('whisper-1');
  });

  it('skips the headers of the model part before its value', () => {
    const body = form([{ name: 'model', value: 'qwen', headers: ['Content-Type: text/plain', 'X-Extra: 1'] }]);
    expect(multipartModel(body)).toBe('qwen');
  });

  it('decodes a UTF-8 model name', () => {
    expect(multipartModel(form([{ name: 'model', value: 'modèle-ü' }]))).toBe('modèle-ü');
  });

  it('falls back to ?model= when the form has no model field', () => {
    const body = form([{ name: 'file', value: 'x' }]);
    expect(requestedModel(body, MULTIPART, new URL('http://x/v1/a?model=from-query'))).toBe('from-query');
  });

  it('finds nothing in a model part without a header end or a value end', () => {
    expect(multipartModel(Buffer.from('name="model"\r\nContent-Type: text/plain\r\n'))).toBeNull();
    expect(multipartModel(Buffer.from('name="model"\r\n\r\nno-line-end'))).toBeNull();
  });

  it('reads the JSON model field and refuses a body that is not JSON', () => {
    expect(requestedModel(Buffer.from('{"model":"chat"}'), 'application/json', URL_NONE)).toBe('chat');
    expect(() => requestedModel(Buffer.from('{nope'), 'application/json', URL_NONE)).toThrow(/not valid JSON/);
  });

  // Issue 8: a backtracking regex took seconds on 224 KB of this and would take hours on 4 MB; the
  // scan is one pass, so this returns well inside the test timeout even on a loaded machine.
  it('parses a 4 MB body of repeated model headers in one pass', () => {
    const adversarial = Buffer.from('name="model"\r\n'.repeat((4 * 1024 * 1024) / 14), 'latin1');
    expect(multipartModel(adversarial)).toBeNull();
    const withValue = Buffer.concat([adversarial, Buffer.from('\r\nfound\r\n')]);
    expect(multipartModel(withValue)).toBe('found');
  });
});

describe('scanModel (the fast path of the JSON model field)', () => {
  const scan = (text: string) => scanModel(Buffer.from(text, 'utf8'));

  it('finds the top-level model wherever it is, skipping strings, nested objects and arrays', () => {
    expect(scan('{"model":"chat"}')).toBe('chat');
    expect(scan(' {\n "messages": [{"role":"user","content":"say \\"model\\": \\"x\\" {["}], "n": 1, "model" : "qwen-ü"}')).toBe('qwen-ü');
    expect(scan('{"options":{"model":"inner"},"model":"outer"}')).toBe('outer');
    expect(scan('{"a":"\\\\","model":"after-escaped-backslash"}')).toBe('after-escaped-backslash');
  });

  it('gives up (the caller parses) on what it does not expect', () => {
    expect(scan('{"messages":[]}')).toBeUndefined(); // no model
    expect(scan('{"model":null}')).toBeUndefined();
    expect(scan('{"model":"a\\u0062"}')).toBeUndefined(); // an escape in the value
    expect(scan('["model","x"]')).toBeUndefined();
    expect(scan('{"model":"unterminated')).toBeUndefined();
    expect(scan('{nope')).toBeUndefined();
  });

  it('agrees with JSON.parse on every body where it answers', () => {
    const bodies = [
      { model: 'm', messages: [{ role: 'user', content: 'hi "model": "no"' }] },
      { messages: [{ content: '}]{[' }], stream: true, model: 'last' },
      { nested: { model: 'x', deeper: [{ model: 'y' }] }, model: 'top' },
      { model: 'with spaces and ünïcödé' },
    ];
    for (const b of bodies) {
      const text = JSON.stringify(b, null, b.model === 'top' ? 2 : undefined);
      expect(scan(text)).toBe(b.model);
      expect(requestedModel(Buffer.from(text), 'application/json', URL_NONE)).toBe(b.model);
    }
  });
});
