// The shipped correction (optimizer/data/correction.json, written by `npm run optimizer:train` together with the
// coefficients whose residuals it was trained on).
import trained from '../../data/correction.json';
import { parseCorrection, type Correction } from './model.js';

export const DEFAULT_CORRECTION: Correction = parseCorrection(trained, 'optimizer/data/correction.json');
