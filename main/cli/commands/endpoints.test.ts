import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../core/testing/harness';
import { cliRunner } from '../testing';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

/** `foundry endpoints` as a user runs it: separate processes on a real FOUNDRY_HOME, against the vLLM simulator. */
describe('foundry endpoints', () => {
  const home = tempDir();
  const foundry = cliRunner(home.path);
  const KEY = `sk-cli-${Math.random().toString(36).slice(2)}-secret`;
  let sim: { url: string; process: ChildProcess };

  beforeAll(async () => {
    sim = await simulatorProcess(KEY);
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
    expect(foundry(['projects', 'create', 'fraud']).code).toBe(0);
  });
  afterAll(async () => {
    sim?.process.kill();
    home.remove();
  });

  it('refuses a key on the command line, and takes it from stdin instead', () => {
    const refused = foundry(['endpoints', 'add', 'llama', '--kind', 'openai_compatible', '--base-url', `${sim.url}/v1`, '--model', 'sim-model', '--api-key', KEY]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('API keys are not taken on the command line');
    expect(refused.err).toContain('hint: Pipe the key with --api-key-stdin');
    expect(refused.err).not.toContain(KEY);
    expect(foundry(['endpoints', 'list']).out).toContain('(none)');

    const added = foundry(['endpoints', 'add', 'llama', '--kind', 'openai_compatible', '--base-url', `${sim.url}/v1`, '--model', 'sim-model', '--api-key-stdin'], `${KEY}\n`);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain(`Added endpoint llama (openai_compatible, ${sim.url}/v1, model sim-model, key set, projects all)`);
    const listed = foundry(['endpoints', 'list']);
    expect(listed.out).toMatch(/llama\s+openai_compatible\s+\S+\s+sim-model\s+set\s+all\s+-\s+never/);
    expect(foundry(['endpoints', 'list', '--json']).out).not.toContain(KEY);
  });

  it('tests with the stored key: OK with the models, and a refused key fails with exit 6', () => {
    const ok = foundry(['endpoints', 'test', 'llama']);
    expect(ok.code, ok.out + ok.err).toBe(0);
    expect(ok.out).toMatch(/^llama: OK in \d+ ms — 1 model: sim-model/);

    process.env.FOUNDRY_TEST_WRONG_KEY = 'sk-wrong';
    expect(foundry(['endpoints', 'update', 'llama', '--api-key-env', 'FOUNDRY_TEST_WRONG_KEY']).out).toContain('Saved endpoint llama with its new key');
    const failed = foundry(['endpoints', 'test', 'llama']);
    expect(failed.code).toBe(6);
    expect(failed.out).toContain('llama: FAILED (unauthorized) — The endpoint refused the API key (HTTP 401)');
    expect(foundry(['endpoints', 'list']).out).toContain('failed: unauthorized');
    expect(foundry(['endpoints', 'update', 'llama', '--api-key-stdin'], `${KEY}\n`).code).toBe(0);
    const again = foundry(['endpoints', 'test', 'llama']);
    expect(again.code, again.out + again.err).toBe(0);
  });

  it('names the bad field and what to do; an unset variable is explained', () => {
    const bad = foundry(['endpoints', 'add', 'gpt', '--kind', 'openai', '--base-url', 'http://user:pw@proxy/v1', '--api-key-stdin'], 'sk-x\n');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("baseUrl: must not carry a user name or password");
    expect(bad.err).toContain('hint: Fix the fields named above; nothing was saved.');
    const kind = foundry(['endpoints', 'add', 'x', '--kind', 'bedrock']);
    expect(kind.err).toContain('--kind "bedrock" is not a kind Foundry knows');
    const env = foundry(['endpoints', 'add', 'gpt', '--kind', 'openai', '--api-key-env', 'FOUNDRY_TEST_UNSET_VARIABLE']);
    expect(env.err).toContain('The environment variable FOUNDRY_TEST_UNSET_VARIABLE (from --api-key-env) is not set or is empty.');
  });

  it('takes a CA bundle from --ca-file for an endpoint behind a private CA, refuses a bad one, and --clear-ca removes it', async () => {
    const tls = await tlsUpstreamProcess(home.path);
    try {
      const base = ['--kind', 'openai_compatible', '--base-url', `${tls.url}/v1`, '--model', 'private-llm'];
      const missing = foundry(['endpoints', 'add', 'private', ...base, '--ca-file', join(home.path, 'nope.pem')]);
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('nope.pem cannot be read (no such file). Nothing was saved.');
      writeFileSync(join(home.path, 'server.pem'), tls.serverCertPem);
      const leaf = foundry(['endpoints', 'add', 'private', ...base, '--ca-file', join(home.path, 'server.pem')]);
      expect(leaf.code).toBe(2);
      expect(leaf.err).toContain('caBundle: certificate 1 ("private-llm.internal") is not a certificate authority');

      const added = foundry(['endpoints', 'add', 'private', ...base, '--ca-file', tls.caFile]);
      expect(added.code, added.err).toBe(0);
      expect(added.out).toContain('CA Foundry Test Internal CA');
      expect(foundry(['endpoints', 'list']).out).toMatch(/private\s+.*Foundry Test Internal CA/);
      const ok = foundry(['endpoints', 'test', 'private']);
      expect(ok.code, ok.out + ok.err).toBe(0);
      expect(ok.out).toMatch(/^private: OK in \d+ ms — 1 model: private-llm/);

      expect(foundry(['endpoints', 'update', 'private', '--clear-ca']).code).toBe(0);
      const untrusted = foundry(['endpoints', 'test', 'private']);
      expect(untrusted.code).toBe(6);
      expect(untrusted.out).toContain('private: FAILED (tls)');
      expect(untrusted.out).toContain('add that CA to the endpoint (Edit → CA bundle)');
      expect(foundry(['endpoints', 'update', 'private', '--clear-ca', '--ca-file', tls.caFile]).err).toContain('Give --ca-file or --clear-ca, not both.');
      expect(foundry(['endpoints', 'remove', 'private', '--confirm', 'private']).code).toBe(0);
    } finally {
      tls.process.kill();
    }
  });

  it('scopes to projects, chains a fallback, and removes by typed name', () => {
    expect(foundry(['endpoints', 'add', 'backup', '--kind', 'openai_compatible', '--base-url', `${sim.url}/v1`, '--model', 'sim-model', '--project', 'fraud']).code).toBe(0);
    const leak = foundry(['endpoints', 'update', 'llama', '--fallback', 'backup']);
    expect(leak.code).toBe(2);
    expect(leak.err).toContain('a fallback must serve every project its endpoint serves');
    expect(foundry(['endpoints', 'update', 'backup', '--all-projects']).code).toBe(0);
    expect(foundry(['endpoints', 'update', 'llama', '--fallback', 'backup', '--project', 'fraud']).code).toBe(0);
    expect(foundry(['endpoints', 'list']).out).toMatch(/llama\s+.*\s+fraud\s+backup\s+/);
    const inUse = foundry(['endpoints', 'remove', 'backup', '--confirm', 'backup']);
    expect(inUse.code).toBe(6);
    expect(inUse.err).toContain('is the fallback of llama');
    expect(foundry(['endpoints', 'update', 'llama', '--no-fallback']).code).toBe(0);
    expect(foundry(['endpoints', 'remove', 'backup', '--confirm', 'Backup']).code).toBe(2);
    expect(foundry(['endpoints', 'remove', 'backup', '--confirm', 'backup']).out).toContain('Removed endpoint backup');
  });
});

/** An HTTPS upstream whose certificate a CA minted for this run signed, in its own process (as the simulator); the CA's PEM is written to a file. */
async function tlsUpstreamProcess(dir: string): Promise<{ url: string; caFile: string; serverCertPem: string; process: ChildProcess }> {
  const fixture = join(__dirname, '../../../gateway/test-support/test-ca.ts');
  const caFile = join(dir, 'internal-ca.pem');
  const serverFile = join(dir, 'server-cert.out');
  const script = `import(${JSON.stringify(fixture)}).then(async (m) => { const t = m.createTestCa ? m : m.default; const fs = await import('node:fs'); const ca = t.createTestCa(); const cert = t.issueServerCert(ca); fs.writeFileSync(process.env.CA_FILE, ca.certPem); fs.writeFileSync(process.env.SERVER_FILE, cert.certPem); const s = await t.startTlsUpstream(cert); console.log(s.url); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, CA_FILE: caFile, SERVER_FILE: serverFile }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the TLS upstream process exited (${String(code)}) before it listened`);
  });
  const [line] = (await Promise.race([once(child.stdout!, 'data'), exited])) as [Buffer];
  return { url: line.toString().trim(), caFile, serverCertPem: readFileSync(serverFile, 'utf8'), process: child };
}

/**
 * The simulator in its own process: the CLI runner blocks this one (spawnSync) while a command
 * runs, so a server here could not answer the command's connection test.
 */
/** `foundry optimize-measure --endpoint`: a load test of a registered endpoint, recorded against a run's plan. */
describe('foundry optimize-measure --endpoint', () => {
  const home = tempDir();
  const foundry = cliRunner(home.path);
  const KEY = `sk-cli-${Math.random().toString(36).slice(2)}-secret`;
  let sim: { url: string; process: ChildProcess };

  beforeAll(async () => {
    // With its latency model on: a zero-delay server sends an answer's tokens all at once, and TPOT is then not observable.
    sim = await simulatorProcess(KEY, false);
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
    expect(foundry(['endpoints', 'add', 'llama-lab', '--kind', 'openai_compatible', '--base-url', `${sim.url}/v1`, '--model', 'sim-model', '--api-key-stdin'], `${KEY}\n`).code).toBe(0);
  });
  afterAll(() => {
    sim?.process.kill();
    home.remove();
  });

  it('measures the endpoint, prints the measurement beside the prediction, and refuses typed values with it', () => {
    const run = JSON.parse(foundry(['optimize', '-m', 'llama-3.1-8b', '-g', 'lab=h100_sxm:1', '--isl', '256', '--osl', '16', '--json']).out) as { id: string };
    const r = foundry(['optimize-measure', run.id, '--endpoint', 'llama-lab', '--concurrency', '2', '--requests', '6']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Foundry load test of llama-lab: 6 requests, 2 clients/);
    expect(r.out).toMatch(/\b2\s+\d+\/16\b/);
    expect(r.err).toMatch(/6 requests in [\d.]+ s: TTFT mean/);
    expect(r.out + r.err).not.toContain(KEY);
    const typed = foundry(['optimize-measure', run.id, '--endpoint', 'llama-lab', '--concurrency', '2', '--ttft', '50']);
    expect(typed.code).not.toBe(0);
    expect(typed.err).toContain('--endpoint measures the values itself; --ttft cannot be given with it.');
    expect(foundry(['optimize-measure', run.id, '--endpoint', 'llama-lab']).err).toContain('--endpoint needs --concurrency');
    // A sweep: one measurement per level, printed as a list with --json.
    const sweep = foundry(['optimize-measure', run.id, '--endpoint', 'llama-lab', '--concurrency', '1,3', '--requests', '3', '--json']);
    expect(sweep.code, sweep.err).toBe(0);
    expect((JSON.parse(sweep.out) as { measured: { concurrency: number } }[]).map((m) => m.measured.concurrency)).toEqual([1, 3]);
  });

  it("--through takes the gateway's key from the environment or stdin only, and only with --endpoint", () => {
    const run = JSON.parse(foundry(['optimize', '-m', 'llama-3.1-8b', '-g', 'lab=h100_sxm:1', '--json']).out) as { id: string };
    const base = ['optimize-measure', run.id, '--endpoint', 'llama-lab', '--concurrency', '2'];
    expect(foundry(['optimize-measure', run.id, '--through', 'edge', '--concurrency', '2']).err).toContain('--through measures an endpoint through a gateway; name the endpoint with --endpoint.');
    expect(foundry([...base, '--through', 'edge']).err).toContain("--through calls the cluster's gateway, which needs one of the API keys Foundry issued.");
    expect(foundry([...base, '--api-key-stdin'], 'fdy_x\n').err).toContain('An API key is only taken with --through');
    const onArgv = foundry([...base, '--through', 'edge', '--api-key', 'fdy_leaky']);
    expect(onArgv.err).toContain('API keys are not taken on the command line');
    const unknown = foundry([...base, '--through', 'nowhere', '--api-key-env', 'GW_KEY'], undefined, { GW_KEY: 'fdy_some-gateway-key' });
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/nowhere/);
    expect(unknown.err).not.toContain('fdy_some-gateway-key');
  });
});

async function simulatorProcess(apiKey: string, zeroDelay = true): Promise<{ url: string; process: ChildProcess }> {
  const fixture = join(__dirname, '../../../e2e/fixtures/vllm-sim/index.ts');
  const script = `import(${JSON.stringify(fixture)}).then(async (m) => { const s = await (m.startSimulator ?? m.default.startSimulator)({ model: 'sim-model', apiKey: process.env.SIM_KEY, zeroDelay: process.env.SIM_ZERO_DELAY === '1' }); console.log(s.url); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, SIM_KEY: apiKey, SIM_ZERO_DELAY: zeroDelay ? '1' : '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the simulator process exited (${String(code)}) before it listened`);
  });
  const [line] = (await Promise.race([once(child.stdout!, 'data'), exited])) as [Buffer];
  return { url: line.toString().trim(), process: child };
}
