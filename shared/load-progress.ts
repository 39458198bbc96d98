import type { ModelView } from './model-view.js';

/** A starting model's progress, as the dashboard, the tray and `loadout load` show it. */
export interface LoadProgress {
  /** 0..100, where the backend reports it; null: show an indeterminate bar. */
  percent: number | null;
  elapsedMs: number;
  etaMs: number | null;
  /** The models the load waits for before it can start (empty once it runs). */
  waitingFor: string[];
}

type ProgressFields = Pick<ModelView, 'state' | 'load_started_at' | 'load_eta_ms' | 'load_progress' | 'load_waiting_for'>;

/** Null unless the model is starting. */
export function loadProgress(m: ProgressFields, now: number): LoadProgress | null {
  if (m.state !== 'starting') return null;
  const since = m.load_started_at ? Date.parse(m.load_started_at) : NaN;
  return {
    percent: m.load_progress === null ? null : Math.round(Math.min(1, Math.max(0, m.load_progress)) * 100),
    elapsedMs: Number.isFinite(since) ? Math.max(0, now - since) : 0,
    etaMs: m.load_eta_ms,
    waitingFor: m.load_waiting_for,
  };
}

/** `12 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/** `45 % · 12 s of ~40 s`, `12 s of ~40 s`, `12 s`, or `waiting for gemma3-27b · 5 s`. */
export function loadProgressText(p: LoadProgress): string {
  const elapsed = formatElapsed(p.elapsedMs);
  if (p.waitingFor.length > 0) return `waiting for ${p.waitingFor.join(', ')} · ${elapsed}`;
  const time = p.etaMs === null ? elapsed : `${elapsed} of ~${formatElapsed(Math.max(1000, p.etaMs))}`;
  return p.percent === null ? time : `${p.percent} % · ${time}`;
}
