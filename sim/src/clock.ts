import type { Clock } from './core/types.ts'

/**
 * A clock whose simulated time starts at the real `start` and runs `scale` times faster.
 * @param options.scale simulated seconds per real second
 * @param options.realNow source of real time (tests may pin it)
 */
export function createClock(options: { scale: number; realNow?: () => number }): Clock {
  const realNow = options.realNow ?? Date.now
  const start = realNow()
  const scale = options.scale
  return {
    scale,
    now: () => start + (realNow() - start) * scale,
    toRealMs: (simSeconds: number) => (simSeconds * 1000) / scale,
  }
}
