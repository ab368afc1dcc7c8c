import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/spotlight/styles.css';
import '@mantine/charts/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PreloadApi } from '../main/core/transport';
import { App } from './App';
import { bootClient, installClient } from './client';
import { listenToHash } from './stores/router';
import { useSession } from './stores/session';

declare global {
  interface Window {
    foundry?: PreloadApi;
  }
}

// Boot before the router reads the hash: browser mode's `#token=…` must be taken out of the URL first.
const boot = bootClient(window);
if ('client' in boot) {
  installClient(boot.client);
  boot.client.onSessionLost((error) => useSession.getState().sessionLost(error));
}
listenToHash(window);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App boot={boot} />
  </StrictMode>,
);
