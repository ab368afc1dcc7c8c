import { describe, expect, it } from 'vitest';
import { ERROR_CODES, FoundryError, exitCodeOf, fail, fromShape, httpStatusOf, toFoundryError } from './errors';

describe('FoundryError', () => {
  it('maps every code to an HTTP status and a CLI exit code', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(httpStatusOf(code)).toBeGreaterThanOrEqual(400);
      expect(exitCodeOf(code)).toBeGreaterThan(0);
    }
  });

  it('hides the text of unexpected errors, which may carry paths or secrets', () => {
    const err = toFoundryError(new Error('ENOENT /home/ada/.kube/secret-token-123'));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).not.toContain('secret-token');
    expect(JSON.stringify(fail(new Error('password=hunter2')))).not.toContain('hunter2');
  });

  it('survives a round trip through its wire shape', () => {
    const original = new FoundryError({ code: 'CONFLICT', message: 'taken', hint: 'pick another', details: { a: 1 } });
    const back = fromShape(JSON.parse(JSON.stringify(original.toJSON())));
    expect(back).toBeInstanceOf(FoundryError);
    expect(back.toJSON()).toEqual(original.toJSON());
  });

  it('treats an unknown code from the wire as INTERNAL', () => {
    expect(fromShape({ code: 'NOPE' as never, message: 'x' }).code).toBe('INTERNAL');
  });
});
