import { LoadoutError } from '../../../shared/errors.js';
import type { ModelConfig, RequestRules } from '../../engine/config/types.js';

/**
 * Per-model and global limits on requests in flight (llama-swap's concurrencyLimit and
 * globalConcurrencyLimit): beyond them a request is answered 429 at once, never queued.
 */
export class RequestGate {
  private total = 0;
  private readonly perModel = new Map<string, number>();

  constructor(private readonly globalLimit: () => number) {}

  /** Counts the request or throws 429; the returned function ends it (idempotent). */
  enter(model: ModelConfig): () => void {
    const limit = model.requests?.concurrencyLimit ?? 0;
    const mine = this.perModel.get(model.name) ?? 0;
    if (limit > 0 && mine >= limit) {
      throw new LoadoutError('too_many_requests', `${model.name} already has ${mine} requests in flight (concurrency_limit ${limit})`);
    }
    const global = this.globalLimit();
    if (global > 0 && this.total >= global) {
      throw new LoadoutError('too_many_requests', `${this.total} requests are in flight (global_concurrency_limit ${global})`);
    }
    this.total++;
    this.perModel.set(model.name, mine + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.total--;
      const n = (this.perModel.get(model.name) ?? 1) - 1;
      if (n > 0) this.perModel.set(model.name, n);
      else this.perModel.delete(model.name);
    };
  }
}

/**
 * The body as the backend should see it: `strip_params` removed, `set_params` applied (a key ending
 * in `?` only when the request lacks it), `model` replaced by `use_model_name`. Only JSON objects are
 * rewritten; anything else passes unchanged.
 */
export function applyRequestRules(body: Buffer, contentType: string | undefined, rules: RequestRules | undefined): Buffer {
  if (!rules || body.length === 0 || (contentType !== undefined && !contentType.includes('json'))) return body;
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return body;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return body;
  return Buffer.from(JSON.stringify(rewrite(json as Record<string, unknown>, rules)));
}

/** Pure: the rewritten copy of one request object. */
export function rewrite(req: Record<string, unknown>, rules: RequestRules): Record<string, unknown> {
  const out = { ...req };
  for (const key of rules.stripParams) delete out[key];
  for (const [key, value] of Object.entries(rules.setParams)) {
    if (key.endsWith('?')) {
      const name = key.slice(0, -1);
      if (!(name in out)) out[name] = value;
    } else {
      out[key] = value;
    }
  }
  if (rules.useModelName) out.model = rules.useModelName;
  return out;
}
