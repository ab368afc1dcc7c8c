import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { action, projectIdFrom } from '../run';
import { print, table } from '../output';
import type { CliContext } from '../context';
import { FoundryError, exitCodeOf, notFound } from '../../core/errors';
import { ENDPOINT_KINDS, type Endpoint, type EndpointKind, type EndpointTestResult } from '../../core/endpoints/types';
import { keyOptions, readApiKey, type KeySourceOptions } from './endpoints-key';
import { limitsText, rateInput, type LimitFlags } from './limits';

async function endpointFrom(ctx: CliContext, ref: string): Promise<Endpoint> {
  const list = await ctx.call('endpoints:list', {});
  const found = list.find((e) => e.id === ref) ?? list.find((e) => e.name.toLowerCase() === ref.toLowerCase());
  if (!found) throw notFound(`Endpoint "${ref}"`, 'Run `foundry endpoints list` for the endpoints that exist.');
  return found;
}

function kindFrom(value: string | undefined): EndpointKind | undefined {
  if (value === undefined) return undefined;
  if ((ENDPOINT_KINDS as readonly string[]).includes(value)) return value as EndpointKind;
  throw new FoundryError({ code: 'INVALID_INPUT', message: `--kind "${value}" is not a kind Foundry knows.`, hint: `Use one of: ${ENDPOINT_KINDS.join(', ')}.` });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const projectIds = (ctx: CliContext, refs: string[] | undefined) => (refs ? Promise.all(refs.map((p) => projectIdFrom(ctx, p))) : Promise.resolve(undefined));
const projectsText = (e: Endpoint) => (e.projects === null ? 'all' : [...e.projects.map((p) => p.name), ...(e.hiddenProjectCount ? [`+${e.hiddenProjectCount} hidden`] : [])].join(',') || 'none');

export function describeTest(name: string, r: EndpointTestResult): string {
  if (!r.ok) return [`${name}: FAILED (${r.error!.kind}) — ${r.error!.message}`, `  hint: ${r.error!.hint}`, `  probe: ${r.probe}`].join('\n');
  const models = r.models.length > 10 ? `${r.models.slice(0, 10).join(', ')} … (${r.models.length})` : r.models.join(', ');
  return [`${name}: OK in ${r.latencyMs} ms — ${r.models.length} model${r.models.length === 1 ? '' : 's'}: ${models}`, ...(r.note ? [`  note: ${r.note}`] : []), `  probe: ${r.probe}`].join('\n');
}

/** The PEM CA bundle named by --ca-file; the core checks what it holds. */
function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FoundryError({ code: 'INVALID_INPUT', message: `--ca-file ${path} cannot be read (${code === 'ENOENT' ? 'no such file' : (code ?? 'error')}). Nothing was saved.`, hint: 'Give the path of the PEM file holding the CA certificate(s) that signed the endpoint\'s certificate.' });
  }
}

const caText = (e: Endpoint) => (e.caCertificates === null ? 'system' : e.caCertificates.map((c) => c.subject).join(',') || 'unreadable');

const lastTest = (r: EndpointTestResult | null) => (!r ? 'never' : r.ok ? `ok ${r.latencyMs} ms` : `failed: ${r.error!.kind}`);

interface ConnectionOptions extends KeySourceOptions, LimitFlags {
  kind?: string;
  baseUrl?: string;
  model?: string;
  apiVersion?: string;
  project?: string[];
  caFile?: string;
}

export function registerEndpoints(program: Command): void {
  const e = program.command('endpoints').description('cloud APIs and private OpenAI-compatible servers every cluster gateway serves (keys are sealed in the vault)');

  e.command('list').action(
    action(program, async (ctx) => {
      const list = await ctx.call('endpoints:list', {});
      print(ctx.json, list, () =>
        table(
          list.map((x) => ({ ...x, key: x.keySet ? 'set' : 'none', projects: projectsText(x), fallback: x.fallback?.name ?? '-', tested: lastTest(x.lastTest), ca: caText(x), limits: limitsText(x) })),
          ['name', 'kind', 'baseUrl', 'upstreamModel', 'key', 'projects', 'fallback', 'tested', 'ca', 'limits'],
        ),
      );
    }),
  );

  keyOptions(
    e
      .command('add <name>')
      .description('register an endpoint; <name> is the model name clients send to the gateway')
      .requiredOption('-k, --kind <kind>', ENDPOINT_KINDS.join(' | '))
      .option('-u, --base-url <url>', 'API root, e.g. http://vllm.models:8000/v1 (OpenAI and Anthropic have defaults; Azure: the resource URL)')
      .option('-m, --model <name>', 'upstream model (Azure: the deployment); default: <name>')
      .option('--api-version <version>', 'Azure api-version (required there) or Anthropic anthropic-version')
      .option('-p, --project <project>', 'a project that may use it (repeat; default: every project)', collect)
      .option('--fallback <endpoint>', 'endpoint to try when this one fails')
      .option('--ca-file <path>', 'PEM CA bundle for an https endpoint whose certificate a private CA signed')
      .option('--rpm <n>', 'requests per minute for this model, shared by every caller')
      .option('--tpm <n>', 'tokens per minute for this model, shared by every caller'),
  ).action(
    action(program, async (ctx, name: string, o: ConnectionOptions & { fallback?: string }) => {
      const caBundle = readCaFile(o.caFile);
      const apiKey = await readApiKey(o);
      const created = await ctx.call('endpoints:create', {
        name,
        kind: kindFrom(o.kind)!,
        baseUrl: o.baseUrl,
        upstreamModel: o.model,
        apiVersion: o.apiVersion,
        apiKey,
        caBundle,
        projectIds: await projectIds(ctx, o.project),
        fallbackId: o.fallback ? (await endpointFrom(ctx, o.fallback)).id : undefined,
        ...rateInput(o),
      });
      const ca = created.caCertificates ? `, CA ${caText(created)}` : '';
      print(ctx.json, created, () => `Added endpoint ${created.name} (${created.kind}, ${created.baseUrl}, model ${created.upstreamModel}, key ${created.keySet ? 'set' : 'none'}${ca}, projects ${projectsText(created)}${limitsText(created) === 'none' ? '' : `, limits ${limitsText(created)}`}). Synced gateways pick it up automatically.`);
    }),
  );

  keyOptions(
    e
      .command('update <endpoint>')
      .description('change an endpoint; only the options given change, and the key is kept unless a new one is given')
      .option('-n, --name <name>', 'new model name at the gateway')
      .option('-k, --kind <kind>', ENDPOINT_KINDS.join(' | '))
      .option('-u, --base-url <url>')
      .option('-m, --model <name>', 'upstream model (Azure: the deployment)')
      .option('--api-version <version>')
      .option('--clear-api-key', 'remove the stored key (private endpoints only)')
      .option('-p, --project <project>', 'a project that may use it (repeat; replaces the list)', collect)
      .option('--all-projects', 'every project may use it')
      .option('--fallback <endpoint>', 'endpoint to try when this one fails')
      .option('--no-fallback', 'no fallback')
      .option('--ca-file <path>', 'PEM CA bundle replacing the stored one (a private CA signed the endpoint\'s certificate)')
      .option('--clear-ca', 'remove the stored CA bundle: trust the system\'s authorities')
      .option('--rpm <n>', 'requests per minute for this model, shared by every caller, or none')
      .option('--tpm <n>', 'tokens per minute for this model, shared by every caller, or none'),
  ).action(
    action(program, async (ctx, ref: string, o: ConnectionOptions & { name?: string; clearApiKey?: boolean; allProjects?: boolean; fallback?: string | false; clearCa?: boolean }) => {
      if (o.project && o.allProjects) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Give --project or --all-projects, not both.' });
      if (o.caFile && o.clearCa) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Give --ca-file or --clear-ca, not both.' });
      const caBundle = o.clearCa ? null : readCaFile(o.caFile);
      const current = await endpointFrom(ctx, ref);
      const apiKey = await readApiKey(o);
      const updated = await ctx.call('endpoints:update', {
        endpointId: current.id,
        name: o.name,
        kind: kindFrom(o.kind),
        baseUrl: o.baseUrl,
        upstreamModel: o.model,
        apiVersion: o.apiVersion,
        apiKey,
        clearApiKey: o.clearApiKey,
        caBundle,
        projectIds: o.allProjects ? null : await projectIds(ctx, o.project),
        fallbackId: o.fallback === false ? null : o.fallback ? (await endpointFrom(ctx, o.fallback)).id : undefined,
        ...rateInput(o),
      });
      print(ctx.json, updated, () => `Saved endpoint ${updated.name}${apiKey ? ' with its new key' : ''}. Synced gateways pick the change up automatically.`);
    }),
  );

  e.command('remove <endpoint>')
    .requiredOption('--confirm <name>', 'the endpoint name, typed again')
    .action(
      action(program, async (ctx, ref: string, o: { confirm: string }) => {
        const removed = await ctx.call('endpoints:remove', { endpointId: (await endpointFrom(ctx, ref)).id, confirmName: o.confirm });
        print(ctx.json, removed, () => `Removed endpoint ${removed.name}; its key was deleted from the vault. Gateways stop serving it at their next sync.`);
      }),
    );

  e.command('test <endpoint>')
    .description('call the upstream with the stored key: latency and models, or why it failed (exit 6 on failure)')
    .action(
      action(program, async (ctx, ref: string) => {
        const endpoint = await endpointFrom(ctx, ref);
        const r = await ctx.call('endpoints:test', { endpointId: endpoint.id });
        print(ctx.json, r, () => describeTest(endpoint.name, r));
        if (!r.ok) process.exitCode = exitCodeOf('FAILED_PRECONDITION');
      }),
    );
}
