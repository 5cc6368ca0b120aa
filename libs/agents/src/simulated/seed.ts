/** FNV-1a over the text: a stable seed, so "random" choices repeat exactly for the same task. */
export function seedOf(...parts: readonly string[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('\u0000')) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Deterministic pick: the same seed and salt always choose the same item. */
export function pick<T>(items: readonly T[], seed: number, salt = 0): T | undefined {
  if (items.length === 0) return undefined;
  return items[((seed + Math.imul(salt, 0x9e3779b1)) >>> 0) % items.length];
}

/** Deterministic shuffle (Fisher–Yates driven by an LCG seeded with `seed`). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
