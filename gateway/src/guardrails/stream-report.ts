/**
 * How a stream tells its client what the guardrails did. A non-streaming answer carries the whole
 * report in its `x-foundry-guardrail` header; a stream's headers leave before its output has been
 * scanned, so they can only say what happened to the prompt. The complete report (input and output)
 * therefore comes again at the end, twice:
 *  - as an HTTP trailer of the same name, declared up front with `Trailer:` (what HTTP clients that
 *    read trailers see: undici's `res.trailers`, curl --raw, proxies);
 *  - as an SSE comment line right before the stream's last event (`[DONE]`, or the error event of a
 *    block), which every SSE parser skips and raw readers (and browsers, which cannot read
 *    trailers) can still see: `: x-foundry-guardrail redact:output:pii.email`.
 */
import type { ServerResponse } from 'node:http';
import type { GuardrailProfile } from './profile';
import { GUARDRAIL_HEADER, type ScanReport } from './report';

/**
 * Whether a stream declares the trailer: its profile scans output, and the client spoke HTTP/1.1 or
 * later (trailers exist only in chunked answers; Node refuses a `Trailer` header on an HTTP/1.0
 * answer with ERR_HTTP_TRAILER_INVALID). Decided from the request alone, so the stream's start and
 * its end agree without sharing state (writeHead with an object leaves getHeader() empty).
 */
export function declaresTrailer(res: ServerResponse, profile: GuardrailProfile): boolean {
  const req = res.req;
  return profile.output.length > 0 && req !== undefined && (req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1));
}

/** The SSE comment block carrying the report, or '' when the guardrails did nothing. */
export function reportComment(report: ScanReport): string {
  return report.hits.length ? `: ${GUARDRAIL_HEADER} ${report.header()}\n\n` : '';
}

/** Adds the report as a trailer when one was declared and there is something to say. */
export function addReportTrailer(res: ServerResponse, guard: { profile: GuardrailProfile; report: ScanReport }): void {
  if (guard.report.hits.length && declaresTrailer(res, guard.profile)) res.addTrailers({ [GUARDRAIL_HEADER]: guard.report.header() });
}
