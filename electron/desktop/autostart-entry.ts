/**
 * The freedesktop autostart entry Linux desktops read from ~/.config/autostart/ (Electron's
 * setLoginItemSettings covers macOS and Windows only).
 */
export function autostartDesktopEntry(command: string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Loadout',
    'Comment=Keep local AI models loaded',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=loadout',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Desktop Entry spec: arguments with reserved characters are double-quoted, and `"` `` ` `` `$` `\` escaped. */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartFile(env: NodeJS.ProcessEnv, homeDir: string): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : `${homeDir}/.config`;
  return `${configHome}/autostart/loadout.desktop`;
}
