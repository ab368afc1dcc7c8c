/**
 * The guardrail profile file for `foundry guardrails create|update|test --file`: TOML with the
 * profile's name and description at the top and its policy under [policy], in the gateway's own
 * keys (the same table a gateway config holds under [guardrails.<name>]). `guardrails show` prints
 * this format, so show → edit → update round-trips.
 */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'smol-toml';
import { FoundryError, invalid } from '../../core/errors';
import type { GuardrailProfile } from '../../core/guardrails/service';
import type { GuardrailPolicyInput } from '../../core/guardrails/policy';

export interface ProfileFile {
  name: string;
  description?: string;
  policy: GuardrailPolicyInput;
}

const EXAMPLE = 'name = "support"\ndescription = "…"\n[policy]\npii = ["email"]\ndeny = ["project zeus"]';

/** Parses a profile file's text; `source` names it in errors. The policy itself is checked by the core. */
export function parseProfileFile(text: string, source: string): ProfileFile {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw invalid(`${source} is not valid TOML: ${(err as Error).message.split('\n')[0]}`, `A profile file looks like:\n${EXAMPLE}`);
  }
  const unknown = Object.keys(raw).filter((k) => !['name', 'description', 'policy'].includes(k));
  if (unknown.length) {
    throw invalid(`${source}: unknown top-level key ${unknown.map((k) => `"${k}"`).join(', ')}.`, `Only name, description and [policy] belong at the top; the gateway's keys (pii, deny, rules, …) go under [policy]. Example:\n${EXAMPLE}`);
  }
  if (typeof raw.name !== 'string') throw invalid(`${source}: name is missing (name = "my-profile").`, `A profile file looks like:\n${EXAMPLE}`);
  if (raw.description !== undefined && typeof raw.description !== 'string') throw invalid(`${source}: description must be a string.`);
  const policy = raw.policy ?? {};
  if (typeof policy !== 'object' || Array.isArray(policy)) throw invalid(`${source}: policy must be a table ([policy]).`);
  return { name: raw.name, ...(raw.description !== undefined ? { description: raw.description as string } : {}), policy: policy as GuardrailPolicyInput };
}

export function readProfileFile(path: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FoundryError({ code: 'NOT_FOUND', message: `Cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}.`, hint: 'Check the path given to --file.' });
  }
  return parseProfileFile(text, path);
}

/** A saved profile in the file format, so it can be edited and fed back to `guardrails update`. */
export function profileToToml(p: GuardrailProfile): string {
  const used = p.projectCount === 0 ? 'no project' : `${p.projects.map((x) => x.name).join(', ')}${p.projectCount > p.projects.length ? ` and ${p.projectCount - p.projects.length} more` : ''}`;
  const header = `# ${p.id} · used by ${used} · updated ${p.updatedAt} by ${p.updatedBy}\n`;
  return header + stringify({ name: p.name, description: p.description, policy: p.policy });
}
