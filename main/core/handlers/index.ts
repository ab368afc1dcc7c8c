import type { HandlerTable } from './types';
import { authHandlers } from './auth';
import { accessHandlers } from './access';
import { systemHandlers } from './system';
import { optimizerHandlers } from './optimizer';

export const HANDLERS: HandlerTable = { ...authHandlers, ...accessHandlers, ...systemHandlers, ...optimizerHandlers };
