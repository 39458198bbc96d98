import path from 'node:path';

export interface TrayIconContext {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  /** `process.resourcesPath`: electron-builder copies resources/tray there (extraResources). */
  resourcesPath: string;
  /** `app.getAppPath()`: the project folder when running unpackaged. */
  appPath: string;
}

/**
 * The tray image for this platform. macOS wants a black + alpha "Template" image it recolours for light
 * and dark menu bars; Windows renders .ico crisply at every DPI; Linux StatusNotifier hosts take a PNG
 * (22 px, with @2x beside it for nativeImage to pick on HiDPI).
 */
export function trayIconFile(ctx: TrayIconContext): { file: string; template: boolean } {
  const dir = ctx.isPackaged ? path.join(ctx.resourcesPath, 'tray') : path.join(ctx.appPath, 'resources', 'tray');
  if (ctx.platform === 'darwin') return { file: path.join(dir, 'trayTemplate.png'), template: true };
  if (ctx.platform === 'win32') return { file: path.join(dir, 'tray.ico'), template: false };
  return { file: path.join(dir, 'tray.png'), template: false };
}
