export interface RowWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  padTop: number;
  padBottom: number;
}

/** Which rows of a fixed-height list are in view, plus `overscan` rows either side for smooth scrolling. */
export function computeWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 6): RowWindow {
  if (count === 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count - 1, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}
