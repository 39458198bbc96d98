import { describe, expect, it } from 'vitest';
import { dashboardWindowOptions } from '../../../../electron/window/window-options.js';

describe('dashboardWindowOptions', () => {
  const options = dashboardWindowOptions('/app/dist/electron/preload.cjs');

  it('isolates and sandboxes the renderer, with no Node and full web security', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.webPreferences?.experimentalFeatures).not.toBe(true);
    expect(options.webPreferences).not.toHaveProperty('enableBlinkFeatures');
  });

  it('starts hidden with a 1024×700 minimum', () => {
    expect(options).toMatchObject({ show: false, minWidth: 1024, minHeight: 700 });
  });
});
