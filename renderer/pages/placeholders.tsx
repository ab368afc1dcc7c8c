/**
 * Pages whose features are not built yet. Each says what will be here and shows its first action
 * disabled; none shows sample data, because numbers that look real would mislead operators.
 */
import {
  IconChartHistogram,
  IconFlask,
  IconLayoutDashboard,
  IconRocket,
} from '@tabler/icons-react';
import { EmptyPage } from '../components/EmptyPage';
import { useRouter } from '../stores/router';

const icon = { size: 32, stroke: 1.5 } as const;

export const DashboardPage = () => {
  const navigate = useRouter((s) => s.navigate);
  return (
    <EmptyPage
      title="Dashboard"
      testId="empty-dashboard"
      icon={<IconLayoutDashboard {...icon} />}
      headline="The fleet dashboard is not built yet"
      description="It will show fleet health, free and used GPUs by type, traffic and errors over the last hour, and what needs attention. Clusters, their nodes and GPUs are on the Clusters page today."
      action={{ label: 'Go to Clusters', onClick: () => navigate('clusters'), testId: 'dashboard-go-clusters' }}
    />
  );
};

export const DeploymentsPage = () => (
  <EmptyPage
    title="Deployments"
    testId="empty-deployments"
    icon={<IconRocket {...icon} />}
    headline="No deployments"
    description="Endpoints you deploy appear here with status, replicas, traffic and errors; each has rollout progress, pods, logs, metrics and history. Deploying needs a cluster and a model first."
    actionLabel="Deploy a model"
  />
);

export const ObservabilityPage = () => (
  <EmptyPage
    title="Observability"
    testId="empty-observability"
    icon={<IconChartHistogram {...icon} />}
    headline="No metrics yet"
    description="Latency percentiles, throughput, errors, GPU use and cost by cluster, deployment, model, project and key — pulled from each cluster's agent once one is installed."
  />
);

export const EvaluationsPage = () => (
  <EmptyPage
    title="Evaluations"
    testId="empty-evaluations"
    icon={<IconFlask {...icon} />}
    headline="No runs yet"
    description="Benchmark and evaluation runs against your deployments, compared side by side with the optimizer's predictions."
    actionLabel="New benchmark"
  />
);
