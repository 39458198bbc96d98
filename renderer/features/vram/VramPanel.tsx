import { useDashboard } from '../../store/hooks.js';
import { Panel } from '../../ui/Panel.js';
import { DeviceCard } from './DeviceCard.js';
import './vram.css';

const SOURCE_LABEL: Record<string, string> = {
  'nvidia-smi': 'nvidia-smi',
  'amd-sysfs': 'AMD sysfs',
  ram: 'system memory',
  unified: 'unified memory',
  none: 'none',
};

export function VramPanel() {
  const gpu = useDashboard((s) => s.gpu);
  const empty = !gpu || gpu.source === 'none' || gpu.devices.length === 0;
  return (
    <Panel title="VRAM" className="vram-panel" actions={gpu && !empty ? <span className="faint">source: {SOURCE_LABEL[gpu.source] ?? gpu.source}</span> : null}>
      <div className="vram-body" tabIndex={0}>
        {gpu?.error ? <p className="vram-error" role="status">GPU sampling problem: {gpu.error}</p> : null}
        {empty ? <p className="empty">No GPU data yet</p> : gpu.devices.map((d) => <DeviceCard key={d.index} gpu={gpu} device={d} />)}
      </div>
    </Panel>
  );
}
