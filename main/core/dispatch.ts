import { z } from 'zod';
import { CHANNELS, type ChannelName, type ChannelSpec } from './channels';
import { FoundryError, fail, ok, type Result } from './errors';
import { roleAllows } from './access/permissions';
import type { User } from './access/users';
import { HANDLERS } from './handlers';
import type { Handler, HandlerContext, Transport } from './handlers/types';
import type { CoreServices } from './services';

/**
 * The single entry point for every transport: looks the channel up, parses the untrusted input,
 * authenticates, authorises, runs the handler, and appends the audit record for state changes.
 * It never throws: the result is a value the transport serialises as it is.
 */

export interface CallOptions {
  token?: string;
  transport: Transport;
}

export type Dispatcher = {
  call(name: string, input: unknown, options: CallOptions): Promise<Result<unknown>>;
};

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(CHANNELS, name);
}

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * A field that takes one of several shapes (a number or a list of numbers) fails as a union, whose own message is
 * only "Invalid input". The branch of the shape the caller sent says what is wrong: the one that failed on
 * something other than the type of the value itself.
 */
function explainUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((i) => {
    if (i.code !== 'invalid_union' || !i.errors) return [i];
    const sent = i.errors.find((branch) => branch.length > 0 && !branch.some((b) => b.code === 'invalid_type' && b.path.length === 0));
    return sent ? explainUnions(sent.map((b) => ({ ...b, path: [...i.path, ...b.path] }))) : [i];
  });
}

function describeIssues(name: string, error: z.ZodError): FoundryError {
  const issues = explainUnions(error.issues as readonly Issue[]);
  const lines = issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`);
  return new FoundryError({
    code: 'INVALID_INPUT',
    message: `Invalid input for ${name}: ${lines.join('; ')}.`,
    details: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });
}

export function createDispatcher(core: CoreServices): Dispatcher {
  async function run(name: string, rawInput: unknown, options: CallOptions): Promise<unknown> {
    if (!isChannelName(name)) {
      throw new FoundryError({ code: 'NOT_FOUND', message: `There is no channel named "${name}".` });
    }
    const spec: ChannelSpec = CHANNELS[name];
    const handler = HANDLERS[name] as Handler<ChannelName>;
    const parsed = spec.input.safeParse(rawInput ?? {});
    if (!parsed.success) throw describeIssues(name, parsed.error);

    let user: User | null = null;
    if (spec.access !== 'public') {
      user = core.sessions.resolve(options.token);
      if (spec.access !== 'signed-in' && !roleAllows(user.role, spec.access)) {
        throw new FoundryError({
          code: 'FORBIDDEN',
          message: `Your role (${user.role}) does not allow ${spec.access}, which ${name} needs.`,
          hint: 'Ask an admin to change your role.',
        });
      }
    }

    const ctx: HandlerContext = {
      user,
      token: options.token,
      transport: options.transport,
      core,
      audit: (entry) => core.audit.append(entry),
    };
    const before = spec.mutates ? handler.before?.(ctx, parsed.data as never) : undefined;
    const output = await handler.run(ctx, parsed.data as never);
    if (spec.mutates) {
      const record = handler.audit?.(parsed.data as never, output as never, before) ?? {};
      const actor = user?.username ?? handler.actorFrom?.(output as never) ?? 'anonymous';
      core.audit.append({ actor, action: name, target: record.target ?? null, details: { ...record.details, via: options.transport } });
    }
    return output;
  }

  return {
    async call(name, input, options) {
      try {
        return ok(await run(name, input, options));
      } catch (err) {
        return fail(err);
      }
    },
  };
}
