// The architecture table shipped with the optimizer (optimizer/data/models.json), validated on load, and the name
// lookup that maps a benchmark's or a user's model name onto one of its rows.
import { z } from 'zod';
import table from '../data/models.json';
import { ModelArchSchema, type ModelArch, type WeightDtype } from './arch.js';

const TableSchema = z.object({ $comment: z.string().optional(), models: z.array(ModelArchSchema) }).strict();

function load(): ModelArch[] {
  const parsed = TableSchema.safeParse(table);
  if (!parsed.success) throw new Error(`optimizer/data/models.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.models;
}

export const MODELS: readonly ModelArch[] = load();

// A re-upload's quantization tag at the end of its name: -FP8, -FP8-dynamic, -FP8-Static-PerTensor, -NVFP4, -FP4-v2,
// -AWQ, -GPTQ-Int4, -W4A16, RedHatAI's -quantized.w8a8 … The qualifiers only count after a tag, so "-v2" or
// "-Dynamic" alone never strips (they can name a different model).
const QUANT_TAG = 'fp8|nvfp4|mxfp4|fp4|int4|int8|awq|gptq|w4a16|w4a8|w8a8|w8a16|(?:unsloth-)?bnb-4bit|quantized\\.w\\d+a\\d+';
const QUALIFIER = 'dynamic|static|per-?tensor|block(?:wise)?|kv|v\\d+';
const QUANT_SUFFIX = new RegExp(`-(?:${QUANT_TAG})(?:-(?:${QUANT_TAG}|${QUALIFIER}))*$`, 'i');

/** A name without its organisation and its quantization suffix, lowercased: "nvidia/Qwen3-32B-NVFP4" → "qwen3-32b". */
export function looseNameKey(name: string): string {
  const base = name.trim().toLowerCase().split('/').pop() ?? '';
  return base.replace(QUANT_SUFFIX, '');
}

/**
 * The weight format a re-upload's name announces ("nvidia/Qwen3-32B-NVFP4" → fp4, "…-FP8-dynamic" → fp8, "…-AWQ" →
 * int4), or undefined when the name carries no quantization tag.
 */
export function nameQuantization(name: string): WeightDtype | undefined {
  const suffix = QUANT_SUFFIX.exec(name.trim().split('/').pop() ?? '')?.[0].toLowerCase();
  const tag = suffix?.slice(1).split('-')[0];
  if (!tag) return undefined;
  if (tag === 'fp8') return 'fp8';
  if (tag === 'nvfp4' || tag === 'fp4') return 'fp4';
  if (tag === 'mxfp4') return 'mxfp4';
  if (tag === 'int8' || /w8a\d+$/.test(tag)) return 'int8'; // w8a8, w8a16, quantized.w8a8
  return 'int4'; // int4, awq, gptq, w4a16, w4a8, bnb-4bit, quantized.w4a16
}

export interface Named {
  id: string;
  aliases: readonly string[];
}

export interface NameIndex<T extends Named> {
  exact: Map<string, T>;
  loose: Map<string, Set<T>>;
}

export function buildNameIndex<T extends Named>(rows: readonly T[]): NameIndex<T> {
  const exact = new Map<string, T>();
  const loose = new Map<string, Set<T>>();
  for (const row of rows) {
    for (const name of [row.id, ...row.aliases]) {
      exact.set(name.trim().toLowerCase(), row);
      const key = looseNameKey(name);
      loose.set(key, (loose.get(key) ?? new Set<T>()).add(row));
    }
  }
  return { exact, loose };
}

export type NameMatch<T> = { row: T; exact: boolean } | { ambiguous: T[] } | undefined;

/**
 * Exact id or alias first (case-insensitive). Otherwise the name may differ from a known one by its organisation
 * (a re-uploader: nvidia/, RedHatAI/, unsloth/ …) and/or a trailing quantization suffix, and resolves only when
 * exactly one row matches that way.
 */
export function matchName<T extends Named>(index: NameIndex<T>, name: string): NameMatch<T> {
  const hit = index.exact.get(name.trim().toLowerCase());
  if (hit) return { row: hit, exact: true };
  const rows = index.loose.get(looseNameKey(name));
  if (!rows) return undefined;
  if (rows.size === 1) return { row: [...rows][0]!, exact: false };
  return { ambiguous: [...rows] };
}

const INDEX = buildNameIndex(MODELS);

/** Finds a model by Hugging Face id or alias, or a re-upload of one (see matchName); undefined when unknown or ambiguous. */
export function findModel(name: string): ModelArch | undefined {
  const m = matchName(INDEX, name);
  return m && 'row' in m ? m.row : undefined;
}

/** matchName that throws a message naming the table (unknown) or the candidates (ambiguous). */
export function resolveName<T extends Named>(index: NameIndex<T>, name: string): T {
  const m = matchName(index, name);
  if (m && 'row' in m) return m.row;
  if (m) throw new Error(`model "${name}" is ambiguous: it could be ${m.ambiguous.map((r) => r.id).join(' or ')}; name one of them as optimizer/data/models.json does`);
  throw new Error(`unknown model "${name}": add its config.json values to optimizer/data/models.json`);
}

export function getModel(name: string): ModelArch {
  return resolveName(INDEX, name);
}
