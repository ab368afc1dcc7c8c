/**
 * The object store behind /v1/images/generations: a volume (a directory) or an S3-compatible
 * bucket. Keys are gateway-made (`<random id>.<ext>`), so neither store ever sees client text
 * in a path.
 */
import type { Readable } from 'node:stream';
import type { Pool } from 'undici';
import type { ObjectStoreConfig } from '../config/schema';
import { readSecret, type SecretSource } from '../config/secrets';
import { GatewayError } from '../errors';
import { S3Store } from './s3-store';
import { VolumeStore } from './volume-store';

export interface StoredObject {
  body: Readable;
  length: number;
  contentType: string;
}

export interface ObjectStore {
  readonly kind: 'volume' | 's3';
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** null when there is no such object. */
  get(key: string): Promise<StoredObject | null>;
  /** Stops background work (the volume's expiry sweep). */
  close(): void;
}

/** Store failures are 502s with what the store said (its error code), never credentials. */
export function storageError(message: string, cause?: unknown): GatewayError {
  return new GatewayError('storage_error', `The image store failed: ${message}`, { cause });
}

export const KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}\.(png|jpeg|webp)$/;

export interface ImageStoreRuntime {
  store: ObjectStore;
  signingKey: Buffer;
  ttlS: number;
  publicBaseUrl: string | undefined;
}

export type BuildStoreResult = { ok: true; value: ImageStoreRuntime } | { ok: false; errors: string[] };

export function buildObjectStore(cfg: ObjectStoreConfig, secrets: SecretSource, pool: (origin: string, connections: number) => Pool): BuildStoreResult {
  const errors: string[] = [];
  const signing = readSecret(secrets, 'object_store', { file: cfg.url_signing_key_file, env: cfg.url_signing_key_env, name: 'url_signing_key' });
  if (!signing.ok) errors.push(signing.error);
  else if (!signing.value || Buffer.byteLength(signing.value) < 32) errors.push('object_store.url_signing_key: must be at least 32 bytes (e.g. openssl rand -base64 48)');
  let store: ObjectStore | null = null;
  if (cfg.kind === 'volume') {
    store = new VolumeStore(cfg.path!, cfg.prefix, (cfg.url_ttl_s + 60) * 1000);
  } else {
    const id = readSecret(secrets, 'object_store', { file: cfg.access_key_id_file, env: cfg.access_key_id_env, name: 'access_key_id' });
    const secret = readSecret(secrets, 'object_store', { file: cfg.secret_access_key_file, env: cfg.secret_access_key_env, name: 'secret_access_key' });
    if (!id.ok) errors.push(id.error);
    if (!secret.ok) errors.push(secret.error);
    if (id.ok && secret.ok) {
      store = new S3Store({ endpoint: cfg.endpoint!, bucket: cfg.bucket!, region: cfg.region, prefix: cfg.prefix, forcePathStyle: cfg.force_path_style, accessKeyId: id.value!, secretAccessKey: secret.value!, pool: (origin) => pool(origin, cfg.connections) });
    }
  }
  if (errors.length || !store) {
    store?.close();
    return { ok: false, errors };
  }
  return { ok: true, value: { store, signingKey: Buffer.from(signing.ok ? signing.value! : ''), ttlS: cfg.url_ttl_s, publicBaseUrl: cfg.public_base_url?.replace(/\/$/, '') } };
}
