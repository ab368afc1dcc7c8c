import type { Command } from 'commander';
import { action, projectIdFrom } from '../run';
import { print, table } from '../output';
import type { CliContext } from '../context';
import { FoundryError, notFound } from '../../core/errors';
import { summarisePolicy } from '../../core/guardrails/policy';
import type { GuardrailSideResult, GuardrailTestResult } from '../../core/guardrails/dry-run';
import { profileToToml, readProfileFile } from './guardrail-file';

async function profileIdFrom(ctx: CliContext, ref: string): Promise<string> {
  const found = (await ctx.call('guardrails:list', {})).find((p) => p.id === ref || p.name === ref.toLowerCase());
  if (!found) throw notFound(`Guardrail profile "${ref}"`, 'Run `foundry guardrails list` for the profiles that exist.');
  return found.id;
}

function describeSide(label: string, side: GuardrailSideResult | null): string[] {
  if (!side) return [];
  const lines: string[] = [];
  if (side.blocked) {
    const b = side.blocked;
    lines.push(`${label}: BLOCKED by ${b.rule} — ${b.why}${b.match !== null ? `; matched ${JSON.stringify(b.match)}` : ''}`, `  client sees: ${b.message}`);
  } else {
    lines.push(`${label}: ${side.findings.length ? 'passed with redactions' : 'passed unchanged'}`, `  ${JSON.stringify(side.text)}`);
  }
  for (const f of side.findings) if (f.action === 'redact') lines.push(`  redact ${f.rule} ×${f.count} — ${f.why}`);
  return lines;
}

export function describeTest(r: GuardrailTestResult): string {
  return [`Profile ${r.profile}:`, ...describeSide('input', r.input), ...describeSide('output', r.output)].join('\n');
}

export function registerGuardrails(program: Command): void {
  const g = program.command('guardrails').description('guardrail profiles the gateway applies to projects (PII, deny lists, regex rules, prompt size)');

  g.command('list').action(
    action(program, async (ctx) => {
      const list = await ctx.call('guardrails:list', {});
      print(ctx.json, list, () =>
        table(
          list.map((p) => ({ ...p, policy: summarisePolicy(p.policy), projects: p.projects.map((x) => x.name).join(',') || (p.projectCount ? `${p.projectCount} hidden` : '-') })),
          ['name', 'id', 'projects', 'policy', 'updatedAt'],
        ),
      );
    }),
  );

  g.command('show <profile>')
    .description('print a profile in the file format that create/update --file read')
    .action(
      action(program, async (ctx, ref: string) => {
        const p = await ctx.call('guardrails:get', { profileId: await profileIdFrom(ctx, ref) });
        print(ctx.json, p, () => profileToToml(p));
      }),
    );

  g.command('create')
    .requiredOption('-f, --file <profile.toml>', 'name, description and [policy] (the gateway\'s guardrail keys)')
    .action(
      action(program, async (ctx, opts: { file: string }) => {
        const p = await ctx.call('guardrails:create', readProfileFile(opts.file));
        print(ctx.json, p, () => `Created guardrail profile ${p.name} (${p.id}): ${summarisePolicy(p.policy)}.`);
      }),
    );

  g.command('update <profile>')
    .requiredOption('-f, --file <profile.toml>', 'the whole profile; its policy replaces the saved one')
    .action(
      action(program, async (ctx, ref: string, opts: { file: string }) => {
        const file = readProfileFile(opts.file);
        const p = await ctx.call('guardrails:update', { profileId: await profileIdFrom(ctx, ref), name: file.name, description: file.description ?? '', policy: file.policy });
        print(ctx.json, p, () => `Saved guardrail profile ${p.name}: ${summarisePolicy(p.policy)}.`);
      }),
    );

  g.command('delete <profile>')
    .requiredOption('--confirm <name>', 'the profile name, typed again')
    .action(
      action(program, async (ctx, ref: string, opts: { confirm: string }) => {
        const p = await ctx.call('guardrails:delete', { profileId: await profileIdFrom(ctx, ref), confirmName: opts.confirm });
        print(ctx.json, p, () => `Deleted guardrail profile ${p.name}.`);
      }),
    );

  g.command('assign <project> [profile]')
    .description("set a project's profile; --none removes it")
    .option('--none', 'the project gets no profile')
    .action(
      action(program, async (ctx, project: string, ref: string | undefined, opts: { none?: boolean }) => {
        if (!ref === !opts.none) {
          throw new FoundryError({ code: 'INVALID_INPUT', message: 'Name a profile, or pass --none to remove the project\'s profile.', hint: 'Example: foundry guardrails assign fraud-detection pii-redact' });
        }
        const a = await ctx.call('guardrails:assign', { projectId: await projectIdFrom(ctx, project), profileId: ref ? await profileIdFrom(ctx, ref) : null });
        print(ctx.json, a, () => (a.profile ? `Project ${a.project.name} now uses guardrail profile ${a.profile.name}.` : `Project ${a.project.name} has no guardrail profile now.`));
      }),
    );

  g.command('test [profile]')
    .description('run a saved profile (or --file, unsaved) over sample text with the gateway engine')
    .option('-f, --file <profile.toml>', 'try an unsaved profile file instead of a saved profile')
    .option('-i, --input <text>', 'a sample prompt')
    .option('-o, --output <text>', 'a sample model answer')
    .action(
      action(program, async (ctx, ref: string | undefined, opts: { file?: string; input?: string; output?: string }) => {
        if (!ref === !opts.file) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Name a saved profile, or give --file with an unsaved one (not both).' });
        if (opts.input === undefined && opts.output === undefined) throw new FoundryError({ code: 'INVALID_INPUT', message: 'Give a sample with --input and/or --output.' });
        const target = opts.file ? { draft: (({ name, policy }) => ({ name, policy }))(readProfileFile(opts.file)) } : { profileId: await profileIdFrom(ctx, ref!) };
        const r = await ctx.call('guardrails:test', { ...target, input: opts.input, output: opts.output });
        print(ctx.json, r, () => describeTest(r));
      }),
    );
}
