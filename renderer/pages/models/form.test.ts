import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../main/core/endpoints/types';
import { ClientError } from '../../client';
import { createInput, emptyForm, endpointFieldErrors, formFromEndpoint, NAME, updateInput } from './form';

const saved: Endpoint = {
  id: 'ep_1',
  name: 'gpt-4o-eu',
  kind: 'azure',
  baseUrl: 'https://contoso.openai.azure.com',
  upstreamModel: 'gpt4o-prod',
  apiVersion: '2024-10-21',
  keySet: true,
  keyUpdatedAt: '2026-01-01T00:00:00Z',
  caCertificates: null,
  projects: [{ id: 'prj_1', name: 'fraud' }],
  hiddenProjectCount: 0,
  fallback: { id: 'ep_2', name: 'gpt-4o' },
  requestsPerMinute: 600,
  tokensPerMinute: null,
  fallbackFor: [],
  lastTest: null,
  createdAt: '',
  createdBy: '',
  updatedAt: '',
  updatedBy: '',
};

describe('endpoint form', () => {
  it('adds with only what was typed: defaults stay the core\'s, an empty key is no key, all projects is null', () => {
    const f = { ...emptyForm(), name: ' llama ', baseUrl: 'http://vllm:8000/v1' };
    expect(createInput(f)).toEqual({ name: 'llama', kind: 'openai_compatible', baseUrl: 'http://vllm:8000/v1', projectIds: null, fallbackId: null });
    expect(createInput({ ...f, kind: 'openai', baseUrl: '', apiKey: 'sk-1', apiVersion: 'ignored' })).toEqual({ name: 'llama', kind: 'openai', apiKey: 'sk-1', projectIds: null, fallbackId: null });
  });

  it('edits without the key unless a new one was typed ("leave empty to keep")', () => {
    const f = formFromEndpoint(saved);
    expect(f).toMatchObject({ apiKey: '', allProjects: false, projectIds: ['prj_1'], fallbackId: 'ep_2', apiVersion: '2024-10-21' });
    const kept = updateInput(saved.id, f);
    expect(kept).not.toHaveProperty('apiKey');
    expect(kept).toMatchObject({ endpointId: 'ep_1', projectIds: ['prj_1'], apiVersion: '2024-10-21', fallbackId: 'ep_2' });
    expect(updateInput(saved.id, { ...f, apiKey: 'new-key', clearApiKey: true })).toMatchObject({ apiKey: 'new-key' });
    expect(updateInput(saved.id, { ...f, apiKey: 'new-key', clearApiKey: true })).not.toHaveProperty('clearApiKey');
    expect(updateInput(saved.id, { ...f, kind: 'openai_compatible', allProjects: true, fallbackId: null })).toMatchObject({ apiVersion: null, projectIds: null, fallbackId: null });
  });

  it('sends a CA bundle only when one was pasted, and null only when removal was asked for', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(createInput({ ...emptyForm(), name: 'p', caBundle: pem })).toMatchObject({ caBundle: pem });
    expect(createInput({ ...emptyForm(), name: 'p', caBundle: '  \n' })).not.toHaveProperty('caBundle');
    const f = formFromEndpoint({ ...saved, caCertificates: [{ subject: 'Root', notBefore: '', notAfter: '', fingerprint256: 'AA' }] });
    expect(f).toMatchObject({ caBundle: '', clearCaBundle: false });
    expect(updateInput(saved.id, f)).not.toHaveProperty('caBundle');
    expect(updateInput(saved.id, { ...f, clearCaBundle: true })).toMatchObject({ caBundle: null });
    expect(updateInput(saved.id, { ...f, clearCaBundle: true, caBundle: pem })).toMatchObject({ caBundle: pem });
  });

  it('sends a model\'s rates on add only when set, and always on edit, where an emptied field removes the limit', () => {
    expect(createInput({ ...emptyForm(), name: 'p', requestsPerMinute: 1200 })).toMatchObject({ requestsPerMinute: 1200 });
    expect(createInput({ ...emptyForm(), name: 'p', requestsPerMinute: 1200 })).not.toHaveProperty('tokensPerMinute');
    const f = formFromEndpoint(saved);
    expect(f).toMatchObject({ requestsPerMinute: 600, tokensPerMinute: '' });
    expect(updateInput(saved.id, f)).toMatchObject({ requestsPerMinute: 600, tokensPerMinute: null });
    expect(updateInput(saved.id, { ...f, requestsPerMinute: '', tokensPerMinute: 5000 })).toMatchObject({ requestsPerMinute: null, tokensPerMinute: 5000 });
  });

  it('shows the core\'s field issues by field, and knows the gateway name rule', () => {
    const errors = endpointFieldErrors(new ClientError({ code: 'INVALID_INPUT', message: 'x', details: [{ path: ['baseUrl'], message: 'must use https' }, { path: ['baseUrl'], message: 'again' }, { path: ['apiKey'], message: 'is required' }] }));
    expect(errors).toEqual({ baseUrl: 'must use https; again', apiKey: 'is required' });
    expect(NAME.test('meta-llama/Llama-3.1-8B:latest')).toBe(true);
    expect(NAME.test('-bad')).toBe(false);
  });
});
