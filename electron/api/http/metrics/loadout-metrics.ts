import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LoadoutEvent } from '../../../../shared/events.js';
import type { GpuSnapshot } from '../../../../shared/gpu.js';
import { MODEL_STATES, type ModelView } from '../../../../shared/model-view.js';
import { TalliedCounter } from './tallied-counter.js';
import type { TokenCounts } from './usage-scanner.js';

export type ApiFace = 'openai' | 'ollama';

export interface MetricsSources {
  /** Every configured model's view, read at each scrape. */
  models(): ModelView[];
  gpu(): GpuSnapshot;
  /** The event log: counters follow it from the moment the metrics exist. */
  subscribe(listener: (e: LoadoutEvent) => void): () => void;
}

/** A finished client request, as the request meter reports it. */
export interface RequestRecord {
  model: string;
  api: ApiFace;
  status: number;
  /** Null for a success; else the error code (`busy`, `backend_error`, ...), `http_<status>` or `client_closed`. */
  error: string | null;
  tokens: TokenCounts | null;
  /** Received → last byte written. */
  latencyMs: number;
  /** First byte → last byte for a stream, else the latency (see RequestStats). */
  generationMs: number;
}

const LOAD_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

/**
 * Prometheus metrics (`GET /metrics`): counters derived from the event log and the requests the HTTP
 * faces served, gauges read from the model views and the GPU sample at scrape time. One registry per
 * instance, never prom-client's global one.
 */
export class LoadoutMetrics {
  readonly registry = new Registry();
  private readonly off: () => void;
  private readonly loads: Counter<'model' | 'outcome'>;
  private readonly loadSeconds: Histogram<'model'>;
  private readonly evictions: Counter<'model' | 'reason'>;
  private readonly stops: Counter<'model' | 'reason'>;
  private readonly refusals: Counter<'model' | 'code'>;
  private readonly requests: TalliedCounter<'model' | 'api' | 'status'>;
  private readonly errors: TalliedCounter<'model' | 'api' | 'code'>;
  private readonly tokens: TalliedCounter<'model' | 'kind'>;

  constructor(private readonly src: MetricsSources) {
    const registers = [this.registry];
    this.loads = new Counter({ name: 'loadout_model_loads_total', help: 'Backend starts that ended, by outcome (ready or failed).', labelNames: ['model', 'outcome'], registers });
    this.loadSeconds = new Histogram({ name: 'loadout_model_load_duration_seconds', help: 'Time from spawning a backend to its first healthy answer.', labelNames: ['model'], buckets: LOAD_BUCKETS_S, registers });
    this.evictions = new Counter({ name: 'loadout_model_evictions_total', help: 'Models unloaded by a rule, by reason (lru, group, idle, busy_timeout, memory).', labelNames: ['model', 'reason'], registers });
    this.stops = new Counter({ name: 'loadout_model_stops_total', help: 'Backends that stopped, by reason (manual, evicted, shutdown, exited, ...).', labelNames: ['model', 'reason'], registers });
    this.refusals = new Counter({ name: 'loadout_load_refusals_total', help: 'Loads refused, by error code (pinned_conflict, busy, no_memory, ...).', labelNames: ['model', 'code'], registers });
    this.requests = new TalliedCounter({ name: 'loadout_requests_total', help: 'Inference requests answered, by API face and HTTP status.', labelNames: ['model', 'api', 'status'], registers });
    this.errors = new TalliedCounter({ name: 'loadout_request_errors_total', help: 'Inference requests that failed, by error code (busy, backend_error, ..., http_<status>, client_closed).', labelNames: ['model', 'api', 'code'], registers });
    this.tokens = new TalliedCounter({ name: 'loadout_tokens_total', help: 'Tokens reported in the backends\' usage, by kind (prompt or completion).', labelNames: ['model', 'kind'], registers });
    this.gauges();
    for (const m of src.models()) for (const outcome of ['ready', 'failed']) this.loads.inc({ model: m.name, outcome }, 0);
    this.off = src.subscribe((e) => this.onEvent(e));
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  request(r: RequestRecord): void {
    this.requests.inc({ model: r.model, api: r.api, status: String(r.status) });
    if (r.error) this.errors.inc({ model: r.model, api: r.api, code: r.error });
    if (r.tokens) {
      this.tokens.inc({ model: r.model, kind: 'prompt' }, r.tokens.prompt);
      this.tokens.inc({ model: r.model, kind: 'completion' }, r.tokens.completion);
    }
  }

  dispose(): void {
    this.off();
    this.registry.clear();
  }

  private onEvent(e: LoadoutEvent): void {
    const model = e.model ?? '';
    switch (e.type) {
      case 'model_ready':
        this.loads.inc({ model, outcome: 'ready' });
        this.loadSeconds.observe({ model }, e.data.load_ms / 1000);
        break;
      case 'model_failed':
        this.loads.inc({ model, outcome: 'failed' });
        break;
      case 'model_evicted':
        this.evictions.inc({ model, reason: e.reason ?? 'unknown' });
        break;
      case 'model_stopped':
        this.stops.inc({ model, reason: e.reason ?? 'unknown' });
        break;
      case 'load_refused':
        this.refusals.inc({ model, code: e.reason ?? 'unknown' });
        break;
      default:
        break; // the other events change no counter
    }
  }

  /** Gauges computed at scrape time from the views and the latest GPU sample. */
  private gauges(): void {
    const registers = [this.registry];
    const src = this.src;
    new Gauge({
      name: 'loadout_model_state', help: '1 for the state each model is in, 0 for the others.', labelNames: ['model', 'state'], registers,
      collect() {
        this.reset();
        for (const m of src.models()) for (const s of MODEL_STATES) this.set({ model: m.name, state: s }, m.state === s ? 1 : 0);
      },
    });
    new Gauge({
      name: 'loadout_model_pinned', help: '1 when the model is pinned.', labelNames: ['model'], registers,
      collect() {
        this.reset();
        for (const m of src.models()) this.set({ model: m.name }, m.pinned ? 1 : 0);
      },
    });
    new Gauge({
      name: 'loadout_model_requests_in_flight', help: 'Requests the model\'s backend is serving now.', labelNames: ['model'], registers,
      collect() {
        this.reset();
        for (const m of src.models()) this.set({ model: m.name }, m.inflight);
      },
    });
    new Gauge({
      name: 'loadout_model_requests_queued', help: 'Requests waiting for the model\'s next ready instance.', labelNames: ['model'], registers,
      collect() {
        this.reset();
        for (const m of src.models()) this.set({ model: m.name }, m.queued);
      },
    });
    new Gauge({
      name: 'loadout_model_memory_bytes', help: 'Measured memory of a loaded model\'s backend: GPU memory, or its RSS on a machine without GPU data.', labelNames: ['model'], registers,
      collect() {
        this.reset();
        for (const m of src.models()) {
          const bytes = m.vram_bytes ?? m.ram_bytes;
          if (bytes !== null) this.set({ model: m.name }, bytes);
        }
      },
    });
    new Gauge({
      name: 'loadout_model_device_memory_bytes', help: 'Memory a model\'s backend holds on each device.', labelNames: ['model', 'device'], registers,
      collect() {
        this.reset();
        const sums = new Map<string, { model: string; device: string; bytes: number }>();
        for (const p of src.gpu().processes) {
          if (p.model === null || p.device_index == null) continue;
          const key = `${p.model}\0${p.device_index}`;
          const cur = sums.get(key) ?? { model: p.model, device: String(p.device_index), bytes: 0 };
          cur.bytes += p.used_bytes;
          sums.set(key, cur);
        }
        for (const s of sums.values()) this.set({ model: s.model, device: s.device }, s.bytes);
      },
    });
    new Gauge({
      name: 'loadout_device_memory_used_bytes', help: 'Memory in use on each device (GPU, or RAM without one).', labelNames: ['device', 'name'], registers,
      collect() {
        this.reset();
        for (const d of src.gpu().devices) this.set({ device: String(d.index), name: d.name }, d.used_bytes);
      },
    });
    new Gauge({
      name: 'loadout_device_memory_total_bytes', help: 'Memory on each device.', labelNames: ['device', 'name'], registers,
      collect() {
        this.reset();
        for (const d of src.gpu().devices) this.set({ device: String(d.index), name: d.name }, d.total_bytes);
      },
    });
  }
}
