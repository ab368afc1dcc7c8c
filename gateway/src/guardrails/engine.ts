/**
 * The guardrail engine's surface for the proxy and routes: profiles (profile.ts), the per-request
 * report (report.ts), string scans (scan.ts), whole-body guards (guard-body.ts) and the streaming
 * redactor (stream-redactor.ts), each in its own module.
 */
export { compileGuardrails, GuardrailProfile, type ActiveDetector, type Direction, type GuardAction } from './profile';
export { blockedError, ScanReport, type Block, type Hit } from './report';
export { scanArguments, scanText } from './scan';
export { eachToolArguments } from './body-text';
export { guardInput, guardOutput } from './guard-body';
export { StreamRedactor } from './stream-redactor';
