// A coarse, step-level simulation of a continuous-batching engine (vLLM / SGLang / TensorRT-LLM style) under a
// closed-loop benchmark: `concurrency` clients each send a request, wait for it to finish, and send the next.
// The schedule depends only on token counts, never on time, so each request's TTFT and TPOT come out as sums of
// step feature vectors; with the fitted coefficients they become milliseconds. That keeps fitting linear.
// Modelled: max_num_seqs, the batched-token budget with chunked prefill (decode tokens count against it),
// KV-cache capacity (a request is admitted only if its full length fits: no preemption), FIFO queueing.
//
// Two phases, weighted by `rounds` (requests per client):
// - the first wave (burst): all clients send at t=0; simulated step by step (FIFO chunk packing, decodes taking
//   budget, KV admission). Its mean TTFT is monotone in the prompt length (nothing re-arrives).
// - the later rounds (steady state): a closed loop whose clients are spread in phase. A step-by-step simulation
//   of these rounds is wrong in a way that matters: with identical prompts and outputs, clients that finish in
//   the same step re-send in the same step and stay phase-locked for ever, *unless* one token more makes a wave
//   overflow the token budget, which splits it for good into smaller groups that contend less. Mean TTFT then
//   *fell* when the prompt grew past a budget boundary (issue 6: 166 → 145 ms at 2048 → 2049 tokens, 4 clients).
//   Real benchmarks do not phase-lock (HTTP, tokenisation and client jitter spread the re-sends), so the later
//   rounds are computed in the de-synchronised limit instead: a tagged request walks through admission wait,
//   its own prefill chunks and its decode steps, while the other running requests contribute their average
//   per-step load (Little's law over their lifetime). The lifetime solves a quadratic (budget shared with the
//   others' prefills and decodes); everything is continuous and monotone in isl, osl and concurrency.
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
  /**
   * Attention-DP ranks that prefill in waves (engines.ts: TensorRT-LLM's attention-DP balance): a new prompt waits
   * until the other ranks have one too (at most `timeoutSteps`), then `batchingSteps` more, and the ranks prefill
   * in the same step.
   */
  prefillWaves?: { timeoutSteps: number; batchingSteps: number };
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

/** The benchmark's first wave: every client sends at once; FIFO chunked prefill, KV admission, no re-sends. */
function simulateBurst(model: StepModel, load: LoadSpec): SimResult {
  const { isl, osl } = load;
  if (load.concurrency < 1 || isl < 1 || osl < 1) throw new Error(`simulation needs concurrency, isl and osl ≥ 1 (got ${load.concurrency}, ${isl}, ${osl})`);
  const total = Math.max(1, Math.round(load.concurrency));
  const perReqKv = isl + osl;
  const admitCap = Math.max(1, Math.min(load.maxNumSeqs, Math.floor(load.kvCapacityTokens / perReqKv)));
  const cum = zeros();
  const layerUnits = layerUnitsOf(model);
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
    ttftRows[idx + F.requestLayers]! += layerUnits;
    ttftSum[F.requestLayers]! += layerUnits;
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

/** The step model's per-layer unit ((layers + MoE layers) × pp × 10 µs), which every request also pays once in TTFT. */
function layerUnitsOf(model: StepModel): number {
  return model.features({ decodeSeqs: 1, decodeContext: 1, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 })[F.layers]!;
}

/** Steady state of the de-synchronised closed loop: TTFT / TPOT / per-step feature vectors of one tagged request. */
function steadyState(model: StepModel, load: LoadSpec, admitCap: number) {
  const I = load.isl;
  const q = load.osl - 1; // decode steps after the first token
  const B = Math.max(1, load.maxNumBatchedTokens);
  const c = Math.max(1, Math.round(load.concurrency));
  const m = Math.min(c, admitCap); // running at once
  const k = m - 1; // running besides the tagged request
  // Lifetime L (steps from admission to finish) = p prefill steps + q decode steps. The tagged prefill gets the
  // budget the others leave: I/p = B − k(I+q)/L, i.e. B·L² − (a + B·q + I)·L + a·q = 0 with a = k(I+q).
  const a = k * (I + q);
  const bq = a + B * q + I;
  const Lroot = (bq + Math.sqrt(Math.max(0, bq * bq - 4 * B * a * q))) / (2 * B);
  const p = Math.max(1, Lroot - q); // a prompt that fits takes one step
  const L = p + q;
  let W = L * (c / m - 1); // admission wait (Little: c clients, m running, L steps running each)
  const waves = load.prefillWaves && model.syncRanks > 1 ? load.prefillWaves : null;
  if (waves) {
    // The other D − 1 ranks each receive a prompt every (W + L) / c steps; the last of them arrives after
    // H(D − 1) such intervals on average (the maximum of exponential waits), unless the timeout comes first.
    let harmonic = 0;
    for (let i = 1; i < model.syncRanks; i++) harmonic += 1 / i;
    W += Math.min(waves.timeoutSteps, (harmonic * (W + L)) / c) + waves.batchingSteps;
  }
  const others = (n: number) => ({ decodeSeqs: (n * q) / L, decodeContext: ((n * q) / L) * (I + (q + 1) / 2), prefillTokens: (n * I) / L, prefillPairs: (n * I * I) / 2 / L, prefillSeqs: (n * p) / L });
  const add = (x: StepShape, y: Partial<StepShape>): StepShape => ({
    decodeSeqs: x.decodeSeqs + (y.decodeSeqs ?? 0),
    decodeContext: x.decodeContext + (y.decodeContext ?? 0),
    prefillTokens: x.prefillTokens + (y.prefillTokens ?? 0),
    prefillPairs: x.prefillPairs + (y.prefillPairs ?? 0),
    prefillSeqs: x.prefillSeqs + (y.prefillSeqs ?? 0),
  });
  // Others' prefills do not spread over every step as a thin film: each arrives as chunks of up to I tokens
  // (what the budget leaves beside the decodes). A step holds such a chunk with probability φ = load / chunk,
  // so its expected features mix a step with one chunk and a step without; φ reaches 1 at saturation.
  const mixed = (n: number, own: Partial<StepShape>): Vec => {
    const o = others(n);
    const base = add({ ...o, prefillTokens: 0, prefillPairs: 0, prefillSeqs: 0 }, own);
    const room = Math.max(1, B - base.decodeSeqs - base.prefillTokens);
    const phiRank = o.prefillTokens > 0 ? Math.min(1, o.prefillTokens / Math.min(I, room)) : 0;
    // Attention-DP ranks meet at every MoE layer, so a step lasts as long as the slowest rank's: it carries a
    // prefill chunk whenever any of the synchronised ranks has one, or, when the ranks prefill in waves, as often
    // as one rank does.
    const phi = waves ? phiRank : 1 - Math.pow(1 - phiRank, model.syncRanks);
    const without = model.features(base);
    if (phi === 0) return without;
    const withChunk = model.features(add(base, { prefillTokens: o.prefillTokens / phiRank, prefillPairs: o.prefillPairs / phiRank, prefillSeqs: o.prefillSeqs / phiRank }));
    const out = zeros();
    for (let i = 0; i < NF; i++) out[i] = phi * withChunk[i]! + (1 - phi) * without[i]!;
    return out;
  };
  const fWait = mixed(m, {});
  const fPrefill = mixed(k, { prefillTokens: I / p, prefillPairs: (I * I) / 2 / p, prefillSeqs: 1 });
  const fDecode = mixed(k, { decodeSeqs: 1, decodeContext: I + (q + 1) / 2 });
  const ttft = zeros();
  const tpot = zeros();
  const perRound = zeros(); // wall time of one round of c requests: c/m lifetimes of average steps
  for (let i = 0; i < NF; i++) {
    ttft[i] = W * fWait[i]! + p * fPrefill[i]!;
    tpot[i] = q > 0 ? fDecode[i]! : 0;
    perRound[i] = W * fWait[i]! + L * ((p * fPrefill[i]! + q * fDecode[i]!) / L);
  }
  ttft[F.request]! += UNIT.request;
  ttft[F.requestLayers]! += layerUnitsOf(model);
  return { ttft, tpot, perRound, steps: W + L, running: m };
}

/** The two phases of a closed-loop run, simulated once; `combineRounds` weights them for any requests-per-client. */
export interface SimParts {
  burst: SimResult;
  steady: ReturnType<typeof steadyState>;
}

export function simulateParts(model: StepModel, load: LoadSpec): SimParts {
  const { isl, osl } = load;
  if (load.concurrency < 1 || isl < 1 || osl < 1) throw new Error(`simulation needs concurrency, isl and osl ≥ 1 (got ${load.concurrency}, ${isl}, ${osl})`);
  const burst = simulateBurst(model, load);
  const admitCap = Math.max(1, Math.min(load.maxNumSeqs, Math.floor(load.kvCapacityTokens / (isl + osl))));
  return { burst, steady: steadyState(model, load, admitCap) };
}

/** The run with `rounds` requests per client: the first wave, then rounds − 1 de-synchronised rounds. */
export function combineRounds(parts: SimParts, roundsIn: number): SimResult {
  const { burst, steady: ss } = parts;
  const rounds = Math.max(1, Math.round(roundsIn));
  if (rounds === 1) return burst;
  const c = burst.requests;
  const later = (rounds - 1) * c;
  const n = rounds * c;
  const ttft = zeros();
  const tpot = zeros();
  const total = zeros();
  const ttftRows = new Float64Array(n * NF);
  ttftRows.set(burst.ttftRows);
  for (let r = c; r < n; r++) ttftRows.set(ss.ttft, r * NF);
  for (let i = 0; i < NF; i++) {
    ttft[i] = (burst.ttft[i]! * c + ss.ttft[i]! * later) / n;
    tpot[i] = (burst.tpot[i]! * c + ss.tpot[i]! * later) / n;
    total[i] = burst.total[i]! + (rounds - 1) * ss.perRound[i]!;
  }
  return { ttft, tpot, total, ttftRows, requests: n, steps: burst.steps + Math.round((rounds - 1) * ss.steps), peakRunning: Math.max(burst.peakRunning, ss.running) };
}

export function simulateClosedLoop(model: StepModel, load: LoadSpec): SimResult {
  return combineRounds(simulateParts(model, load), load.rounds);
}
