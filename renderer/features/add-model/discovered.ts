import type { ModelView } from '../../../shared/model-view.js';

/** The models discovery found that are not in the config yet, in name order. */
export function discoveredModels(models: Readonly<Record<string, ModelView>>, names: readonly string[]): ModelView[] {
  return names.map((n) => models[n]).filter((m): m is ModelView => m !== undefined && m.source === 'discovered');
}

/** Paths the Add model path field completes from: every discovered model's file. */
export function fileSuggestions(models: readonly ModelView[]): string[] {
  return [...new Set(models.map((m) => m.model_file).filter((f): f is string => f !== null))].sort();
}

/** `32k` for a context length in tokens. */
export function formatContext(tokens: number | null): string {
  if (tokens === null) return '—';
  return tokens >= 1024 && tokens % 1024 === 0 ? `${tokens / 1024}k` : String(tokens);
}
