import { describe, expect, it } from '@jest/globals'
import { PollSchedule } from '../src/engine/poll-schedule.js'

const POLL = 10_000

/** Runs a schedule on a 1 s tick from 0 to `until` ms; returns when it described, and answers. */
function simulate(
  until: number,
  answer: (at: number) => { progress?: number; throttled?: boolean } = () => ({}),
): number[] {
  const schedule = new PollSchedule(POLL, 0)
  const polls: number[] = []
  for (let now = 0; now <= until; now += 1000) {
    if (!schedule.due(now)) continue
    polls.push(now)
    schedule.record(now, answer(now))
  }
  return polls
}

describe('PollSchedule', () => {
  it('polls at once, then on the interval, without jitter', () => {
    expect(simulate(60_000)).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
  })

  it('polls close to when PercentProgress reaches 100, and never beyond one call per interval', () => {
    // Progress moves 0 → 100 over 300 s.
    const polls = simulate(400_000, (at) => ({ progress: Math.min(100, Math.floor(at / 3000)) }))
    // Far from the end it polls half as often, and spends the saved calls close to the end.
    expect(polls.slice(0, 5)).toEqual([0, 10_000, 30_000, 50_000, 70_000])
    expect(polls).toContain(300_000)
    // Past the estimate, the saved calls go two seconds apart.
    expect(polls).toEqual(expect.arrayContaining([302_000, 304_000, 306_000]))
    for (const at of polls) {
      expect(polls.filter((p) => p <= at).length).toBeLessThanOrEqual(1 + at / POLL)
    }
  })

  it('stretches the interval while AWS throttles, and returns to it after an answer', () => {
    const polls = simulate(200_000, (at) => ({ throttled: at < 60_000 }))
    expect(polls.slice(0, 6)).toEqual([0, 20_000, 60_000, 70_000, 80_000, 90_000])
  })

  it('waits out the budget when the progress estimate has passed', () => {
    // Progress reaches 100 at once but the resource stays unfinished: the calls saved so far are
    // spent two seconds apart, then one per interval.
    const polls = simulate(120_000, (at) => ({ progress: at === 0 ? 0 : 100 }))
    expect(polls.length).toBeLessThanOrEqual(13)
    expect(polls.at(-1)).toBe(120_000)
  })
})
