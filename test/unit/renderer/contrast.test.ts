// The colour tokens meet WCAG AA in both themes: each pair below is a foreground the styles put on a
// background (the file and rule in the comment), and its contrast is computed from tokens.css.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AA_NON_TEXT, AA_TEXT, contrastRatio, parseHex } from '../../../renderer/lib/contrast.js';

const TOKENS = readFileSync(new URL('../../../renderer/styles/tokens.css', import.meta.url), 'utf8');

/** The `--name: #hex` declarations of one rule block of tokens.css. */
function tokenBlock(selector: string): Record<string, string> {
  const start = TOKENS.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`tokens.css has no ${selector} block`);
  const body = TOKENS.slice(start, TOKENS.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b/g)].map((m) => [m[1]!, m[2]!]));
}

const light = tokenBlock(':root');
const THEMES: Record<string, Record<string, string>> = { light, dark: { ...light, ...tokenBlock(':root[data-theme="dark"]') } };

/** A token name, or a literal colour the styles use as is. */
function colour(theme: Record<string, string>, ref: string): string {
  if (ref.startsWith('#')) return ref;
  const v = theme[ref];
  if (!v) throw new Error(`no --${ref} in tokens.css`);
  return v;
}

type Pair = [fg: string, bg: string, where: string];

const TEXT: Pair[] = [
  ...(['bg', 'surface', 'surface-2', 'accent-soft', 'bad-soft', 'warn-soft'] as const).map((bg): Pair => ['text', bg, 'body text, row following logs, banners']),
  ...(['bg', 'surface', 'surface-2', 'accent-soft', 'idle-soft'] as const).map((bg): Pair => ['text-2', bg, '.muted, table headings, chips']),
  ...(['bg', 'surface', 'surface-2', 'accent-soft'] as const).map((bg): Pair => ['text-3', bg, '.faint: version, pid line, times, placeholders']),
  ['ok', 'ok-soft', 'Ready badge, member holding a group'],
  ['ok', 'surface', 'group holder, settings saved'],
  ['warn', 'warn-soft', 'Starting and Stopping badges, warnings'],
  ['warn', 'surface', 'memory warning label'],
  ['busy', 'busy-soft', 'Busy badge'],
  ['bad', 'bad-soft', 'Failed badge, exit chip, hovered error link'],
  ['bad', 'surface', 'last error link, setting errors, memory critical label'],
  ['bad', 'surface-2', 'last error link on a hovered row'],
  ['idle', 'idle-soft', 'Stopped badge'],
  ['accent', 'accent-soft', 'info events'],
  ['accent', 'surface', 'links and accents'],
  ['#ffffff', 'accent-btn', '.btn-primary label'],
];

const NON_TEXT: Pair[] = [
  ['focus', 'surface', 'focus ring on panels'],
  ['focus', 'bg', 'focus ring between panels'],
  ['focus', 'surface-2', 'focus ring in headings and hovered rows'],
  ['control-border', 'surface', 'edge of fields and the pin switch'],
  ['accent', 'surface', 'pin switch when on'],
  ['accent', 'free', 'memory meter fill'],
  ['warn', 'free', 'memory meter at warning use'],
  ['bad', 'free', 'memory meter at critical use'],
];

describe('contrast arithmetic', () => {
  it('gives 21:1 for black on white and 1:1 for a colour on itself', () => {
    expect(contrastRatio('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#2a64c8', '#2a64c8')).toBe(1);
  });

  it('matches a published ratio (#767676 on white is the lightest grey that passes AA, 4.54:1)', () => {
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(AA_TEXT);
  });

  it('rejects what is not a hex colour', () => {
    expect(() => parseHex('rgb(0,0,0)')).toThrow(/not a hex colour/);
  });
});

describe('colour tokens', () => {
  for (const [theme, tokens] of Object.entries(THEMES)) {
    it(`every text pair has at least 4.5:1 in the ${theme} theme`, () => {
      const failing = TEXT.map(([fg, bg, where]) => ({ pair: `${fg} on ${bg} (${where})`, ratio: contrastRatio(colour(tokens, fg), colour(tokens, bg)) })).filter((p) => p.ratio < AA_TEXT);
      expect(failing.map((p) => `${p.pair}: ${p.ratio.toFixed(2)}:1`)).toEqual([]);
    });

    it(`focus rings, control edges and meters have at least 3:1 in the ${theme} theme`, () => {
      const failing = NON_TEXT.map(([fg, bg, where]) => ({ pair: `${fg} on ${bg} (${where})`, ratio: contrastRatio(colour(tokens, fg), colour(tokens, bg)) })).filter((p) => p.ratio < AA_NON_TEXT);
      expect(failing.map((p) => `${p.pair}: ${p.ratio.toFixed(2)}:1`)).toEqual([]);
    });
  }
});
