import type { GpuDevice, GpuHistoryPoint, GpuSnapshot } from '../../../shared/gpu.js';
import { logAt, logSize, type AppendLog } from '../../store/append-log.js';
import { modelColorVar } from '../../lib/model-color.js';

export interface Segment {
  key: string;
  label: string;
  bytes: number;
  color: string;
  kind: 'model' | 'other' | 'free';
}

/**
 * One device's memory split: each model's share (from per-process attribution), everything else the
 * device reports as used ("other processes"), and free. Processes without a device index count on the
 * only device when there is one; with several devices they cannot be placed and stay in "other".
 */
export function deviceSegments(gpu: GpuSnapshot, device: GpuDevice): Segment[] {
  const perModel = new Map<string, number>();
  for (const p of gpu.processes) {
    if (!p.model) continue;
    const onDevice = p.device_index ?? (gpu.devices.length === 1 ? device.index : null);
    if (onDevice !== device.index) continue;
    perModel.set(p.model, (perModel.get(p.model) ?? 0) + p.used_bytes);
  }
  const models = [...perModel.entries()].sort((a, b) => b[1] - a[1]);
  const modelBytes = models.reduce((sum, [, b]) => sum + b, 0);
  const used = Math.max(device.used_bytes, modelBytes);
  const segments: Segment[] = models.map(([name, bytes]) => ({ key: `m:${name}`, label: name, bytes, color: modelColorVar(name), kind: 'model' }));
  const other = used - modelBytes;
  if (other > 0) segments.push({ key: 'other', label: 'Other processes', bytes: other, color: 'var(--other)', kind: 'other' });
  const free = Math.max(0, device.total_bytes - used);
  segments.push({ key: 'free', label: 'Free', bytes: free, color: 'var(--free)', kind: 'free' });
  return segments;
}

export interface SeriesPoint {
  t: number;
  used: number;
}

/** The used-bytes series of one device inside [fromMs, toMs]. */
export function deviceSeries(history: AppendLog<GpuHistoryPoint>, deviceIndex: number, fromMs: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  const n = logSize(history);
  for (let i = 0; i < n; i++) {
    const p = logAt(history, i);
    if (!p) continue;
    const t = Date.parse(p.at);
    const used = p.used[deviceIndex];
    if (t >= fromMs && used !== undefined) out.push({ t, used });
  }
  return out;
}

/** SVG path data for a line and the area under it, in a width×height box, y from 0 to `total`. */
export function chartPaths(series: readonly SeriesPoint[], total: number, width: number, height: number, fromMs: number, toMs: number): { line: string; area: string } {
  if (series.length === 0 || total <= 0 || toMs <= fromMs) return { line: '', area: '' };
  const x = (t: number): number => ((t - fromMs) / (toMs - fromMs)) * width;
  const y = (v: number): number => height - (Math.min(Math.max(v, 0), total) / total) * height;
  const pts = series.map((p) => `${x(p.t).toFixed(1)},${y(p.used).toFixed(1)}`);
  const line = `M${pts.join('L')}`;
  const first = series[0] as SeriesPoint;
  const last = series[series.length - 1] as SeriesPoint;
  const area = `${line}L${x(last.t).toFixed(1)},${height}L${x(first.t).toFixed(1)},${height}Z`;
  return { line, area };
}

export interface Band {
  model: string;
  d: string;
}

/**
 * Stacked areas of each model's memory on one device over time (the device's total is drawn as a line
 * on top; the gap between the stack and the line is other processes). Models stack in name order so a
 * band keeps its place from sample to sample.
 */
export function modelBands(history: AppendLog<GpuHistoryPoint>, position: number, total: number, width: number, height: number, fromMs: number, toMs: number): Band[] {
  if (total <= 0 || toMs <= fromMs) return [];
  const points: { t: number; models: Record<string, number> }[] = [];
  const names = new Set<string>();
  const n = logSize(history);
  for (let i = 0; i < n; i++) {
    const p = logAt(history, i);
    const models = p?.device_models?.[position];
    if (!p || !models) continue;
    const t = Date.parse(p.at);
    if (t < fromMs) continue;
    points.push({ t, models });
    for (const name of Object.keys(models)) names.add(name);
  }
  if (points.length === 0) return [];
  const x = (t: number): string => (((t - fromMs) / (toMs - fromMs)) * width).toFixed(1);
  const y = (v: number): string => (height - (Math.min(Math.max(v, 0), total) / total) * height).toFixed(1);
  const order = [...names].sort();
  const below = points.map(() => 0);
  const bands: Band[] = [];
  for (const model of order) {
    const above = points.map((p, i) => below[i]! + (p.models[model] ?? 0));
    const top = points.map((p, i) => `${x(p.t)},${y(above[i]!)}`);
    const bottom = points.map((p, i) => `${x(p.t)},${y(below[i]!)}`).reverse();
    bands.push({ model, d: `M${top.join('L')}L${bottom.join('L')}Z` });
    above.forEach((v, i) => (below[i] = v));
  }
  return bands;
}
