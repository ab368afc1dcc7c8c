// Non-negative weighted least squares by coordinate descent on the normal equations. The systems here have
// fewer than ten unknowns, so this is exact enough, dependency-free and deterministic.
export function nnls(rows: ArrayLike<number>[], targets: ArrayLike<number>, weights: ArrayLike<number>, sweeps = 3000): number[] {
  const n = rows[0]?.length ?? 0;
  const A = Array.from({ length: n }, () => new Float64Array(n));
  const b = new Float64Array(n);
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r]!;
    const w = weights[r]!;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      b[i]! += w * xi * targets[r]!;
      for (let j = 0; j < n; j++) A[i]![j]! += w * xi * x[j]!;
    }
  }
  const c = new Float64Array(n);
  for (let s = 0; s < sweeps; s++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const aii = A[i]![i]!;
      if (aii <= 0) continue;
      let g = b[i]!;
      for (let j = 0; j < n; j++) if (j !== i) g -= A[i]![j]! * c[j]!;
      const next = Math.max(0, g / aii);
      moved = Math.max(moved, Math.abs(next - c[i]!) * Math.sqrt(aii));
      c[i] = next;
    }
    if (moved < 1e-12) break;
  }
  return Array.from(c);
}
