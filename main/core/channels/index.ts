import type { z } from 'zod';
import type { ChannelName } from '../channel-names';
import type { ChannelSpec, Output } from './spec';
import { AUTH_CHANNELS } from './auth';
import { ACCESS_CHANNELS } from './access';
import { SYSTEM_CHANNELS } from './system';
import { GATEWAY_CHANNELS } from './gateway';
import { OPTIMIZER_CHANNELS } from './optimizer';
import { PLAYGROUND_CHANNELS } from './playground';
import { CLUSTER_CHANNELS } from './clusters';
import { GUARDRAIL_CHANNELS } from './guardrails';
import { ENDPOINT_CHANNELS } from './endpoints';
import { GATEWAY_JWT_CHANNELS } from './gateway-jwt';

/**
 * The one contract between the UI (and the CLI) and the core. Each channel names its input schema,
 * its output type, who may call it, and whether it changes state (and so is audited).
 * Electron IPC, browser mode and the CLI are transports over this table; nothing else defines a channel.
 * Each domain declares its channels in its own file here; adding a domain is one import and one spread.
 */
export const CHANNELS = {
  ...AUTH_CHANNELS,
  ...ACCESS_CHANNELS,
  ...SYSTEM_CHANNELS,
  ...GATEWAY_CHANNELS,
  ...OPTIMIZER_CHANNELS,
  ...PLAYGROUND_CHANNELS,
  ...CLUSTER_CHANNELS,
  ...GUARDRAIL_CHANNELS,
  ...ENDPOINT_CHANNELS,
  ...GATEWAY_JWT_CHANNELS,
} satisfies Record<ChannelName, ChannelSpec>;

type Table = typeof CHANNELS;
// Compile-time check that channel-names.ts lists exactly the table's keys.
type _NamesMatchTable = [keyof Table] extends [ChannelName] ? ([ChannelName] extends [keyof Table] ? true : never) : never;
const _namesMatch: _NamesMatchTable = true;
void _namesMatch;

export type ChannelInput<K extends ChannelName> = z.input<Table[K]['input']>;
export type ChannelParsed<K extends ChannelName> = z.output<Table[K]['input']>;
export type ChannelOutput<K extends ChannelName> = Table[K]['output'] extends Output<infer O> ? O : never;
export type { ChannelName, ChannelSpec };
export type { Access } from './spec';
export type { SignedInUser, SessionGrant } from './auth';
export type { ProjectMember } from './access';
export type { SystemInfo } from './system';
