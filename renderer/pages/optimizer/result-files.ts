import { ClientError } from '../../client';

/** The core refuses result files over this size (optimizer:measure-import); checked here before reading them. */
export const MAX_RESULT_FILE_BYTES = 8 * 1024 * 1024;

/** Reads picked benchmark result files as text for optimizer:measure-import. */
export async function readResultFiles(files: readonly File[]): Promise<{ name: string; text: string }[]> {
  const tooBig = files.find((f) => f.size > MAX_RESULT_FILE_BYTES);
  if (tooBig) throw new ClientError({ code: 'INVALID_INPUT', message: `${tooBig.name} is over 8 MiB.`, hint: 'Save the benchmark result without --save-detailed; per-request data is not needed here.' });
  return Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
}
