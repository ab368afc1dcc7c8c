/** Test support: the CLI as a user runs it, a separate process on a real FOUNDRY_HOME. Imported by tests only. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

const ENTRY = join(__dirname, 'main.ts');

/** A `foundry` runner bound to one data folder; FOUNDRY_PASSWORD is cleared so no test inherits one. */
export function cliRunner(home: string): (args: string[], stdin?: string, env?: Record<string, string>) => CliResult {
  return (args, stdin, env = {}) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
      input: stdin,
      encoding: 'utf8',
      env: { ...process.env, FOUNDRY_HOME: home, FOUNDRY_PASSWORD: '', ...env },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
}
