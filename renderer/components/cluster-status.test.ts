import { describe, expect, it } from 'vitest';
import { clusterStatusLine } from './cluster-status';

describe('status bar cluster line', () => {
  it('says what a user without cluster access, an empty fleet and a fleet with trouble look like', () => {
    expect(clusterStatusLine(null).text).toBe('Clusters');
    expect(clusterStatusLine([])).toEqual({ text: 'No clusters', tooltip: 'Import a kubeconfig on the Clusters page' });
    expect(clusterStatusLine([{ name: 'a', health: 'ok' }]).text).toBe('1 cluster');
    const mixed = clusterStatusLine([
      { name: 'a', health: 'ok' },
      { name: 'b', health: 'unreachable' },
      { name: 'c', health: 'unknown' },
    ]);
    expect(mixed).toEqual({ text: '3 clusters · 1 needs attention', tooltip: 'b: unreachable' });
  });
});
