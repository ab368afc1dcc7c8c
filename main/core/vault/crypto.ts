import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  generateKeyPair,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  constants,
  type KeyObject,
} from 'node:crypto';

/**
 * The vault's primitives, on Node's crypto (OpenSSL): RSA-OAEP-SHA256 unwrap is ~40× faster here than
 * in node-forge (TOOLCHAIN.md), and key generation runs off the event loop.
 *
 * Sealed format: [version=1][iv:12][tag:16][ciphertext]. The AAD binds a ciphertext to its row, so
 * swapping two secrets' ciphertexts in the database makes both fail to open instead of silently
 * returning the wrong secret.
 */
const VERSION = 1;
const IV_LEN = 12;
const TAG_LEN = 16;

export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_LEN);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Throws if the key is wrong or the data was altered. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + IV_LEN + TAG_LEN || sealed[0] !== VERSION) throw new Error('unknown sealed format');
  const iv = sealed.subarray(1, 1 + IV_LEN);
  const tag = sealed.subarray(1 + IV_LEN, 1 + IV_LEN + TAG_LEN);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_LEN + TAG_LEN)), decipher.final()]);
}

export function generateRsaKeyPair(bits = 4096): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
  return new Promise((resolve, reject) =>
    generateKeyPair(
      'rsa',
      {
        modulusLength: bits,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKeyPem, privateKeyPem) => (err ? reject(err) : resolve({ publicKeyPem, privateKeyPem })),
    ),
  );
}

export function wrapKey(publicKeyPem: string, dataKey: Buffer): Buffer {
  return publicEncrypt({ key: publicKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey);
}

export function unwrapKey(privateKey: KeyObject, wrapped: Buffer): Buffer {
  return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, wrapped);
}

export function deriveKek(masterSecret: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(masterSecret, 'base64'), salt, 'foundry vault kek v1', 32));
}

export function privateKeyFromPem(pem: Buffer): KeyObject {
  return createPrivateKey({ key: pem, format: 'pem' });
}

export function newDataKey(): Buffer {
  return randomBytes(32);
}

export function newMasterSecret(): string {
  return randomBytes(32).toString('base64');
}
