import { Button, Group, NumberInput, Progress, Select, Text } from '@mantine/core';
import { IconGauge, IconPlayerStop } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Endpoint } from '../../../main/core/endpoints/types';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { ClientError, call, toClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../stores/abilities';
import { isActive } from '../../stores/job-events';
import { useJobs } from '../../stores/jobs';
import { toNum } from './form';
import type { OptimizerMeasurement } from './measure';

const MEASURABLE = new Set<Endpoint['kind']>(['openai_compatible', 'openai']);

/**
 * Measures the deployed plan from here: a closed-loop load test of an endpoint on the Models page, run as a job
 * (progress in the jobs drawer too), whose result is recorded like any other measurement.
 */
export function MeasureEndpoint({ run, planIndex, isl, osl, concurrency, onMeasured }: { run: OptimizerRun; planIndex: number | null; isl: number | ''; osl: number | ''; concurrency: number | ''; onMeasured(m: OptimizerMeasurement): void }) {
  const canList = useCan('model:view');
  const track = useJobs((s) => s.track);
  const cancel = useJobs((s) => s.cancel);
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [endpointId, setEndpointId] = useState<string | null>(null);
  const [clients, setClients] = useState<number | ''>(concurrency);
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
  useEffect(() => setClients(concurrency), [concurrency]);

  // A finished job hands its measurement over once; a failed one shows why beside the button.
  useEffect(() => {
    if (!job || isActive(job)) return;
    if (job.status === 'succeeded') onMeasured((job.result as { measurement: OptimizerMeasurement }).measurement);
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
    if (!endpointId || clients === '' || planIndex === null) return;
    setError(null);
    try {
      const started = await call('optimizer:measure-endpoint', {
        runId: run.id,
        planIndex,
        endpointId,
        concurrency: clients,
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
      <Group gap="xs" align="flex-end" wrap="nowrap" data-testid="measure-endpoint">
        <Select size="xs" label="Or measure an endpoint" data={endpoints.map((e) => ({ value: e.id, label: `${e.name} (${e.upstreamModel})` }))} value={endpointId} onChange={setEndpointId} allowDeselect={false} disabled={running} w={280} data-testid="measure-endpoint-select" />
        <NumberInput size="xs" label="Clients" name="loadConcurrency" min={1} max={1024} allowDecimal={false} hideControls value={clients} onChange={(v) => setClients(toNum(v))} disabled={running} w={80} />
        <NumberInput size="xs" label="Requests" name="loadRequests" min={1} allowDecimal={false} hideControls placeholder={clients === '' ? '' : String(Math.max(16, clients * 4))} value={requests} onChange={(v) => setRequests(toNum(v))} disabled={running} w={90} />
        {running ? (
          <Button size="xs" variant="light" color="gray" leftSection={<IconPlayerStop size={14} />} onClick={() => void cancel(job.id)} data-testid="measure-endpoint-cancel">
            Stop
          </Button>
        ) : (
          <Button size="xs" variant="light" leftSection={<IconGauge size={14} />} onClick={() => void start()} disabled={!endpointId || clients === '' || planIndex === null} data-testid="measure-endpoint-start">
            Measure
          </Button>
        )}
        <Text size="xs" c="dimmed" style={{ flex: 1 }}>
          Streams prompts of the ISL above to the endpoint from this machine, {clients || 'N'} at a time, and records the mean TTFT, TPOT and tokens/s against the chosen plan.
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
