import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCore, type Core } from '../core/core';
import { foundryHome } from '../core/paths';
import { FoundryError, fromShape } from '../core/errors';
import type { ChannelInput, ChannelName, ChannelOutput } from '../core/channels';

/**
 * What every CLI command shares: the core for this process, the saved session (like `gh auth`,
 * a token file readable only by the user; the database keeps only its hash), and a typed call.
 */
export interface CliContext {
  home: string;
  core: Core;
  json: boolean;
  call<K extends ChannelName>(name: K, input: ChannelInput<K>): Promise<ChannelOutput<K>>;
  saveSession(token: string): void;
  clearSession(): void;
}

const SESSION_FILE = 'cli-session.json';

export function createCliContext(options: { json: boolean }): CliContext {
  const home = foundryHome();
  const core = createCore({ home });
  const sessionPath = join(home, SESSION_FILE);
  const readSession = (): string | undefined => {
    if (!existsSync(sessionPath)) return undefined;
    try {
      return (JSON.parse(readFileSync(sessionPath, 'utf8')) as { token?: string }).token;
    } catch {
      return undefined;
    }
  };
  return {
    home,
    core,
    json: options.json,
    async call(name, input) {
      const result = await core.dispatcher.call(name, input, { token: process.env.FOUNDRY_SESSION ?? readSession(), transport: 'cli' });
      if (!result.ok) throw fromShape(result.error);
      return result.value as never;
    },
    saveSession(token) {
      writeFileSync(sessionPath, JSON.stringify({ token }), { mode: 0o600 });
      chmodSync(sessionPath, 0o600);
    },
    clearSession() {
      rmSync(sessionPath, { force: true });
    },
  };
}

/** Reads a password: --password-stdin, FOUNDRY_PASSWORD, or a hidden prompt on a terminal. */
export async function readPassword(fromStdin: boolean, prompt = 'Password: '): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (process.env.FOUNDRY_PASSWORD) return process.env.FOUNDRY_PASSWORD;
  if (!process.stdin.isTTY) {
    throw new FoundryError({
      code: 'INVALID_INPUT',
      message: 'No password given.',
      hint: 'Pipe it with --password-stdin, or set FOUNDRY_PASSWORD, or run in a terminal to be prompted.',
    });
  }
  return promptHidden(prompt);
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    process.stdout.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') process.exit(130);
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
