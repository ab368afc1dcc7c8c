import { describe, expect, it } from 'vitest';
import { compact, limitInput, limitParts, limitProblem, limitValue, limitInputs, limitValues } from './limits';

describe('limits in the UI', () => {
  it('show only the limits that are set, short for tables and exact for tooltips', () => {
    expect(limitParts({ requestsPerMinute: 600, tokensPerMinute: 2_000_000, monthlyTokenBudget: 50_000_000 }).map((p) => p.short)).toEqual(['600 rpm', '2M tpm', '50M tokens/mo']);
    expect(limitParts({ requestsPerMinute: null, tokensPerMinute: 1_250, monthlyTokenBudget: null }).map((p) => p.long)).toEqual(['1,250 tokens per minute']);
    expect(limitParts({ requestsPerMinute: null, tokensPerMinute: null })).toEqual([]);
    expect(compact(1_500)).toBe('1.5K');
  });

  it('map an empty field to no limit and a number to itself; refuse what is not a whole positive number', () => {
    expect(limitInput('')).toBeNull();
    expect(limitInput(' ')).toBeNull();
    expect(limitInput(600)).toBe(600);
    expect(limitInput('2,000')).toBe(2000);
    expect(limitValue(null)).toBe('');
    expect(limitValue(5)).toBe(5);
    expect(limitProblem('')).toBeNull();
    expect(limitProblem(600)).toBeNull();
    expect(limitProblem(0)).toBe('must be at least 1; leave it empty for no limit');
    expect(limitProblem('-')).toBe('must be a whole number');
    expect(limitProblem(2.5)).toBe('must be a whole number');
  });

  it("turn a subject's three limits into form values and back, empty meaning none", () => {
    const values = limitValues({ requestsPerMinute: 600, tokensPerMinute: null, monthlyTokenBudget: 50_000_000 });
    expect(values).toEqual({ requestsPerMinute: 600, tokensPerMinute: '', monthlyTokenBudget: 50_000_000 });
    expect(limitInputs({ ...values, tokensPerMinute: '2,000,000' })).toEqual({ requestsPerMinute: 600, tokensPerMinute: 2_000_000, monthlyTokenBudget: 50_000_000 });
  });
});
