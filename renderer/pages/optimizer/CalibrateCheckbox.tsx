import { Checkbox } from '@mantine/core';
import { call } from '../../client';
import { useLoad } from '../../components/useLoad';
import type { Backend } from './form';
import { backendName } from './format';
import { calibrationHint } from './calibration';
import { useOptimizer } from './state';

/** "Calibrate with recorded measurements", with how many there are for the chosen model and engine. */
export function CalibrateCheckbox({ model, backend }: { model: string | null; backend: Backend }) {
  const calibrate = useOptimizer((s) => s.form.calibrate);
  const setForm = useOptimizer((s) => s.setForm);
  // Recording or removing a measurement of the shown run changes the count.
  const recorded = useOptimizer((s) => s.run?.measurements?.length ?? 0);
  const count = useLoad(model ? () => call('optimizer:calibration', { model, backend }) : null, `${model}|${backend}|${recorded}`);
  return (
    <Checkbox
      mt={6}
      size="xs"
      label="Calibrate with recorded measurements"
      description={calibrationHint(model, backendName(backend), count.data)}
      checked={calibrate}
      onChange={(e) => setForm({ calibrate: e.currentTarget.checked })}
      data-testid="optimizer-calibrate"
    />
  );
}
