import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { describeBeat, estimateLeftMs, startHeartbeat } from '../src/engine/heartbeat.js'
import { formatElapsed } from '../src/engine/wait.js'

describe('heartbeat', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    jest.useRealTimers()
  })

  it('prints the latest status at a steady interval, live even while lines are held back', () => {
    const live: string[] = []
    const held: string[] = []
    const beat = startHeartbeat({
      resource: 'DB cluster pr-1',
      log: {
        info: (m) => held.push(m),
        progress: (m) => live.push(m),
        warning: () => undefined,
        debug: () => undefined,
      },
      everyMs: 60_000,
      format: formatElapsed,
    })
    jest.advanceTimersByTime(60_000)
    expect(live).toEqual([]) // nothing seen yet, nothing to say
    beat.seen('creating')
    jest.advanceTimersByTime(60_000)
    beat.seen('copying', 25)
    jest.advanceTimersByTime(60_000)
    beat.stop()
    jest.advanceTimersByTime(600_000)
    expect(live).toEqual([
      'DB cluster pr-1: waited 2m00s, creating',
      'DB cluster pr-1: waited 3m00s, copying, 25% done, about 9m00s left',
    ])
    expect(held).toEqual([])
  })

  it('estimates what is left from PercentProgress only when there is something to go on', () => {
    expect(estimateLeftMs(0, 60_000)).toBeUndefined()
    expect(estimateLeftMs(100, 60_000)).toBeUndefined()
    expect(estimateLeftMs(50, 60_000)).toBe(60_000)
    expect(
      describeBeat({
        resource: 'DB snapshot s',
        status: 'creating',
        percent: 0,
        elapsedMs: 40 * 60_000,
        format: formatElapsed,
      }),
    ).toBe('DB snapshot s: waited 40m00s, creating, 0% done')
  })
})
