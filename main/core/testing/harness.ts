import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../core';
import { createOsKeychain, keychainHealth, type Keychain } from '../vault/keychain';
import type { ChannelInput, ChannelName, ChannelOutput } from '../channels';
import { fromShape } from '../errors';

/**
 * Test harness: a real core on a real SQLite file in a temp folder, with the real OS keychain
 * under a service name unique to the test so parallel tests and the user's own entries never mix.
 */

export function tempDir(prefix = 'foundry-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function testKeychainService(): string {
  return `foundry-test-${randomBytes(6).toString('hex')}`;
}

/** Removes every entry a test wrote under its private service name. */
export async function clearKeychainService(service: string): Promise<void> {
  try {
    const keytar = (await import('keytar')) as unknown as {
      default?: typeof import('keytar');
    } & typeof import('keytar');
    const k = keytar.default ?? keytar;
    for (const c of await k.findCredentials(service)) await k.deletePassword(service, c.account);
  } catch {
    // No keychain here: nothing was written.
  }
}

let keychainProbe: Promise<boolean> | undefined;
/** Whether a Secret Service keychain is reachable from this process. */
export function keychainAvailable(): Promise<boolean> {
  keychainProbe ??= keychainHealth(createOsKeychain(testKeychainService())).then((h) => h.ok);
  return keychainProbe;
}

/** In CI a missing system part is a failure, on a laptop it is a skip. */
export function requireInCi(available: boolean, what: string): boolean {
  if (!available && process.env.CI === 'true') {
    throw new Error(`${what} is required in CI (CI=true) but is not available`);
  }
  return available;
}

/** Whether tests may use the OS keychain (Secret Service) here; in CI a missing one fails. */
export async function keychainTestsAvailable(): Promise<boolean> {
  return requireInCi(await keychainAvailable(), 'The OS keychain (Secret Service)');
}

export interface TestCore extends Core {
  home: string;
  keychain: Keychain;
  keychainService: string;
  call<K extends ChannelName>(name: K, input: ChannelInput<K>, token?: string): Promise<ChannelOutput<K>>;
  dispose(): Promise<void>;
}

export function startTestCore(options: Partial<CoreOptions> & { home?: string } = {}): TestCore {
  const dir = options.home ? null : tempDir();
  const home = options.home ?? dir!.path;
  const keychainService = testKeychainService();
  const keychain = options.keychain ?? createOsKeychain(keychainService);
  const core = createCore({ rsaBits: 2048, ...options, home, keychain });
  return {
    ...core,
    home,
    keychain,
    keychainService,
    async call(name, input, token) {
      const result = await core.dispatcher.call(name, input, { token, transport: 'test' });
      if (!result.ok) throw fromShape(result.error);
      return result.value as never;
    },
    async dispose() {
      await core.close();
      await clearKeychainService(keychainService);
      dir?.remove();
    },
  };
}

export const ADMIN = { username: 'ada', password: 'correct horse battery' } as const;

/** A fresh core whose first-run setup is done: the core and the admin's session token. */
export async function startAdminCore(options: Partial<CoreOptions> = {}): Promise<{ core: TestCore; admin: string }> {
  const core = startTestCore(options);
  return { core, admin: await setupAdmin(core) };
}

/** Runs first-run setup and returns the admin's session token. */
export async function setupAdmin(core: TestCore): Promise<string> {
  const grant = await core.call('auth:setup', { ...ADMIN });
  return grant.token;
}

export interface AdminCoreFixture {
  /** The running core; only inside a test (or a hook after the fixture's own). */
  readonly core: TestCore;
  /** The admin's session token. */
  readonly token: string;
  /** Shorthand for core.services. */
  readonly services: TestCore['services'];
  /** Ends the current core and starts a fresh one (new data folder, admin set up again) with these options. */
  startFresh(options?: Partial<CoreOptions>): Promise<void>;
}

/**
 * A fresh admin core for each test (`per: 'test'`, the default) or one for the whole file, or the
 * describe block it is called in (`per: 'file'`), started and disposed by hooks this call registers. Call it before the file's
 * own hooks: those then run after the core starts and, on the way out, before it is disposed.
 * With `when: false` (a system part is missing) nothing starts.
 */
export function useAdminCore(opts: { per?: 'test' | 'file'; when?: boolean; options?: Partial<CoreOptions> } = {}): AdminCoreFixture {
  let current: { core: TestCore; admin: string } | undefined;
  const running = () => {
    if (!current) throw new Error('No admin core is running: use it inside a test, after useAdminCore\'s hooks (and with `when` true).');
    return current;
  };
  const start = async (options = opts.options) => {
    current = await startAdminCore(options);
  };
  const stop = async () => {
    const ending = current;
    current = undefined;
    await ending?.core.dispose();
  };
  const [before, after] = opts.per === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    if (opts.when ?? true) await start();
  });
  after(stop);
  return {
    get core() {
      return running().core;
    },
    get token() {
      return running().admin;
    },
    get services() {
      return running().core.services;
    },
    async startFresh(options) {
      await stop();
      await start(options);
    },
  };
}
