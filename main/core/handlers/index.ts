import type { HandlerTable } from './types';
import { authHandlers } from './auth';
import { accessHandlers } from './access';
import { systemHandlers } from './system';
import { fleetHandlers } from './fleet';
import { playgroundHandlers } from './playground';
import { clusterHandlers } from './clusters';
import { guardrailHandlers } from './guardrails';
import { endpointHandlers } from './endpoints';
import { gatewayJwtHandlers } from './gateway-jwt';

export const HANDLERS: HandlerTable = { ...authHandlers, ...accessHandlers, ...systemHandlers, ...fleetHandlers, ...playgroundHandlers, ...clusterHandlers, ...guardrailHandlers, ...endpointHandlers, ...gatewayJwtHandlers };
