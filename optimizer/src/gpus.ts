// The GPU catalog (resources/gpus/catalog.json), validated on load. Adding a GPU is adding a row there.
import { z } from 'zod';
import catalog from '../../resources/gpus/catalog.json';

export const GpuSpecSchema = z
  .object({
    id: z.string().min(1),
    /** Who makes it: decides which serving engines run on it (engines.ts). */
    vendor: z.enum(['nvidia', 'amd', 'intel']),
    name: z.string().min(1),
    aliases: z.array(z.string()).default([]),
    memoryGB: z.number().positive(),
    memoryType: z.string(),
    bandwidthTBs: z.number().positive(),
    bf16Tflops: z.number().positive(),
    fp8Tflops: z.number().positive().nullable(),
    fp4Tflops: z.number().positive().nullable(),
    link: z.string(),
    linkGBs: z.number().positive(),
    /** GPUs that reach one another over `link`: the NVLink domain, or one server's GPUs for PCIe cards. */
    linkDomain: z.number().int().positive(),
    tdpW: z.number().positive(),
    pricePerGpuHour: z.number().nonnegative(),
    unverified: z.array(z.string()).default([]),
  })
  .strict();
export type GpuSpec = z.infer<typeof GpuSpecSchema>;

const CatalogSchema = z
  .object({
    $comment: z.string().optional(),
    defaults: z.object({ scaleOutGBs: z.number().positive(), scaleOutSource: z.string(), priceSource: z.string() }).strict(),
    gpus: z.array(GpuSpecSchema).min(1),
  })
  .strict();

function load() {
  const parsed = CatalogSchema.safeParse(catalog);
  if (!parsed.success) throw new Error(`resources/gpus/catalog.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

const data = load();
export const GPUS: readonly GpuSpec[] = data.gpus;
export const CATALOG_DEFAULTS = data.defaults;

const byName = new Map<string, GpuSpec>();
for (const g of GPUS) for (const n of [g.id, g.name, ...g.aliases]) byName.set(n.toLowerCase(), g);

export function findGpu(name: string): GpuSpec | undefined {
  return byName.get(name.trim().toLowerCase());
}

export function getGpu(name: string): GpuSpec {
  const g = findGpu(name);
  if (!g) throw new Error(`unknown GPU "${name}": add a row to resources/gpus/catalog.json`);
  return g;
}

/** Bandwidth (bytes/s) between GPUs of one replica: their link (NVLink, or PCIe inside one server) within its domain, the scale-out network beyond. */
export function groupLinkBytesPerSec(g: GpuSpec, groupSize: number): number {
  const gbs = groupSize <= g.linkDomain ? g.linkGBs : CATALOG_DEFAULTS.scaleOutGBs;
  return gbs * 1e9;
}
