/**
 * The page's "max concurrency" field: a list of values and ranges such as `1-256`, `8,16,64` or `1-64,128,256`,
 * read with the limits the core's schema applies (optimizer:run's `concurrency`). The CLI reads the same
 * syntax for `--concurrency`; the renderer may not import its parser, so the rule lives here too.
 */
export const MAX_CONCURRENCY = 65_536;
export const MAX_VALUES = 4096;

export type ConcurrencyParse = { values: number[] } | { error: string };

/** Sorted, deduplicated values, or what is wrong with the text in words for the field. */
export function parseConcurrency(text: string): ConcurrencyParse {
  const values = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') return { error: 'An empty item: write values like 8,16,64 or a range like 1-256' };
    const m = /^(\d+)\s*(?:[-–]\s*(\d+))?$/.exec(part);
    if (!m) return { error: `"${part}" is not a number or a range like 1-256` };
    const lo = Number(m[1]);
    const hi = Number(m[2] ?? m[1]);
    if (lo < 1) return { error: 'Concurrency starts at 1' };
    if (hi < lo) return { error: `"${part}" runs backwards: write the smaller value first` };
    if (hi > MAX_CONCURRENCY) return { error: `At most ${MAX_CONCURRENCY.toLocaleString('en-US')} sequences` };
    if (hi - lo + 1 + values.size > MAX_VALUES * 2) return { error: tooMany() };
    for (let c = lo; c <= hi; c++) values.add(c);
  }
  if (values.size > MAX_VALUES) return { error: tooMany() };
  return { values: [...values].sort((a, b) => a - b) };
}

const tooMany = () => `At most ${MAX_VALUES.toLocaleString('en-US')} values; a range such as 1-4096 is the widest`;

/** The shortest text for a list of values: runs of three or more become ranges (1,2,3,8 → "1-3,8"). */
export function formatConcurrency(values: readonly number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}
