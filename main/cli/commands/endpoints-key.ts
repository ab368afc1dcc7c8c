import type { Command } from 'commander';
import { FoundryError } from '../../core/errors';

/**
 * Where the CLI takes an endpoint's API key from: standard input or a named environment variable,
 * never the command line, where it would land in shell history and in every `ps` listing.
 */

export interface KeySourceOptions {
  apiKey?: string;
  apiKeyStdin?: boolean;
  apiKeyEnv?: string;
}

export const KEY_ON_ARGV_REFUSED = new FoundryError({
  code: 'INVALID_INPUT',
  message: 'API keys are not taken on the command line: it ends up in shell history and in process listings. Nothing was saved.',
  hint: 'Pipe the key with --api-key-stdin (e.g. `pass show openai | foundry endpoints add … --api-key-stdin`), or name an environment variable with --api-key-env OPENAI_API_KEY.',
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The key to send, or undefined when none was given; refuses --api-key and ambiguous sources. */
export async function readApiKey(o: KeySourceOptions): Promise<string | undefined> {
  if (o.apiKey !== undefined) throw KEY_ON_ARGV_REFUSED;
  if (o.apiKeyStdin && o.apiKeyEnv) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Give the key either with --api-key-stdin or with --api-key-env, not both.' });
  if (o.apiKeyStdin) {
    const key = (await readStdin()).trim();
    if (!key) throw new FoundryError({ code: 'INVALID_INPUT', message: '--api-key-stdin read nothing from standard input.', hint: 'Pipe the key in, e.g. `printenv OPENAI_API_KEY | foundry endpoints add … --api-key-stdin`.' });
    return key;
  }
  if (o.apiKeyEnv) {
    const key = process.env[o.apiKeyEnv]?.trim();
    if (!key) throw new FoundryError({ code: 'INVALID_INPUT', message: `The environment variable ${o.apiKeyEnv} (from --api-key-env) is not set or is empty.`, hint: `Export it first, e.g. \`export ${o.apiKeyEnv}=…\` in this shell.` });
    return key;
  }
  return undefined;
}

/** Options every key-taking command shares; --api-key exists only to refuse it with a reason. */
export function keyOptions(cmd: Command): Command {
  return cmd
    .option('--api-key-stdin', 'read the API key from standard input')
    .option('--api-key-env <variable>', 'read the API key from this environment variable')
    .option('--api-key <key>', 'refused: keys on the command line leak into history and process lists');
}
