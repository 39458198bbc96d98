import type { GpuDevice, GpuSnapshot } from '../../../shared/gpu.js';
import { humanBytes } from '../../../shared/units.js';
import { formatPercent, formatUsage } from '../../lib/format.js';
import { MemoryLevelLabel } from '../../ui/MemoryLevelLabel.js';
import { memoryLevel } from '../../lib/memory-level.js';
import { HistoryChart } from './HistoryChart.js';
import { deviceSegments } from './vram-data.js';

/** One device: a stacked bar of who holds its memory, a legend, and the recent history. */
export function DeviceCard({ gpu, device }: { gpu: GpuSnapshot; device: GpuDevice }) {
  const segments = deviceSegments(gpu, device);
  const total = Math.max(device.total_bytes, 1);
  const title = gpu.source === 'ram' ? 'System memory (no GPU detected)' : `GPU ${device.index} · ${device.name}`;
  const level = memoryLevel(device.used_bytes, device.total_bytes);
  return (
    <div className={`device device-${level}`}>
      <div className="device-head">
        <h3 title={title}>{title}</h3>
        <span className="device-usage muted">
          <MemoryLevelLabel level={level} />
          {formatUsage(device.used_bytes, device.total_bytes)} <span className="faint">({formatPercent(device.used_bytes, device.total_bytes)})</span>
        </span>
      </div>
      <div className="stack" role="img" aria-label={`${title}: ${segments.map((s) => `${s.label} ${humanBytes(s.bytes)}`).join(', ')}`}>
        {segments.map((s) =>
          s.bytes > 0 ? <span key={s.key} className={`stack-seg stack-${s.kind}`} style={{ width: `${(s.bytes / total) * 100}%`, background: s.color }} title={`${s.label}: ${humanBytes(s.bytes)}`} /> : null,
        )}
      </div>
      <ul className="legend">
        {segments.map((s) => (
          <li key={s.key}>
            <span className="legend-swatch" style={{ background: s.color }} aria-hidden="true" />
            <span className="legend-label">{s.label}</span>
            <span className="legend-value muted">{humanBytes(s.bytes)}</span>
          </li>
        ))}
      </ul>
      <HistoryChart position={gpu.devices.indexOf(device)} total={device.total_bytes} label={title} />
    </div>
  );
}
