import { Button, Group, NumberInput, PasswordInput, Progress, Select, Text, TextInput } from '@mantine/core';
import { IconGauge, IconPlayerStop } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Endpoint } from '../../../main/core/endpoints/types';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import type { PlaygroundGateway } from '../../../main/core/playground/types';
import { ClientError, call, toClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../stores/abilities';
import { isActive } from '../../stores/job-events';
import { useJobs } from '../../stores/jobs';
import { parseConcurrency } from './concurrency';
import { toNum } from './form';
import type { OptimizerMeasurement } from './measure';

const MEASURABLE = new Set<Endpoint['kind']>(['openai_compatible', 'openai']);
const DIRECTLY = 'direct';

/**
 * Measures the deployed plan from here: a closed-loop load test of an endpoint on the Models page, run as a job
 * (progress in the jobs drawer too), whose result is recorded like any other measurement.
 */
export function MeasureEndpoint({ run, planIndex, isl, osl, concurrency, onMeasured }: { run: OptimizerRun; planIndex: number | null; isl: number | ''; osl: number | ''; concurrency: number | ''; onMeasured(m: OptimizerMeasurement): void }) {
  const canList = useCan('model:view');
  const canReachGateways = useCan('playground:use');
  const track = useJobs((s) => s.track);
  const cancel = useJobs((s) => s.cancel);
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [endpointId, setEndpointId] = useState<string | null>(null);
  // Directly to the engine, or through the Foundry gateway of a cluster (by its API server, as the Playground goes),
  // with a gateway key that stays in this component's memory and goes to the job alone.
  const [gateways, setGateways] = useState<PlaygroundGateway[]>([]);
  const [through, setThrough] = useState<string>(DIRECTLY);
  const [gatewayKey, setGatewayKey] = useState('');
  // One client count, or a sweep such as "4, 16, 64": each level becomes a measurement, and two calibrate.
  const [clients, setClients] = useState(String(concurrency));
  const [requests, setRequests] = useState<number | ''>('');
  const [jobId, setJobId] = useState<string | null>(null);
  const [error, setError] = useState<ClientError | null>(null);
  const job = useJobs((s) => (jobId ? s.jobs.find((j) => j.id === jobId) : undefined));

  useEffect(() => {
    if (!canList) return;
    call('endpoints:list', {})
      .then((list) => {
        const usable = list.filter((e) => MEASURABLE.has(e.kind));
        setEndpoints(usable);
        setEndpointId((id) => id ?? usable[0]?.id ?? null);
      })
      .catch((err: unknown) => setError(toClientError(err)));
  }, [canList]);
  useEffect(() => {
    if (!canReachGateways) return;
    call('playground:gateways', {})
      .then(setGateways)
      .catch((err: unknown) => setError(toClientError(err)));
  }, [canReachGateways]);
  useEffect(() => setClients(String(concurrency)), [concurrency]);
  const viaGateway = through !== DIRECTLY;
  const keyMissing = viaGateway && gatewayKey.trim() === '';
  const parsed = parseConcurrency(clients);
  const levels = 'values' in parsed ? parsed.values : null;
  const clientsError = 'error' in parsed ? parsed.error : levels && levels.length > 8 ? 'At most 8 levels in one sweep' : levels && levels.at(-1)! > 1024 ? 'At most 1,024 clients' : undefined;

  // A finished job hands its measurement over once; a failed one shows why beside the button.
  useEffect(() => {
    if (!job || isActive(job)) return;
    if (job.status === 'succeeded') for (const m of (job.result as { measurements: OptimizerMeasurement[] }).measurements) onMeasured(m);
    else if (job.error && job.status === 'failed') setError(new ClientError(job.error as ConstructorParameters<typeof ClientError>[0]));
    setJobId(null);
  }, [job, onMeasured]);

  if (endpoints === null) return null;
  if (endpoints.length === 0) {
    return (
      <Text size="xs" c="dimmed" data-testid="measure-endpoint-none">
        To measure the deployed plan from here, add its engine (vLLM, SGLang, llama.cpp) as an OpenAI-compatible endpoint on the Models page.
      </Text>
    );
  }

  const start = async () => {
    if (!endpointId || !levels || clientsError || planIndex === null || keyMissing) return;
    setError(null);
    try {
      const started = await call('optimizer:measure-endpoint', {
        runId: run.id,
        planIndex,
        endpointId,
        ...(viaGateway ? { through: { clusterId: through, apiKey: gatewayKey.trim() } } : {}),
        concurrency: levels.length === 1 ? levels[0]! : levels,
        ...(requests === '' ? {} : { requests }),
        ...(isl === '' ? {} : { isl }),
        ...(osl === '' ? {} : { osl }),
      });
      track(started);
      setJobId(started.id);
    } catch (err) {
      setError(toClientError(err));
    }
  };

  const running = job !== undefined && isActive(job);
  return (
    <>
      <Group gap="xs" align="flex-end" wrap="wrap" data-testid="measure-endpoint">
        <Select size="xs" label="Or measure an endpoint" data={endpoints.map((e) => ({ value: e.id, label: `${e.name} (${e.upstreamModel})` }))} value={endpointId} onChange={setEndpointId} allowDeselect={false} disabled={running} w={280} data-testid="measure-endpoint-select" />
        {gateways.length > 0 && (
          <Select
            size="xs"
            label="Through"
            data={[{ value: DIRECTLY, label: 'Directly' }, ...gateways.map((g) => ({ value: g.clusterId, label: `the gateway in ${g.name}` }))]}
            value={through}
            onChange={(v) => setThrough(v ?? DIRECTLY)}
            allowDeselect={false}
            disabled={running}
            w={190}
            data-testid="measure-endpoint-through"
          />
        )}
        {viaGateway && (
          <PasswordInput size="xs" label="Gateway API key" name="gatewayApiKey" placeholder="fdy_…" autoComplete="off" value={gatewayKey} onChange={(e) => setGatewayKey(e.currentTarget.value)} disabled={running} w={170} data-testid="measure-endpoint-key" />
        )}
        <TextInput size="xs" label="Clients" name="loadConcurrency" placeholder="16 or 4, 16, 64" value={clients} onChange={(e) => setClients(e.currentTarget.value)} error={clients.trim() === '' ? undefined : clientsError} disabled={running} w={120} />
        <NumberInput size="xs" label="Requests" name="loadRequests" min={1} allowDecimal={false} hideControls placeholder={levels ? `${Math.max(16, levels[0]! * 4)}${levels.length > 1 ? '…' : ''}` : ''} value={requests} onChange={(v) => setRequests(toNum(v))} disabled={running} w={90} />
        {running ? (
          <Button size="xs" variant="light" color="gray" leftSection={<IconPlayerStop size={14} />} onClick={() => void cancel(job.id)} data-testid="measure-endpoint-cancel">
            Stop
          </Button>
        ) : (
          <Button size="xs" variant="light" leftSection={<IconGauge size={14} />} onClick={() => void start()} disabled={!endpointId || !levels || clientsError !== undefined || planIndex === null || keyMissing} data-testid="measure-endpoint-start">
            Measure
          </Button>
        )}
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          A closed-loop test from this machine at the ISL and OSL above, recorded against the chosen plan. A sweep such as 4, 64 records one measurement per level; two calibrate.
          {viaGateway && ' Through a gateway, each TTFT is recorded less the round trip to it; the key is used for this test only and never saved.'}
        </Text>
      </Group>
      {running && (
        <div data-testid="measure-endpoint-progress">
          <Progress value={job.progress * 100} size="sm" animated aria-label="Measurement progress" />
          <Text size="xs" c="dimmed" mt={4}>
            {job.message || 'Starting…'}
          </Text>
        </div>
      )}
      {error && <ErrorAlert error={error} title="The endpoint could not be measured" onClose={() => setError(null)} />}
    </>
  );
}
