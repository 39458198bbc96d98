import { useEffect, useState, type RefObject } from 'react';

export type CopyResult = 'copied' | 'selected' | null;

/** How long "Copied" stays on the button. */
const FEEDBACK_MS = 2000;

/** Selects the element's text so the user can copy it by hand (the Clipboard API is refused on plain-HTTP LAN origins). */
export function selectText(el: HTMLElement | null): void {
  const selection = window.getSelection();
  if (!el || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(el);
  selection.removeAllRanges();
  selection.addRange(range);
}

/** Copies `text`, else selects `fallback`'s text; the result shows for a moment, then clears. */
export function useCopy(fallback: RefObject<HTMLElement | null>): { result: CopyResult; copy: (text: string) => Promise<void> } {
  const [result, setResult] = useState<CopyResult>(null);
  useEffect(() => {
    if (!result) return;
    const t = window.setTimeout(() => setResult(null), FEEDBACK_MS);
    return () => window.clearTimeout(t);
  }, [result]);
  const copy = async (text: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      selectText(fallback.current);
      setResult('selected');
    }
  };
  return { result, copy };
}
