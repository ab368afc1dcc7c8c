import { Command } from 'commander';
import { CHANNELS } from '../core/channels';
import { FOUNDRY_VERSION } from '../core/version';
import { registerAuth } from './commands/auth';
import { registerAccess } from './commands/access';
import { registerSystem } from './commands/system';
import { registerOptimize } from './commands/optimize';
import { registerOptimizeMeasure } from './commands/optimize-measure';
import { registerClusters } from './commands/clusters';
import { registerGuardrails } from './commands/guardrails';
import { registerEndpoints } from './commands/endpoints';
import { registerGatewayJwt } from './commands/gateway-jwt';

/** `foundry`: the command line over the same channel table as the desktop and browser mode. */
export function buildProgram(): Command {
  const program = new Command('foundry')
    .description('Foundry: control center for hybrid GPU fleets (data in FOUNDRY_HOME or the user data folder)')
    .version(FOUNDRY_VERSION)
    .option('--json', 'print machine-readable JSON');
  registerAuth(program);
  registerAccess(program);
  registerSystem(program);
  registerOptimize(program);
  registerOptimizeMeasure(program);
  registerClusters(program);
  registerGuardrails(program);
  registerEndpoints(program);
  registerGatewayJwt(program);
  program
    .command('channels')
    .description('list every channel with who may call it')
    .action(() => {
      for (const [name, spec] of Object.entries(CHANNELS)) console.log(`${name.padEnd(22)} ${spec.access.padEnd(16)} ${spec.summary}`);
    });
  return program;
}

if (require.main === module) {
  void buildProgram().parseAsync(process.argv);
}
