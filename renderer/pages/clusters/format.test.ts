import { describe, expect, it } from 'vitest';
import { OWNED_ELSEWHERE } from '../../../main/core/gateway/ownership';
import { gatewaySentence, gpuLine, limitsStoreWording, LIMITS_STORE_HELP, ownedElsewhere, shortGpuName } from './format';

describe('cluster wording', () => {
  it('shortens GPU product labels and sums a line per model', () => {
    expect(shortGpuName('NVIDIA-H100-80GB-HBM3')).toBe('H100-80GB-HBM3');
    expect(shortGpuName('Tesla-T4')).toBe('Tesla-T4');
    const models = [
      { product: 'NVIDIA-H100-80GB-HBM3', memoryMiB: 81559, nodes: 2, capacity: 16, allocatable: 16 },
      { product: 'NVIDIA-A100-SXM4-40GB', memoryMiB: 40960, nodes: 1, capacity: 8, allocatable: 8 },
    ];
    expect(gpuLine({ gpus: { capacity: 24, allocatable: 24, models } })).toBe('16× H100-80GB-HBM3, 8× A100-SXM4-40GB');
    expect(gpuLine({ gpus: { capacity: 0, allocatable: 0, models: [] } })).toBe('no GPUs');
    expect(gpuLine({ gpus: null })).toBe('unknown');
  });

  it('says who changed a drifted object and what a failure means', () => {
    const base = { namespace: 'foundry-system', configHash: 'abc', appliedAt: null, attemptedAt: '2026-01-01T00:00:00Z', installedAt: null, error: null, drift: [], driftCheckedAt: null };
    expect(gatewaySentence(null)).toMatch(/not been pushed/);
    expect(gatewaySentence({ ...base, state: 'drifted', drift: [{ kind: 'ConfigMap', name: 'foundry-gateway-config', state: 'modified', editedBy: ['kubectl-edit'] }] })).toBe(
      'Changed in the cluster since Foundry applied it: ConfigMap foundry-gateway-config modified by kubectl-edit. Sync to put it back.',
    );
    expect(gatewaySentence({ ...base, state: 'failed', error: { code: 'CLUSTER_UNREACHABLE', message: 'Cannot reach b.', hint: 'Check the VPN.' } })).toBe('Cannot reach b. Check the VPN.');
  });

  it('recognises a sync refused because another desktop owns the gateway, and nothing else', () => {
    const base = { namespace: 'foundry-system', configHash: 'abc', appliedAt: null, attemptedAt: '2026-01-01T00:00:00Z', installedAt: null, drift: [], driftCheckedAt: null };
    const refused = { ...base, state: 'failed' as const, error: { code: 'CONFLICT' as const, message: 'x', details: { reason: OWNED_ELSEWHERE, ownerHost: 'ada-laptop', marked: true } } };
    expect(ownedElsewhere(refused)).toEqual({ ownerHost: 'ada-laptop' });
    expect(ownedElsewhere({ ...refused, error: { ...refused.error, details: { reason: OWNED_ELSEWHERE, ownerHost: null } } })).toEqual({ ownerHost: null });
    expect(ownedElsewhere({ ...refused, error: { code: 'CLUSTER_UNREACHABLE', message: 'x' } })).toBeNull();
    expect(ownedElsewhere({ ...base, state: 'synced', error: null })).toBeNull();
    expect(ownedElsewhere(null)).toBeNull();
  });

  it('says plainly that without a limits store limits are per replica, and never shows the URL', () => {
    const none = limitsStoreWording(null);
    expect(none).toMatchObject({ label: 'Per replica', color: 'yellow' });
    expect(none.sentence).toContain('each gateway replica counts limits and budgets on its own');
    expect(none.sentence).toContain('up to N times its setting');
    const set = limitsStoreWording({ backend: 'redis', revision: 3, updatedAt: '2026-01-01T00:00:00Z', updatedBy: 'ada' });
    expect(set).toMatchObject({ label: 'Redis (shared)', color: 'teal' });
    expect(set.sentence).toMatch(/exactly.*revision 3.*never shown/);
    expect(LIMITS_STORE_HELP.clear).toContain('each replica count limits on its own');
  });
});
