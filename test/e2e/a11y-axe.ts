// axe-core in a real page: inject the library, run it, and turn what it finds into readable lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './harness.js';

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** The impacts that fail the suite (axe's `serious` and `critical`). */
export const BLOCKING_IMPACTS = ['serious', 'critical'] as const;

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** Injects axe once per document (a reload or navigation drops it). */
async function ensureAxe(page: Page): Promise<void> {
  const present = await page.evaluate('typeof window.axe === "object"');
  if (!present) await page.addScriptTag({ content: AXE_SOURCE });
}

/** Every violation axe finds in the page as it is now (WCAG 2.0–2.2 A/AA rules and best practices). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await ensureAxe(page);
  const run = `window.axe.run(document, {
    resultTypes: ['violations'],
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
  })))`;
  return (await page.evaluate(run)) as AxeViolation[];
}

export function blocking(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => (BLOCKING_IMPACTS as readonly (string | null)[]).includes(v.impact));
}

/** One paragraph per violation: rule, impact, what it means, and each element with axe's explanation. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  const parts = violations.map((v) => {
    const nodes = v.nodes.slice(0, 8).map((n) => {
      const summary = (n.failureSummary ?? '').split('\n').map((l) => `        ${l.trim()}`).join('\n');
      return `    - ${JSON.stringify(n.target)}\n      ${n.html.slice(0, 240)}\n${summary}`;
    });
    const more = v.nodes.length > 8 ? [`    … and ${v.nodes.length - 8} more`] : [];
    return [`  [${v.impact ?? 'unknown'}] ${v.id}: ${v.help} (${v.helpUrl})`, ...nodes, ...more].join('\n');
  });
  return `${violations.length} serious or critical accessibility violation(s) in ${where}:\n${parts.join('\n')}`;
}

/** Fails with every blocking violation spelled out; returns the minor ones for the caller to ignore or log. */
export async function expectNoBlockingViolations(page: Page, where: string): Promise<AxeViolation[]> {
  const all = await axeViolations(page);
  const bad = blocking(all);
  if (bad.length > 0) throw new Error(describeViolations(where, bad));
  return all;
}
