/**
 * The guardrail engine's public surface for main/core: the desktop dry-runs a profile with the very
 * code the gateway runs on requests ("Try it" on the Guardrails page, `foundry guardrails test`).
 */
export { GuardrailProfile, ScanReport, guardInput, guardOutput, blockedError, type Hit, type Block, type ActiveDetector } from './engine';
