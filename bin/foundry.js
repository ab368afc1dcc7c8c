#!/usr/bin/env node
// The `foundry` CLI. Runs the bundle in out/cli, building it first on a fresh checkout.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const bundle = join(root, 'out', 'cli', 'index.js');
if (!existsSync(bundle)) {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: 'inherit' });
}
require(bundle).buildProgram().parseAsync(process.argv);
