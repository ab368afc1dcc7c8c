/**
 * The Optimizer page's state lives outside the component so the form and the last result survive
 * navigating to another page and back, as an operator comparing plans with the fleet would expect.
 */
import { create } from 'zustand';
import type { OptimizerMeasurement } from '../../../main/core/optimizer/measurements';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { defaultForm, fromRequest, newPool, type OptimizerForm, type PoolRow } from './form';

export type OptimizerTab = 'optimize' | 'saved';

interface OptimizerState {
  form: OptimizerForm;
  run: OptimizerRun | null;
  /** planKey of the plan whose breakdown is open. */
  selected: string | null;
  tab: OptimizerTab;
  /** Set when a run is shown, so the result scrolls into view once. */
  reveal: boolean;
  setForm(patch: Partial<OptimizerForm>): void;
  setPool(key: string, patch: Partial<PoolRow>): void;
  addPool(): void;
  removePool(key: string): void;
  /** Shows a run; a saved run also fills the form, so it can be changed and run again. */
  showRun(run: OptimizerRun, opts?: { fillForm?: boolean }): void;
  /** Adds or removes a measurement of the shown run (when it is still the one shown). */
  measured(m: OptimizerMeasurement): void;
  unmeasured(m: OptimizerMeasurement): void;
  select(key: string | null): void;
  setTab(tab: OptimizerTab): void;
  revealed(): void;
}

const withMeasurements = (run: OptimizerRun, measurements: OptimizerMeasurement[]): OptimizerRun => ({ ...run, measurements, measured: measurements.length });

export const useOptimizer = create<OptimizerState>()((set) => ({
  form: defaultForm(),
  run: null,
  selected: null,
  tab: 'optimize',
  reveal: false,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  setPool: (key, patch) => set((s) => ({ form: { ...s.form, pools: s.form.pools.map((p) => (p.key === key ? { ...p, ...patch } : p)) } })),
  // A new row starts in the last row's cluster: adding a second GPU type to a cluster is the common case.
  addPool: () => set((s) => ({ form: { ...s.form, pools: [...s.form.pools, newPool(s.form.pools.at(-1)?.cluster ?? 'local')] } })),
  removePool: (key) => set((s) => ({ form: { ...s.form, pools: s.form.pools.filter((p) => p.key !== key) } })),
  showRun: (run, opts) => set((s) => ({ run, selected: null, tab: 'optimize', reveal: true, form: opts?.fillForm ? { ...fromRequest(run.request), name: '' } : s.form })),
  measured: (m) => set((s) => (s.run?.id === m.runId ? { run: withMeasurements(s.run, [...(s.run.measurements ?? []), m]) } : {})),
  unmeasured: (m) => set((s) => (s.run?.id === m.runId ? { run: withMeasurements(s.run, (s.run.measurements ?? []).filter((x) => x.id !== m.id)) } : {})),
  select: (key) => set({ selected: key }),
  setTab: (tab) => set({ tab }),
  revealed: () => set({ reveal: false }),
}));
