/** CONTRACT §3: `busy` is not a state; a `ready` model with `inflight > 0` is busy. */
export const MODEL_STATES = ['stopped', 'starting', 'ready', 'stopping', 'failed'] as const;
export type ModelState = (typeof MODEL_STATES)[number];

/** CONTRACT §4 `ModelView`, plus a few read-only extensions (aliases, backend, ttl). */
export interface ModelView {
  name: string;
  state: ModelState;
  pinned: boolean;
  groups: string[];
  pid: number | null;
  port: number | null;
  inflight: number;
  loaded_at: string | null;
  last_used_at: string | null;
  idle_deadline: string | null;
  vram_bytes: number | null;
  error: ModelError | null;
  aliases: string[];
  backend: string | null;
  /** Estimated or configured memory need in bytes, when known (used for fit-before-load). */
  vram_estimate_bytes: number | null;
  /** Where the model comes from: the config's `models:`, a models_dir file, or a GGUF file found by discovery. */
  source: ModelSource;
  /** The model file (`${MODEL}`), when it has one. */
  model_file: string | null;
  /** Multimodal projector attached to it (`--mmproj`). */
  mmproj: string | null;
  /** What the GGUF header says (discovered models). */
  gguf: GgufInfo | null;
}

export type ModelSource = 'config' | 'models_dir' | 'discovered';

export interface GgufInfo {
  /** Every file of the model (split models have several). */
  files: string[];
  size_bytes: number;
  architecture: string | null;
  parameters: number;
  quantization: string | null;
  /** The context length it was trained for. */
  context_length: number | null;
}

export interface ModelError {
  code: string;
  message: string;
  exit_code: number | null;
  log_tail: string[];
  at: string;
}
