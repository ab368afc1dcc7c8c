import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { action } from '../run';
import { print } from '../output';
import { FoundryError } from '../../core/errors';
import { JWT_ALGORITHMS, MAX_JWKS_CACHE_MS, MIN_JWKS_CACHE_MS, type GatewayJwt, type GatewayJwtInput, type JwtAlgorithm } from '../../core/gateway-jwt/types';

/**
 * `foundry gateway jwt`: the JWT issuer every synced gateway trusts. The HS256 secret is taken from
 * standard input or a named environment variable, never the command line (shell history, `ps`).
 */

interface SetOptions {
  issuer?: string;
  audience?: string;
  algorithm?: string[];
  jwksUrl?: string;
  jwksCaFile?: string;
  clearJwksCa?: boolean;
  jwksCacheMinutes?: string;
  publicKeyFile?: string;
  hs256Secret?: string;
  hs256SecretEnv?: string;
  hs256SecretStdin?: boolean;
  projectClaim?: string;
  modelsClaim?: string;
  clockTolerance?: string;
}

const invalid = (message: string, hint?: string) => new FoundryError({ code: 'INVALID_INPUT', message: `${message} Nothing was changed.`, hint });
const collect = (value: string, previous: string[] = []) => [...previous, value];

function algorithmsFrom(values: string[] | undefined): JwtAlgorithm[] | undefined {
  if (!values) return undefined;
  const bad = values.filter((v) => !(JWT_ALGORITHMS as readonly string[]).includes(v.toUpperCase()));
  if (bad.length) throw invalid(`--algorithm ${bad.join(', ')} is not one the gateway verifies.`, `Use ${JWT_ALGORITHMS.join(', ')} (repeat --algorithm for several).`);
  return values.map((v) => v.toUpperCase() as JwtAlgorithm);
}

function readPem(option: string, path: string, hint: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw invalid(`${option} ${path} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}).`, hint);
  }
}

/** undefined: keep the stored bundle; null: remove it. */
function jwksCaBundleFrom(o: SetOptions): string | null | undefined {
  if (o.jwksCaFile !== undefined && o.clearJwksCa) throw invalid('Give either --jwks-ca-file or --clear-jwks-ca, not both.');
  if (o.clearJwksCa) return null;
  return o.jwksCaFile !== undefined ? readPem('--jwks-ca-file', o.jwksCaFile, "Give the path of the PEM file holding the CA certificate(s) that signed the identity provider's TLS certificate.") : undefined;
}

function jwksCacheMsFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const minutes = Number(value);
  if (!/^\d+$/.test(value) || minutes < MIN_JWKS_CACHE_MS / 60_000 || minutes > MAX_JWKS_CACHE_MS / 60_000) {
    throw invalid(`--jwks-cache-minutes "${value}" is not a whole number of minutes from ${MIN_JWKS_CACHE_MS / 60_000} to ${MAX_JWKS_CACHE_MS / 60_000} (24 hours).`);
  }
  return minutes * 60_000;
}

async function readSecret(o: SetOptions): Promise<string | undefined> {
  if (o.hs256Secret !== undefined) {
    throw invalid('The HS256 secret is not taken on the command line: it ends up in shell history and in process listings.', 'Pipe it with --hs256-secret-stdin, or name an environment variable with --hs256-secret-env.');
  }
  if (o.hs256SecretStdin && o.hs256SecretEnv) throw invalid('Give the secret either with --hs256-secret-stdin or with --hs256-secret-env, not both.');
  if (o.hs256SecretStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    // One trailing line break is what `echo` and most pipes add; anything else is the secret's own.
    const secret = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    if (!secret) throw invalid('--hs256-secret-stdin read nothing from standard input.', 'Pipe the secret in, e.g. `openssl rand -base64 48 | foundry gateway jwt set … --hs256-secret-stdin`.');
    return secret;
  }
  if (o.hs256SecretEnv) {
    const secret = process.env[o.hs256SecretEnv];
    if (!secret) throw invalid(`The environment variable ${o.hs256SecretEnv} (from --hs256-secret-env) is not set or is empty.`, `Export it first, e.g. \`export ${o.hs256SecretEnv}=…\`.`);
    return secret;
  }
  return undefined;
}

export function describeJwt(s: GatewayJwt | null): string {
  if (!s) return 'Gateway JWT authentication: off (gateways accept API keys only).';
  const k = s.keySource;
  const key = k.kind === 'jwks' ? `JWKS ${k.url}` : k.kind === 'public_key' ? `PEM public key (${k.keyType}, thumbprint ${k.thumbprint})` : `HS256 shared secret (set ${k.secretUpdatedAt}; never shown)`;
  return [
    'Gateway JWT authentication: on',
    `  issuer:          ${s.issuer}`,
    `  audience:        ${s.audience}`,
    `  algorithms:      ${s.algorithms.join(', ')}`,
    `  key:             ${key}`,
    ...(k.kind === 'jwks'
      ? [
          `  key set CA:      ${k.caCertificates ? k.caCertificates.map((c) => `${c.subject} (SHA-256 ${c.fingerprint256}, until ${c.notAfter})`).join('; ') : 'system roots'}`,
          `  key set cache:   ${k.cacheMs / 60_000} min`,
        ]
      : []),
    `  project claim:   ${s.projectClaim}`,
    `  models claim:    ${s.modelsClaim}`,
    `  clock tolerance: ${s.clockToleranceS} s`,
    `  changed:         ${s.updatedAt} by ${s.updatedBy}`,
  ].join('\n');
}

/** Adds `jwt` under the `gateway` command (commands/system.ts), or makes `gateway` if it is missing. */
export function registerGatewayJwt(program: Command): void {
  const gateway = program.commands.find((c) => c.name() === 'gateway') ?? program.command('gateway').description('the in-cluster gateway');
  const jwt = gateway.command('jwt').description('the JWT issuer every synced gateway trusts ([auth.jwt]); changes resync gateways automatically');

  jwt.command('show').description('the issuer, audience, algorithms and key source (a secret is never shown)').action(
    action(program, async (ctx) => {
      const s = await ctx.call('gatewayJwt:get', {});
      print(ctx.json, s, () => describeJwt(s));
    }),
  );

  jwt
    .command('set')
    .description('trust an issuer, or change it; options left out keep their current values (the key too)')
    .option('--issuer <iss>', 'the "iss" claim tokens must carry, e.g. https://idp.example.com')
    .option('--audience <aud>', 'the "aud" claim tokens must carry, e.g. foundry-gateway')
    .option('--jwks-url <url>', "the issuer's key set (https; http only for a loopback address)")
    .option('--jwks-ca-file <path>', "PEM CA bundle trusted for the https key set (an identity provider behind a private CA)")
    .option('--clear-jwks-ca', 'trust the system roots for the key set again')
    .option('--jwks-cache-minutes <n>', 'how long gateways use fetched keys before fetching the set again (1-1440; default: 10)')
    .option('--public-key-file <path>', 'PEM public key (RSA ≥ 2048 bits for RS256, EC P-256 for ES256)')
    .option('--hs256-secret-env <variable>', 'read the HS256 shared secret from this environment variable')
    .option('--hs256-secret-stdin', 'read the HS256 shared secret from standard input')
    .option('--hs256-secret <secret>', 'refused: secrets on the command line leak into history and process lists')
    .option('--algorithm <alg>', `${JWT_ALGORITHMS.join(' | ')} (repeat; default: what the key verifies)`, collect)
    .option('--project-claim <name>', 'claim naming the Foundry project (default: project)')
    .option('--models-claim <name>', 'claim listing the models the token may use (default: models)')
    .option('--clock-tolerance <seconds>', 'leeway for exp/nbf/iat (default: 5)')
    .action(
      action(program, async (ctx, o: SetOptions) => {
        const hs256Secret = await readSecret(o);
        const current = await ctx.call('gatewayJwt:get', {});
        const issuer = o.issuer ?? current?.issuer;
        const audience = o.audience ?? current?.audience;
        if (!issuer || !audience) throw invalid(`${!issuer ? '--issuer' : '--audience'} is required: no issuer is set yet.`, 'e.g. `foundry gateway jwt set --issuer https://idp.example.com --audience foundry-gateway --jwks-url https://idp.example.com/.well-known/jwks.json`');
        let clockToleranceS: number | undefined;
        if (o.clockTolerance !== undefined) {
          clockToleranceS = Number(o.clockTolerance);
          if (!/^\d+$/.test(o.clockTolerance)) throw invalid(`--clock-tolerance "${o.clockTolerance}" is not a whole number of seconds.`);
        }
        const input: GatewayJwtInput = {
          issuer,
          audience,
          algorithms: algorithmsFrom(o.algorithm),
          jwksUrl: o.jwksUrl,
          jwksCaBundle: jwksCaBundleFrom(o),
          jwksCacheMs: jwksCacheMsFrom(o.jwksCacheMinutes),
          publicKeyPem: o.publicKeyFile !== undefined ? readPem('--public-key-file', o.publicKeyFile, "Give the path of the PEM file holding the issuer's public key.") : undefined,
          hs256Secret,
          projectClaim: o.projectClaim,
          modelsClaim: o.modelsClaim,
          clockToleranceS,
        };
        const r = await ctx.call('gatewayJwt:set', input);
        print(ctx.json, r, () => `${r.change === 'enabled' ? 'Enabled' : 'Changed'} gateway JWT authentication${r.secretReplaced ? ' (new secret)' : ''}. Synced gateways pick it up automatically.\n${describeJwt(r.settings)}`);
      }),
    );

  jwt
    .command('disable')
    .description('stop accepting JWTs on every gateway (API keys keep working); needs --confirm')
    .option('--confirm', 'confirm that every token stops working once gateways resync')
    .action(
      action(program, async (ctx, o: { confirm?: boolean }) => {
        if (!o.confirm) {
          throw new FoundryError({
            code: 'INVALID_INPUT',
            message: 'Disabling JWT authentication makes every gateway refuse every JWT once it resyncs; services that call with tokens lose access. Nothing was changed.',
            hint: 'Run again with --confirm to go ahead.',
          });
        }
        const s = await ctx.call('gatewayJwt:disable', { confirm: true });
        print(ctx.json, s, () => `Disabled gateway JWT authentication (issuer ${s.issuer}). Gateways refuse JWTs after their next sync; API keys keep working.`);
      }),
    );
}
