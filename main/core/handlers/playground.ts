import type { HandlerTable } from './types';

type PlaygroundHandlers = Pick<HandlerTable, 'playground:gateways' | 'playground:models' | 'playground:chat' | 'playground:cancel'>;

/** The session token scopes a chat's events and who may stop it; the dispatcher ensured there is one. */
const session = (token: string | undefined) => token ?? '';

export const playgroundHandlers: PlaygroundHandlers = {
  'playground:gateways': {
    run: ({ core }) =>
      core.clusters
        .list()
        .filter((c) => c.gateway !== null)
        .map((c) => ({ clusterId: c.id, name: c.name, namespace: c.gatewayNamespace, installedAt: c.gateway!.installedAt, state: c.gateway!.state })),
  },
  'playground:models': { run: ({ core }, input) => core.playground.models(input) },
  'playground:chat': { run: ({ core, token }, input) => core.playground.chat(input, session(token)) },
  'playground:cancel': { run: ({ core, token }, input) => core.playground.cancel(input.requestId, session(token)) },
};
