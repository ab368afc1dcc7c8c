import { lazy, type ComponentType } from 'react';
import type { Route } from '../stores/router';
import { ApiKeysPage } from './ApiKeysPage';
import { GuardrailsPage } from './GuardrailsPage';
import { AuditPage } from './AuditPage';
import { ClustersPage } from './ClustersPage';
import { ModelsPage } from './ModelsPage';
import {
  DashboardPage,
  DeploymentsPage,
  EvaluationsPage,
  ObservabilityPage,
} from './placeholders';

// The chart-heavy pages load on first visit, so sign-in and the first page do not wait for recharts.
const OptimizerPage = lazy(() => import('./OptimizerPage').then((m) => ({ default: m.OptimizerPage })));
const PlaygroundPage = lazy(() => import('./PlaygroundPage').then((m) => ({ default: m.PlaygroundPage })));
import { ProjectsPage } from './ProjectsPage';
import { SettingsPage } from './SettingsPage';

/** One page per route; the compiler checks that every route has one. */
export const PAGES: Record<Route, ComponentType> = {
  dashboard: DashboardPage,
  clusters: ClustersPage,
  deployments: DeploymentsPage,
  observability: ObservabilityPage,
  models: ModelsPage,
  optimizer: OptimizerPage,
  evaluations: EvaluationsPage,
  playground: PlaygroundPage,
  projects: ProjectsPage,
  'api-keys': ApiKeysPage,
  guardrails: GuardrailsPage,
  audit: AuditPage,
  settings: SettingsPage,
};
