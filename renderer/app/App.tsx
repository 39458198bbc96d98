import { AddModelDialog } from '../features/add-model/AddModelDialog.js';
import { RefusalNotices } from '../features/plan/RefusalNotices.js';
import { EventsTimeline } from '../features/events/EventsTimeline.js';
import { GroupsPanel } from '../features/groups/GroupsPanel.js';
import { LogsPanel } from '../features/logs/LogsPanel.js';
import { ModelsTable } from '../features/models/ModelsTable.js';
import { SettingsForm } from '../features/settings/SettingsForm.js';
import { VramPanel } from '../features/vram/VramPanel.js';
import { Toasts } from '../ui/Toasts.js';
import { ConfigBanner, ConfigWarningsBanner, ConnectionBanner } from './ConfigBanner.js';
import { Header } from './Header.js';
import './layout.css';

export function App() {
  return (
    <div className="app">
      <Header />
      <ConnectionBanner />
      <ConfigBanner />
      <ConfigWarningsBanner />
      <RefusalNotices />
      <Toasts />
      <main className="grid">
        <div className="area-models"><ModelsTable /></div>
        <div className="area-vram"><VramPanel /></div>
        <div className="area-groups"><GroupsPanel /></div>
        <div className="area-events"><EventsTimeline /></div>
        <div className="area-logs"><LogsPanel /></div>
        <div className="area-settings"><SettingsForm /></div>
      </main>
      <AddModelDialog />
    </div>
  );
}
