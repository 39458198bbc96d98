/**
 * A strict parser for the Prometheus text exposition format (0.0.4), for tests: every line must be
 * HELP, TYPE, a sample or blank; every sample must belong to a family declared by TYPE before it;
 * label values must be properly escaped; histograms must have cumulative buckets ending in +Inf that
 * equal their _count. Throws with the line number on the first violation.
 */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | null;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUFFIXES: Record<PromFamily['type'], string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

function parseValue(s: string, line: number): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value "${s}"`);
  return Number(s);
}

function parseLabels(s: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without "="`);
    const name = s.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label "${name}" twice`);
    if (s[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let v = '';
    let j = eq + 2;
    for (;;) {
      const ch = s[j];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === '"') break;
      if (ch === '\\') {
        const next = s[j + 1];
        if (next === 'n') v += '\n';
        else if (next === '\\' || next === '"') v += next;
        else throw new Error(`line ${line}: bad escape \\${next ?? ''}`);
        j += 2;
      } else {
        v += ch;
        j++;
      }
    }
    labels[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
    else if (i < s.length) throw new Error(`line ${line}: expected "," after label "${name}"`);
  }
  return labels;
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('the exposition must end with a newline');
  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw === '') return;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (!NAME.test(name!)) throw new Error(`line ${line}: bad metric name "${name}"`);
      const fam = families.get(name!) ?? { name: name!, type: 'untyped' as const, help: null, samples: [] };
      if (kind === 'HELP') fam.help = rest ?? '';
      else {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest ?? '')) throw new Error(`line ${line}: bad type "${rest}"`);
        if (fam.samples.length) throw new Error(`line ${line}: TYPE after samples of ${name}`);
        fam.type = rest as PromFamily['type'];
      }
      families.set(name!, fam);
      return;
    }
    if (raw.startsWith('#')) return; // a comment
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, labelText, value] = m;
    const fam = [...families.values()].find((f) => SUFFIXES[f.type].some((sfx) => f.name + sfx === name));
    if (!fam) throw new Error(`line ${line}: sample ${name} has no TYPE declared before it`);
    fam.samples.push({ name: name!, labels: parseLabels(labelText ?? '', line), value: parseValue(value!, line) });
  });
  for (const fam of families.values()) if (fam.type === 'histogram') checkHistogram(fam);
  return families;
}

function checkHistogram(fam: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count: number | null }>();
  const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).filter(([k]) => k !== 'le').sort());
  for (const s of fam.samples) {
    const k = key(s.labels);
    const cur = series.get(k) ?? { buckets: [], count: null };
    if (s.name.endsWith('_bucket')) {
      if (s.labels.le === undefined) throw new Error(`${fam.name}: bucket without le`);
      cur.buckets.push([parseValue(s.labels.le, 0), s.value]);
    } else if (s.name.endsWith('_count')) cur.count = s.value;
    series.set(k, cur);
  }
  for (const [k, s] of series) {
    const sorted = [...s.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) if (sorted[i]![1] < sorted[i - 1]![1]) throw new Error(`${fam.name}${k}: buckets not cumulative`);
    const inf = sorted[sorted.length - 1];
    if (!inf || inf[0] !== Infinity) throw new Error(`${fam.name}${k}: no +Inf bucket`);
    if (inf[1] !== s.count) throw new Error(`${fam.name}${k}: +Inf bucket ${inf[1]} != count ${s.count}`);
  }
}

/** The value of one sample, by name and (a subset of) its labels; undefined when absent. */
export function sampleValue(families: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const fam of families.values()) {
    for (const s of fam.samples) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
    }
  }
  return undefined;
}
