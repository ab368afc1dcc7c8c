import type { JobType } from '../jobs/types';
import type { Vault } from './vault';
import type { VaultStatus } from './vault';

export const VAULT_ROTATE_JOB = 'vault.rotate';

/** Key rotation as a job: progress per re-wrapped data key; not resumable (it is all-or-nothing, so just run it again). */
export function vaultRotateJob(vault: Vault): JobType<Record<string, never>, VaultStatus> {
  return {
    type: VAULT_ROTATE_JOB,
    title: () => 'Rotate vault keys',
    resumable: false,
    steps: ['Generate new key pair', 'Re-wrap data keys', 'Commit'],
    async run(ctx) {
      ctx.step('Generate new key pair');
      let announced = false;
      const status = await vault.rotate((done, total) => {
        if (!announced) {
          ctx.step('Re-wrap data keys');
          announced = true;
        }
        ctx.progress(done / total, `${done} of ${total} data keys`);
      }, ctx.signal);
      ctx.step('Commit');
      ctx.log(`Vault is now at key generation ${status.generation}; ${status.secretCount} data keys re-wrapped.`);
      return status;
    },
  };
}
