// `npm start`: the desktop app; browser mode when Electron cannot run here. `npm run web`: browser mode.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary, ensureBuilt, root } from './lib.mjs';

ensureBuilt();

const wantWeb = process.argv.includes('--web');
const binary = electronBinary();
let reason = '';
if (!wantWeb && !binary) reason = "Electron's binary is not installed (it cannot be downloaded on an offline machine); starting browser mode instead.";
else if (!wantWeb && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) reason = 'No display is available for a desktop window; starting browser mode instead.';

const [cmd, args, env] =
  wantWeb || reason
    ? [process.execPath, [join(root, 'out/web/index.js')], { ...process.env, FOUNDRY_START_REASON: reason }]
    : [binary, [root], process.env];

const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
