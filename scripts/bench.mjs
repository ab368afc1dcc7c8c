// `npm run bench`: every benchmark the project has, one after another. Each reports ratios against
// a reference measured in the same run, never absolute times alone.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './lib.mjs';

const benches = [
  ['gateway', 'gateway/bench/run.mjs', ['node']],
  ['optimizer', 'optimizer/bench/search.bench.ts', [join(root, 'node_modules/.bin/tsx')]],
];
let failed = 0;
for (const [name, file, [cmd]] of benches) {
  if (!existsSync(join(root, file))) {
    console.log(`\n== ${name}: no benchmark yet (${file})`);
    continue;
  }
  console.log(`\n== ${name}`);
  if (run(cmd === 'node' ? process.execPath : cmd, [file]) !== 0) failed++;
}
process.exit(failed ? 1 : 0);
