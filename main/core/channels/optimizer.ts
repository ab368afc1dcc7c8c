import { z } from 'zod';
import { MeasurementImportSchema, MeasurementInputSchema, type OptimizerMeasurement } from '../optimizer/measurements';
import { OptimizeInputSchema, type OptimizerCatalog, type OptimizerRun, type OptimizerRunSummary } from '../optimizer/service';
import type { JobSummary } from '../jobs/types';
import { MeasureEndpointSchema } from '../optimizer/load-test/schema';
import { channel, empty, id, returns } from './spec';

export const OPTIMIZER_CHANNELS = {
  'optimizer:catalog': channel({
    input: empty,
    output: returns<OptimizerCatalog>(),
    access: 'model:view',
    mutates: false,
    summary: 'Models and GPUs the optimizer knows.',
  }),
  'optimizer:run': channel({
    input: OptimizeInputSchema,
    output: returns<OptimizerRun>(),
    access: 'optimizer:run',
    mutates: true,
    summary: 'Predict every layout, return the Pareto front and the plan for the SLOs; the run is saved.',
  }),
  'optimizer:calibration': channel({
    input: z.object({ model: z.string().min(1).max(200), backend: OptimizeInputSchema.shape.backend }).strict(),
    output: returns<{ measurements: number; deployments: number }>(),
    access: 'model:view',
    mutates: false,
    summary: 'How many recorded measurements (of how many deployments) a calibrated run of this model on this engine would use.',
  }),
  'optimizer:runs': channel({
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: returns<OptimizerRunSummary[]>(),
    access: 'model:view',
    mutates: false,
    summary: 'Saved optimizer runs, newest first.',
  }),
  'optimizer:get': channel({
    input: z.object({ runId: id('runId') }).strict(),
    output: returns<OptimizerRun>(),
    access: 'model:view',
    mutates: false,
    summary: 'One saved optimizer run with its full result.',
  }),
  'optimizer:measure': channel({
    input: MeasurementInputSchema,
    output: returns<OptimizerMeasurement>(),
    access: 'optimizer:run',
    mutates: true,
    summary: "Record what a deployed plan of a run measured; it is compared with that plan's prediction at the measured load.",
  }),
  'optimizer:measure-import': channel({
    input: MeasurementImportSchema,
    output: returns<OptimizerMeasurement[]>(),
    access: 'optimizer:run',
    mutates: true,
    summary: 'Record every run in vLLM / SGLang benchmark result files against a plan of a run; a bad file records nothing.',
  }),
  'optimizer:measure-endpoint': channel({
    input: MeasureEndpointSchema,
    output: returns<JobSummary>(),
    access: 'optimizer:run',
    mutates: true,
    summary: "Load-test an endpoint from the Models page (the deployed plan) as a job, directly or through a cluster's Foundry gateway, and record what it measured against a plan of a run.",
  }),
  'optimizer:measurement-delete': channel({
    input: z.object({ measurementId: id('measurementId') }).strict(),
    output: returns<OptimizerMeasurement>(),
    access: 'optimizer:run',
    mutates: true,
    summary: 'Remove a recorded measurement (one typed in by mistake).',
  }),
};
