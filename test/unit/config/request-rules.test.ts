import { describe, expect, it } from 'vitest';
import { applyRequestRules, RequestGate, rewrite } from '../../../electron/api/http/request-rules.js';
import type { ModelConfig, RequestRules } from '../../../electron/engine/config/types.js';
import { LoadoutError } from '../../../shared/errors.js';

const rules = (r: Partial<RequestRules>): RequestRules => ({ useModelName: null, concurrencyLimit: 0, stripParams: [], setParams: {}, ...r });
const model = (name: string, limit = 0) => ({ name, requests: rules({ concurrencyLimit: limit }) }) as ModelConfig;

describe('request rules', () => {
  it('strips, sets, soft-defaults and renames the model', () => {
    const r = rules({ useModelName: 'upstream', stripParams: ['temperature'], setParams: { seed: 1, 'max_tokens?': 64, 'top_k?': 5 } });
    expect(rewrite({ model: 'alias', temperature: 1, top_k: 9, seed: 3 }, r)).toEqual({ model: 'upstream', top_k: 9, seed: 1, max_tokens: 64 });
  });

  it('leaves bodies that are not JSON objects untouched', () => {
    const r = rules({ stripParams: ['a'] });
    for (const raw of ['not json', '[1,2]', '']) expect(applyRequestRules(Buffer.from(raw), 'application/json', r).toString()).toBe(raw);
    expect(applyRequestRules(Buffer.from('{"a":1}'), 'multipart/form-data; boundary=x', r).toString()).toBe('{"a":1}');
    expect(JSON.parse(applyRequestRules(Buffer.from('{"a":1,"b":2}'), 'application/json', r).toString())).toEqual({ b: 2 });
  });
});

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
}

describe('RequestGate', () => {
  it('answers 429 beyond a model limit and frees the slot when a request ends', () => {
    const gate = new RequestGate(() => 0);
    const leave = gate.enter(model('a', 1));
    const refused = thrown(() => gate.enter(model('a', 1)));
    expect(refused).toBeInstanceOf(LoadoutError);
    expect((refused as LoadoutError).status).toBe(429);
    gate.enter(model('b', 1));
    leave();
    leave(); // idempotent
    expect(() => gate.enter(model('a', 1))).not.toThrow();
  });

  it('applies the global limit across models', () => {
    let limit = 2;
    const gate = new RequestGate(() => limit);
    gate.enter(model('a'));
    const leave = gate.enter(model('b'));
    expect(() => gate.enter(model('c'))).toThrow(/global_concurrency_limit 2/);
    limit = 3;
    gate.enter(model('c'));
    leave();
    expect(() => gate.enter(model('d'))).not.toThrow();
  });
});
