// A coarse, step-level simulation of a continuous-batching engine (vLLM / SGLang / TensorRT-LLM style) under a
// closed-loop benchmark: `concurrency` clients each send a request, wait for it to finish, and send the next.
// The schedule depends only on token counts, never on time, so each request's TTFT and TPOT come out as sums of
// step feature vectors; with the fitted coefficients they become milliseconds. That keeps fitting linear.
// Modelled: max_num_seqs, the batched-token budget with chunked prefill (decode tokens count against it),
// KV-cache capacity (a request is admitted only if its full length fits: no preemption), FIFO queueing.
import { F, NF, UNIT, zeros, type Vec } from './features.js';
import type { StepModel, StepShape } from './step.js';

export interface LoadSpec {
  /** Concurrent clients on this attention-DP rank. */
  concurrency: number;
  isl: number;
  osl: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  /** KV capacity of the rank in tokens of full context (isl + osl per admitted request). */
  kvCapacityTokens: number;
  /** Requests each client sends; the benchmark's num_prompts / concurrency. */
  rounds: number;
}

export interface SimResult {
  /** Mean TTFT feature vector over all requests (includes the per-request term). */
  ttft: Vec;
  /** Mean TPOT feature vector (decode-phase time / (osl − 1)). */
  tpot: Vec;
  /** Feature vector of the whole run's wall time, for throughput. */
  total: Vec;
  /** Per-request TTFT feature vectors, row-major, for percentiles. */
  ttftRows: Float64Array;
  requests: number;
  steps: number;
  /** Most requests running at once: below `concurrency` when KV or max_num_seqs bind. */
  peakRunning: number;
}

interface Req {
  arrival: Vec;
  firstToken?: Vec;
  prefillDone: number;
}

export function simulateClosedLoop(model: StepModel, load: LoadSpec): SimResult {
  const { isl, osl } = load;
  if (load.concurrency < 1 || isl < 1 || osl < 1) throw new Error(`simulation needs concurrency, isl and osl ≥ 1 (got ${load.concurrency}, ${isl}, ${osl})`);
  const total = Math.max(1, Math.round(load.concurrency)) * Math.max(1, load.rounds);
  const perReqKv = isl + osl;
  const admitCap = Math.max(1, Math.min(load.maxNumSeqs, Math.floor(load.kvCapacityTokens / perReqKv)));
  const cum = zeros();
  const snap = () => Float64Array.from(cum);
  const f = zeros();
  const ttftRows = new Float64Array(total * NF);
  const ttftSum = zeros();
  const tpotSum = zeros();

  let issued = 0;
  let done = 0;
  let step = 0;
  let peakRunning = 0;
  const waiting: Req[] = [];
  let wHead = 0;
  const prefilling: Req[] = [];
  // Decoding requests finish in FIFO order (same osl): a queue of [finishStep, request].
  const finishQ: { at: number; r: Req; ctx: number }[] = [];
  let qHead = 0;
  let decodeSeqs = 0;
  let decodeContext = 0;
  const arrive = (at: Vec) => {
    if (issued < total) {
      waiting.push({ arrival: at, prefillDone: 0 });
      issued++;
    }
  };
  const start = snap();
  for (let i = 0; i < Math.min(total, Math.round(load.concurrency)); i++) arrive(start);

  const shape: StepShape = { decodeSeqs: 0, decodeContext: 0, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 };
  const finishRequest = (r: Req, now: Vec) => {
    const idx = done * NF;
    for (let i = 0; i < NF; i++) {
      const t = r.firstToken![i]! - r.arrival[i]!;
      ttftRows[idx + i] = t;
      ttftSum[i]! += t;
      if (osl > 1) tpotSum[i]! += (now[i]! - r.firstToken![i]!) / (osl - 1);
    }
    ttftRows[idx + F.request]! += UNIT.request;
    ttftSum[F.request]! += UNIT.request;
    done++;
  };

  while (done < total) {
    while (wHead < waiting.length && prefilling.length + decodeSeqs < admitCap) prefilling.push(waiting[wHead++]!);
    peakRunning = Math.max(peakRunning, prefilling.length + decodeSeqs);
    if (prefilling.length === 0) {
      if (decodeSeqs === 0) throw new Error('scheduler stalled: nothing to run and requests outstanding');
      // Pure-decode run until the next finish: identical steps except the context grows; evaluate at the midpoint.
      const k = finishQ[qHead]!.at - step;
      Object.assign(shape, { decodeSeqs, decodeContext: decodeContext + (decodeSeqs * (k - 1)) / 2, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 });
      model.features(shape, f);
      for (let i = 0; i < NF; i++) cum[i]! += k * f[i]!;
      step += k;
      decodeContext += decodeSeqs * k;
    } else {
      // One mixed step: all decodes plus prefill chunks in FIFO order within the token budget.
      let budget = Math.max(1, load.maxNumBatchedTokens - decodeSeqs);
      let pTokens = 0;
      let pairs = 0;
      let pSeqs = 0;
      const completed: Req[] = [];
      for (const r of prefilling) {
        if (budget <= 0) break;
        const chunk = Math.min(budget, isl - r.prefillDone);
        pairs += chunk * (r.prefillDone + chunk / 2);
        pTokens += chunk;
        pSeqs++;
        budget -= chunk;
        r.prefillDone += chunk;
        if (r.prefillDone >= isl) completed.push(r);
      }
      Object.assign(shape, { decodeSeqs, decodeContext, prefillTokens: pTokens, prefillPairs: pairs, prefillSeqs: pSeqs });
      model.features(shape, f);
      for (let i = 0; i < NF; i++) cum[i]! += f[i]!;
      step += 1;
      decodeContext += decodeSeqs;
      prefilling.splice(0, completed.length);
      const now = snap();
      for (const r of completed) {
        r.firstToken = now;
        if (osl === 1) {
          finishRequest(r, now);
          arrive(now);
        } else {
          finishQ.push({ at: step + osl - 1, r, ctx: isl + osl });
          decodeSeqs++;
          decodeContext += isl + 1;
        }
      }
    }
    if (qHead < finishQ.length && finishQ[qHead]!.at <= step) {
      const now = snap();
      while (qHead < finishQ.length && finishQ[qHead]!.at <= step) {
        const { r, ctx } = finishQ[qHead++]!;
        decodeSeqs--;
        decodeContext -= ctx;
        finishRequest(r, now);
        arrive(now);
      }
      if (qHead > 4096) {
        finishQ.splice(0, qHead);
        qHead = 0;
      }
    }
  }
  const ttft = zeros();
  const tpot = zeros();
  for (let i = 0; i < NF; i++) {
    ttft[i] = ttftSum[i]! / total;
    tpot[i] = tpotSum[i]! / total;
  }
  return { ttft, tpot, total: Float64Array.from(cum), ttftRows, requests: total, steps: step, peakRunning };
}
