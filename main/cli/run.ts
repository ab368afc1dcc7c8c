import type { Command } from 'commander';
import { exitCodeOf, notFound, toFoundryError } from '../core/errors';
import { createCliContext, type CliContext } from './context';

/** Wraps a command action: one core per invocation, FoundryErrors printed as message + hint with their exit code. */
export function action<A extends unknown[]>(program: Command, fn: (ctx: CliContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    let ctx: CliContext | undefined;
    try {
      ctx = createCliContext({ json: Boolean(program.opts().json) });
      await fn(ctx, ...args);
    } catch (err) {
      const e = toFoundryError(err);
      if (program.opts().json) console.error(JSON.stringify({ error: e.toJSON() }));
      else console.error(`error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
      if (e.code === 'INTERNAL' && process.env.FOUNDRY_DEBUG) console.error(e.cause);
      process.exitCode = exitCodeOf(e.code);
    } finally {
      await ctx?.core.close();
    }
  };
}

export function projectIdFrom(ctx: CliContext, ref: string): Promise<string> {
  return ctx.call('projects:list', {}).then((projects) => {
    const found = projects.find((p) => p.id === ref || p.name === ref.toLowerCase());
    if (!found) throw notFound(`Project "${ref}"`, 'Run `foundry projects list` for the projects you can see.');
    return found.id;
  });
}
