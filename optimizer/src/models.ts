// The architecture table shipped with the optimizer (optimizer/data/models.json), validated on load.
import { z } from 'zod';
import table from '../data/models.json';
import { ModelArchSchema, type ModelArch } from './arch.js';

const TableSchema = z.object({ $comment: z.string().optional(), models: z.array(ModelArchSchema) }).strict();

function load(): ModelArch[] {
  const parsed = TableSchema.safeParse(table);
  if (!parsed.success) throw new Error(`optimizer/data/models.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.models;
}

export const MODELS: readonly ModelArch[] = load();

const byName = new Map<string, ModelArch>();
for (const m of MODELS) for (const name of [m.id, ...m.aliases]) byName.set(name.toLowerCase(), m);

/** Finds a model by Hugging Face id or alias (case-insensitive); undefined when the table lacks it. */
export function findModel(name: string): ModelArch | undefined {
  return byName.get(name.trim().toLowerCase());
}

export function getModel(name: string): ModelArch {
  const m = findModel(name);
  if (!m) throw new Error(`unknown model "${name}": add its config.json values to optimizer/data/models.json`);
  return m;
}
