/** Strongly connected components of an implicit graph (vertices 0..n-1, edges produced on demand). */

/** Tarjan's strongly connected components, iteratively (deep patterns must not overflow the stack). */
export function components(n: number, edges: (v: number) => Iterable<number>, roots?: number[]): Int32Array {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let counter = 0;
  let compCount = 0;
  for (const root of roots ?? Array.from({ length: n }, (_, v) => v)) {
    if (index[root] !== -1) continue;
    const work: { v: number; it: Iterator<number> }[] = [{ v: root, it: edges(root)[Symbol.iterator]() }];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const top = work[work.length - 1]!;
      const next = top.it.next();
      if (!next.done) {
        const w = next.value;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push({ v: w, it: edges(w)[Symbol.iterator]() });
        } else if (onStack[w]) low[top.v] = Math.min(low[top.v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1]!.v] = Math.min(low[work[work.length - 1]!.v]!, low[top.v]!);
      if (low[top.v] === index[top.v]) {
        for (let w = -1; w !== top.v; ) {
          w = stack.pop()!;
          onStack[w] = 0;
          comp[w] = compCount;
        }
        compCount++;
      }
    }
  }
  return comp;
}
