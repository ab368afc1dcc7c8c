/**
 * Turns an image runtime's answer (always requested as b64_json) into what the client asked for:
 * stored images with signed URLs, or the b64_json answer as it came.
 */
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../errors';
import { signImagePath } from './signed-url';
import { storageError, type ImageStoreRuntime } from './store';

const FORMATS: { ext: 'png' | 'jpeg' | 'webp'; type: string; test: (b: Buffer) => boolean }[] = [
  { ext: 'png', type: 'image/png', test: (b) => b.length > 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a },
  { ext: 'jpeg', type: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: 'webp', type: 'image/webp', test: (b) => b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

/** What the image bytes are, from their magic numbers (the runtime's word is not trusted for a content type). */
export function sniffImage(bytes: Buffer): { ext: 'png' | 'jpeg' | 'webp'; type: string } | null {
  for (const f of FORMATS) if (f.test(bytes)) return f;
  return null;
}

export interface StoreAnswerOptions {
  images: ImageStoreRuntime;
  /** scheme://host[:port] used when no public_base_url is configured. */
  requestBase: string;
  nowS: number;
}

/** Stores every image of the answer and replaces its b64_json with a signed URL. */
export async function storeImageAnswer(body: Buffer | string, o: StoreAnswerOptions): Promise<string> {
  let answer: { created?: number; data?: { b64_json?: unknown; url?: unknown; revised_prompt?: unknown }[]; [k: string]: unknown };
  try {
    answer = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new GatewayError('upstream_error', 'The image runtime sent an answer that is not JSON.');
  }
  if (!answer || !Array.isArray(answer.data)) throw new GatewayError('upstream_error', 'The image runtime sent an answer without a data array.');
  const expires = o.nowS + o.images.ttlS;
  const base = o.images.publicBaseUrl ?? o.requestBase;
  const data = await Promise.all(
    answer.data.map(async (item, i) => {
      if (typeof item?.b64_json !== 'string') throw new GatewayError('upstream_error', `The image runtime sent no b64_json for image ${i}.`);
      const bytes = Buffer.from(item.b64_json, 'base64');
      const kind = sniffImage(bytes);
      if (!kind) throw new GatewayError('upstream_error', `The image runtime sent image ${i} in a format the gateway does not serve (PNG, JPEG and WebP are served).`);
      const name = `${randomBytes(18).toString('base64url')}.${kind.ext}`;
      await o.images.store.put(name, bytes, kind.type);
      const out: Record<string, unknown> = { url: base + signImagePath(o.images.signingKey, name, expires) };
      if (item.revised_prompt !== undefined) out.revised_prompt = item.revised_prompt;
      return out;
    }),
  ).catch((err) => {
    throw err instanceof GatewayError ? err : storageError('unexpected error', err);
  });
  return JSON.stringify({ ...answer, data });
}
