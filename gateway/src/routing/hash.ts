/** FNV-1a 32-bit: fast, allocation-free, good enough spread for a hash ring of a few hundred points. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // Final avalanche so nearby strings do not land on nearby points.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export interface Ring {
  points: Uint32Array;
  owners: Uint16Array;
}

/** Consistent-hash ring with `vnodes` points per member. */
export function buildRing(ids: readonly string[], vnodes = 64): Ring {
  const pts: [number, number][] = [];
  ids.forEach((id, i) => {
    for (let v = 0; v < vnodes; v++) pts.push([fnv1a(`${id}#${v}`), i]);
  });
  pts.sort((a, b) => a[0] - b[0]);
  return { points: Uint32Array.from(pts.map((p) => p[0])), owners: Uint16Array.from(pts.map((p) => p[1])) };
}

/** Index of the first ring point at or after `h` (wrapping). */
export function ringStart(ring: Ring, h: number): number {
  let lo = 0;
  let hi = ring.points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ring.points[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === ring.points.length ? 0 : lo;
}
