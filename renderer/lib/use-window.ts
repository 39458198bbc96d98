import { useCallback, useLayoutEffect, useRef, useState, type RefObject, type UIEvent } from 'react';
import { computeWindow, type RowWindow } from './compute-window.js';

export interface WindowedList {
  ref: RefObject<HTMLDivElement | null>;
  onScroll: (e: UIEvent<HTMLDivElement>) => void;
  window: RowWindow;
}

/** Windowing for a scroll container of fixed-height rows: only what is in view is rendered. */
export function useWindow(count: number, rowHeight: number): WindowedList {
  const ref = useRef<HTMLDivElement | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    setViewport(el.clientHeight);
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), []);
  return { ref, onScroll, window: computeWindow(scrollTop, viewport, rowHeight, count) };
}
