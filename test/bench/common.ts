// Shared helpers for benchmarks: timing with warm-up and medians, peak RSS sampling.
import { performance } from 'node:perf_hooks';

export async function timeMedian(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  await fn(); // warm caches and JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function timeOnce<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

export interface BenchResult {
  name: string;
  figures: Record<string, number | string>;
  /** ratio = ours / baseline (lower is better); target when the issue sets one. */
  ratios: { label: string; ours: number; baseline: number; ratio: number; target?: number }[];
}

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
