import { FoundryError } from '../../core/errors';

/** `--concurrency` as values and ranges ("1-256", "8,16,64", "1-64,128,256"): the max concurrency values to plan, or the client counts to measure. */
export function parseConcurrency(value: string): number[] {
  const out: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || lo < 1 || hi < lo || hi - lo >= 65_536) {
      throw new FoundryError({ code: 'INVALID_INPUT', message: `--concurrency: "${part}" is not a positive number or a range like 1-256.`, hint: 'Example: --concurrency 1-256 or --concurrency 8,16,64,128' });
    }
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}
