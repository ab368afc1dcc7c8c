/**
 * A tiny hash router: the page lives in `#/<route>` so reloads and the back button work in both
 * Electron (file://) and browser mode without a router dependency. Only the known routes exist;
 * anything else lands on the dashboard.
 */
import { create } from 'zustand';

export const ROUTES = [
  'dashboard',
  'clusters',
  'deployments',
  'observability',
  'models',
  'optimizer',
  'evaluations',
  'playground',
  'projects',
  'api-keys',
  'guardrails',
  'audit',
  'settings',
] as const;

export type Route = (typeof ROUTES)[number];

export const DEFAULT_ROUTE: Route = 'dashboard';

export function parseRoute(hash: string): Route {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : DEFAULT_ROUTE;
}

export const hashOf = (route: Route) => `#/${route}`;

interface RouterState {
  route: Route;
  navigate(route: Route): void;
}

const currentHash = () => (typeof window === 'undefined' ? '' : window.location.hash);

export const useRouter = create<RouterState>()((set) => ({
  route: parseRoute(currentHash()),
  navigate(route) {
    if (typeof window !== 'undefined' && window.location.hash !== hashOf(route)) window.location.hash = hashOf(route);
    set({ route });
  },
}));

/** Keeps the store in step with the back/forward buttons; call once at start-up. */
export function listenToHash(win: Window): () => void {
  const sync = () => useRouter.setState({ route: parseRoute(win.location.hash) });
  win.addEventListener('hashchange', sync);
  sync();
  return () => win.removeEventListener('hashchange', sync);
}
