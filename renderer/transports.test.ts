import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CoreEvent } from '../main/core/transport';
import { createWebTransport, eventsUrl, isResult } from './transports';

class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onclose: ((ev?: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
}

function transport() {
  FakeSocket.all = [];
  return createWebTransport({
    origin: 'http://127.0.0.1:4000',
    launchToken: 'L&1',
    fetch: vi.fn() as unknown as typeof fetch,
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    minDelayMs: 100,
    maxDelayMs: 400,
  });
}

const jobEvent: CoreEvent = {
  kind: 'log',
  jobId: 'j1',
  line: { seq: 1, at: '2026-01-01T00:00:00Z', level: 'info', message: 'hello' },
};

afterEach(() => vi.useRealTimers());

describe('browser-mode events', () => {
  it('builds a ws:// URL on the same host with both tokens encoded', () => {
    expect(eventsUrl('http://127.0.0.1:4000', 'L&1', 's 2')).toBe('ws://127.0.0.1:4000/api/events?token=L%261&session=s+2');
  });

  it('delivers parsed JSON events and ignores malformed frames', () => {
    const t = transport();
    const listener = vi.fn();
    t.subscribe('s', listener);
    const socket = FakeSocket.all[0]!;
    socket.onmessage?.({ data: 'not json' });
    socket.onmessage?.({ data: JSON.stringify(jobEvent) });
    expect(listener).toHaveBeenCalledExactlyOnceWith(jobEvent);
  });

  it('reconnects with growing delays, resets after a successful open, and stops when unsubscribed', () => {
    vi.useFakeTimers();
    const t = transport();
    const status = vi.fn();
    const off = t.subscribe('s', () => undefined, status);
    FakeSocket.all[0]!.onclose?.();
    expect(status).toHaveBeenLastCalledWith('closed');
    vi.advanceTimersByTime(99);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.onclose?.();
    vi.advanceTimersByTime(199);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    FakeSocket.all[2]!.onopen?.();
    expect(status).toHaveBeenLastCalledWith('open');
    FakeSocket.all[2]!.onclose?.();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(4);
    off();
    expect(FakeSocket.all[3]!.closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(4);
  });
});

it('stops reconnecting when the server refuses the session', () => {
  vi.useFakeTimers();
  const t = transport();
  t.subscribe('expired', () => undefined);
  FakeSocket.all[0]!.onclose?.({ code: 4401 });
  vi.advanceTimersByTime(60_000);
  expect(FakeSocket.all).toHaveLength(1);
});

describe('isResult', () => {
  it('accepts both Result shapes and rejects anything else', () => {
    expect(isResult({ ok: true, value: null })).toBe(true);
    expect(isResult({ ok: false, error: { code: 'INTERNAL', message: 'x' } })).toBe(true);
    expect(isResult({ ok: false })).toBe(false);
    expect(isResult({ ok: true })).toBe(false);
    expect(isResult('ok')).toBe(false);
    expect(isResult(null)).toBe(false);
  });
});
