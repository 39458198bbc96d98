import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../helpers/prom-text.js';

// The test parser must reject what Prometheus would, or the /metrics tests prove nothing.
describe('parsePrometheusText (test helper)', () => {
  it('parses families, escaped label values and special values', () => {
    const m = parsePrometheusText('# HELP x_total Things.\n# TYPE x_total counter\nx_total{a="q\\"uote\\\\ \\n",b="2"} 3\n# TYPE g gauge\ng +Inf\n');
    expect(sampleValue(m, 'x_total', { a: 'q"uote\\ \n' })).toBe(3);
    expect(sampleValue(m, 'g')).toBe(Infinity);
    expect(m.get('x_total')?.help).toBe('Things.');
  });

  it('rejects samples without a TYPE, bad values, bad escapes and broken histograms', () => {
    expect(() => parsePrometheusText('x 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx one\n')).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx{a="\\t"} 1\n')).toThrow(/bad escape/);
    expect(() => parsePrometheusText('# TYPE x gauge\nx 1')).toThrow(/newline/);
    const h = (inf: number) => `# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} ${inf}\nh_sum 3\nh_count 3\n`;
    expect(() => parsePrometheusText(h(3))).not.toThrow();
    expect(() => parsePrometheusText(h(1))).toThrow(/not cumulative/);
    expect(() => parsePrometheusText(h(4))).toThrow(/!= count/);
  });
});
