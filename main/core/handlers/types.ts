import type { ChannelName, ChannelOutput, ChannelParsed } from '../channels';
import type { User } from '../access/users';
import type { AuditEntry } from '../audit/chain';
import type { CoreServices } from '../services';

export type Transport = 'ipc' | 'web' | 'cli' | 'test';

export interface HandlerContext {
  /** The signed-in user; null only on public channels. */
  user: User | null;
  token: string | undefined;
  transport: Transport;
  core: CoreServices;
  /** For records beyond the automatic one (e.g. failed sign-ins, which do not succeed). */
  audit(entry: AuditEntry): void;
}

export interface Handler<K extends ChannelName> {
  run(ctx: HandlerContext, input: ChannelParsed<K>): Promise<ChannelOutput<K>> | ChannelOutput<K>;
  /**
   * For audit records that show a change as before/after: read just before `run` (after the caller
   * is authorised), handed to `audit` as its third argument. Throwing here fails the call as `run` would.
   */
  before?: (ctx: HandlerContext, input: ChannelParsed<K>) => Record<string, unknown>;
  /** Required for channels that change state: what the audit record names. Never put secrets here. */
  audit?: (input: ChannelParsed<K>, output: ChannelOutput<K>, before?: Record<string, unknown>) => { target?: string | null; details?: Record<string, unknown> };
  /** The actor recorded when there is no signed-in user before the call (setup, sign-in). */
  actorFrom?: (output: ChannelOutput<K>) => string;
}

export type HandlerTable = { [K in ChannelName]: Handler<K> };

export function signedIn(ctx: HandlerContext): User {
  if (!ctx.user) throw new Error('handler needs a signed-in user; the dispatcher should have ensured one');
  return ctx.user;
}
