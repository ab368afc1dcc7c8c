/** Navigation as data: the left bar, the command palette and the page titles all read this. */
import {
  IconBrain,
  IconChartHistogram,
  IconFlask,
  IconGauge,
  IconKey,
  IconLayoutDashboard,
  IconListCheck,
  IconMessageChatbot,
  IconRocket,
  IconServer2,
  IconSettings,
  IconShieldCheck,
  IconUsersGroup,
  type Icon,
} from '@tabler/icons-react';
import type { Route } from '../stores/router';

export interface NavItem {
  route: Route;
  label: string;
  icon: Icon;
  /** One line for the command palette. */
  description: string;
}

export interface NavGroup {
  label: string | null;
  items: NavItem[];
}

export const NAV: NavGroup[] = [
  {
    label: 'Fleet',
    items: [
      { route: 'dashboard', label: 'Dashboard', icon: IconLayoutDashboard, description: 'Fleet health, GPUs, traffic and what needs attention' },
      { route: 'clusters', label: 'Clusters', icon: IconServer2, description: 'The fleet table, nodes and GPUs' },
      { route: 'deployments', label: 'Deployments', icon: IconRocket, description: 'Endpoints, rollouts and replicas' },
      { route: 'observability', label: 'Observability', icon: IconChartHistogram, description: 'Metrics, logs and alerts' },
    ],
  },
  {
    label: 'Models',
    items: [
      { route: 'models', label: 'Models', icon: IconBrain, description: 'The model registry' },
      { route: 'optimizer', label: 'Optimizer', icon: IconGauge, description: 'Find the best GPU plan for a model' },
      { route: 'evaluations', label: 'Evaluations', icon: IconFlask, description: 'Benchmarks and evaluation runs' },
      { route: 'playground', label: 'Playground', icon: IconMessageChatbot, description: 'Chat with an endpoint through the gateway' },
    ],
  },
  {
    label: 'Access',
    items: [
      { route: 'projects', label: 'Projects & Users', icon: IconUsersGroup, description: 'Projects, members and local users' },
      { route: 'api-keys', label: 'API Keys', icon: IconKey, description: "The selected project's gateway keys" },
      { route: 'guardrails', label: 'Guardrails', icon: IconShieldCheck, description: 'Input and output policies for the gateway' },
      { route: 'audit', label: 'Audit', icon: IconListCheck, description: 'The tamper-evident audit chain' },
    ],
  },
  {
    label: null,
    items: [{ route: 'settings', label: 'Settings', icon: IconSettings, description: 'Vault, keychain, password and data location' }],
  },
];

export const NAV_ITEMS: NavItem[] = NAV.flatMap((g) => g.items);

export const navItem = (route: Route): NavItem => NAV_ITEMS.find((i) => i.route === route) ?? NAV_ITEMS[0]!;
