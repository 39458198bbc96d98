import { useLayoutEffect, useState, type RefObject } from 'react';
import { parsePixels } from './parse-pixels.js';

/**
 * A length the stylesheet owns (a custom property such as `--model-row-height`), read from the
 * element and read again whenever the element resizes, since media queries change it with the width.
 */
export function useCssPixels(ref: RefObject<HTMLElement | null>, property: string, fallback: number): number {
  const [value, setValue] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const read = (): void => setValue(parsePixels(getComputedStyle(el).getPropertyValue(property), fallback));
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, property, fallback]);
  return value;
}
