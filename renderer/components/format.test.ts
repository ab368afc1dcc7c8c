import { describe, expect, it } from 'vitest';
import { formatNumber, formatTime, localInputToIso } from './format';

describe('formatting', () => {
  it('turns a datetime-local value into an ISO instant, and empty into null', () => {
    const iso = localInputToIso('2027-01-31T09:30');
    expect(iso).toMatch(/^2027-01-3[01]T\d\d:30:00\.000Z$/);
    expect(new Date(iso!).getTime()).toBe(new Date('2027-01-31T09:30').getTime());
    expect(localInputToIso('')).toBeNull();
    expect(localInputToIso('not a date')).toBeNull();
  });

  it('shows a dash for missing values', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatNumber(null)).toBe('—');
  });
});
