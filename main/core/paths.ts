import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Foundry keeps its data: FOUNDRY_HOME if set, else the platform's user data folder
 * (the same folder Electron's app.getPath('userData') gives for productName "Foundry").
 */
export function foundryHome(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FOUNDRY_HOME) return env.FOUNDRY_HOME;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Foundry');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Foundry');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Foundry');
}
