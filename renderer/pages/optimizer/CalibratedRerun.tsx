import { Button, Tooltip } from '@mantine/core';
import { IconTarget } from '@tabler/icons-react';
import { useState } from 'react';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { call } from '../../client';
import { notifyError } from '../../components/notify';
import { useOptimizer } from './state';

/** Plans the run's request again, calibrated with every measurement recorded for its model and engine. */
export function CalibratedRerun({ run, onRan }: { run: OptimizerRun; onRan(run: OptimizerRun): void }) {
  const showRun = useOptimizer((s) => s.showRun);
  const [busy, setBusy] = useState(false);
  const rerun = async () => {
    setBusy(true);
    try {
      const name = `${run.name.replace(/ · calibrated$/, '').slice(0, 67)} · calibrated`;
      const result = await call('optimizer:run', { ...run.request, name, calibrate: true });
      showRun(result, { fillForm: true });
      onRan(result);
    } catch (err) {
      notifyError('Could not plan again', err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip label="Runs this request again; plans of every measured deployment are predicted at the level they measured" multiline maw={300}>
      <Button size="compact-xs" variant="light" style={{ flexShrink: 0 }} leftSection={<IconTarget size={12} />} loading={busy} onClick={() => void rerun()} data-testid="optimizer-rerun-calibrated">
        Plan again, calibrated
      </Button>
    </Tooltip>
  );
}
