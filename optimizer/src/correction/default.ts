// The shipped correction (optimizer/data/correction.json, written by `npm run optimizer:train` together with the
// coefficients whose residuals it was trained on).
import trained from '../../data/correction.json';
import { releaseName } from '../perf/engine-version.js';
import { parseCorrection, type Correction } from './model.js';

export const DEFAULT_CORRECTION: Correction = parseCorrection(trained, 'optimizer/data/correction.json');

/** Per engine, the newest release the shipped correction was trained on: what a request naming none assumes. */
export const NEWEST_ENGINE_RELEASES: Record<string, string> = Object.fromEntries(Object.entries(DEFAULT_CORRECTION.latestEngineVersion ?? {}).map(([engine, n]) => [engine, releaseName(n)]));
