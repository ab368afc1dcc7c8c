import { Center, Loader, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { Suspense, useEffect } from 'react';
import type { Boot } from './client';
import { Shell } from './components/Shell';
import { LoadingPage, NoLaunchTokenPage, UnreachablePage } from './pages/GatePages';
import { PAGES } from './pages';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { useJobs } from './stores/jobs';
import { useProjects } from './stores/projects';
import { useRouter } from './stores/router';
import { useSession } from './stores/session';
import { theme } from './theme';

function SignedInApp() {
  const route = useRouter((s) => s.route);
  const loadProjects = useProjects((s) => s.load);
  const loadJobs = useJobs((s) => s.load);
  const connect = useJobs((s) => s.connect);

  useEffect(() => {
    void loadProjects();
    void loadJobs();
    // Live job events for this session; torn down on sign-out when this component unmounts.
    return connect();
  }, [loadProjects, loadJobs, connect]);

  const Page = PAGES[route];
  return (
    <Shell>
      <Suspense
        fallback={
          <Center h={240} data-testid="page-loading">
            <Loader size="sm" />
          </Center>
        }
      >
        <Page />
      </Suspense>
    </Shell>
  );
}

function Gate() {
  const gate = useSession((s) => s.gate);
  const refresh = useSession((s) => s.refresh);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  switch (gate) {
    case 'loading':
      return <LoadingPage />;
    case 'setup':
      return <SetupPage />;
    case 'sign-in':
      return <SignInPage />;
    case 'unreachable':
      return <UnreachablePage />;
    case 'app':
      return <SignedInApp />;
  }
}

export function App({ boot }: { boot: Boot }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="bottom-right" limit={4} mb={28} />
      {'client' in boot ? <Gate /> : <NoLaunchTokenPage />}
    </MantineProvider>
  );
}
