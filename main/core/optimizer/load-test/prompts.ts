/**
 * Synthetic prompts of a chosen length in tokens, for measuring an endpoint. The desktop has no tokenizer for the
 * served model, so it asks the server: one probe of a known number of words reports its prompt_tokens, and later
 * prompts are sized by that ratio. Each prompt starts with its own random words, so no two share a prefix the
 * server could cache: a cached prefix would measure a shorter prefill than the plan's workload.
 */

// Common short English words: most tokenizers give them about one token each, which keeps the ratio stable.
const WORDS = (
  'time year people way day man thing woman life child world school state family student group country problem hand ' +
  'part place case week company system program question work government number night point home water room mother ' +
  'area money story fact month lot right study book eye job word business issue side kind head house service friend ' +
  'father power hour game line end member law car city community name president team minute idea kid body back parent ' +
  'face others level office door health person art war history party result change morning reason research girl guy ' +
  'moment air teacher force education foot boy age policy music market sense nation plan college interest death ' +
  'experience effect use class control care field development role effort rate heart drug show leader light voice wife ' +
  'police mind price report decision son view relationship town road arm difference value building action model season ' +
  'society tax director position player record paper space ground form event official matter center couple site project'
).split(' ');


/** `count` words drawn from the list. */
export function words(count: number, random: () => number): string {
  const out: string[] = new Array(Math.max(0, Math.round(count)));
  for (let i = 0; i < out.length; i++) out[i] = WORDS[Math.floor(random() * WORDS.length)]!;
  return out.join(' ');
}

/** Words to send for `tokens` prompt tokens, given the measured tokens per word and the chat template's own tokens. */
export function wordsFor(tokens: number, sizing: PromptSizing): number {
  return Math.max(1, Math.round((tokens - sizing.overheadTokens) / sizing.tokensPerWord));
}

export interface PromptSizing {
  tokensPerWord: number;
  /** Tokens the server adds to any prompt (the chat template, a BOS token). */
  overheadTokens: number;
}

/**
 * The sizing from two probes' prompt_tokens: `short` words gave `shortTokens`, `long` words `longTokens`. Two sizes
 * separate the per-word ratio from the template's fixed tokens.
 */
export function sizingFrom(short: { words: number; tokens: number }, long: { words: number; tokens: number }): PromptSizing | null {
  const perWord = (long.tokens - short.tokens) / (long.words - short.words);
  if (!(Number.isFinite(perWord) && perWord > 0.2 && perWord < 20)) return null;
  return { tokensPerWord: perWord, overheadTokens: Math.max(0, short.tokens - perWord * short.words) };
}
