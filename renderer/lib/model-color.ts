/** A calm palette for model shares; the same model keeps its colour across the bar, legend and reloads. */
export const MODEL_COLORS = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6', '--c7', '--c8'] as const;

export function modelColorVar(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return `var(${MODEL_COLORS[h % MODEL_COLORS.length] ?? '--c1'})`;
}
