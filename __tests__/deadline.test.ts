import { describe, expect, it } from '@jest/globals'
import {
  afterGrace,
  boundSignal,
  cancelledBy,
  deadlinePassed,
  isAbortError,
  raceSignal,
  stage,
  StopError,
} from '../src/engine/deadline.js'
import { ActionError } from '../src/errors.js'

const never = new Promise<never>(() => undefined)
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))

describe('the run signal', () => {
  it('aborts at the deadline with its reason, or earlier with the outer signal', async () => {
    const atDeadline = boundSignal({
      deadline: Date.now() + 10,
      reason: () => deadlinePassed('deadline-minutes (0.1)'),
    })
    await aborted(atDeadline.signal)
    expect(atDeadline.signal.reason).toBeInstanceOf(StopError)
    expect((atDeadline.signal.reason as Error).message).toBe('deadline-minutes (0.1) ran out')

    const outer = new AbortController()
    const bound = boundSignal({
      outer: outer.signal,
      deadline: Date.now() + 3600_000,
      reason: () => deadlinePassed('x'),
    })
    outer.abort(cancelledBy('SIGINT'))
    expect((bound.signal.reason as Error).name).toBe('CancelledError')
    bound.dispose()
  })

  it('gives calls in flight a grace period, then aborts them with the same reason', async () => {
    const run = new AbortController()
    const calls = afterGrace(run.signal, 20)
    const stop = deadlinePassed('deadline-minutes (1)')
    run.abort(stop)
    expect(calls.aborted).toBe(false)
    await aborted(calls)
    expect(calls.reason).toBe(stop)
  })

  it('races work that cannot be aborted against the signal', async () => {
    const run = new AbortController()
    const raced = raceSignal(never, run.signal)
    const stop = cancelledBy('SIGTERM')
    run.abort(stop)
    await expect(raced).rejects.toBe(stop)
    await expect(raceSignal(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7)
  })

  it('names the stage that a stop interrupted; other failures pass through', async () => {
    const run = new AbortController()
    const stopped = stage(
      run.signal,
      'reading the source',
      () => 'the post step has nothing to remove',
      () => never,
    )
    run.abort(deadlinePassed('deadline-minutes (2)'))
    const error = await stopped.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toMatch(
      /^deadline-minutes \(2\) ran out while reading the source; the post step has nothing to remove\.\nWhat to do: Raise deadline-minutes/,
    )
    const failure = new Error('DBClusterNotFoundFault')
    await expect(
      stage(
        new AbortController().signal,
        'x',
        () => '',
        () => Promise.reject(failure),
      ),
    ).rejects.toBe(failure)
  })

  it('recognises an abort wrapped in a step error', () => {
    const sdkAbort = Object.assign(new Error('Request aborted'), { name: 'AbortError' })
    expect(isAbortError(new ActionError({ summary: 'Could not restore', cause: sdkAbort }))).toBe(
      true,
    )
    expect(isAbortError(cancelledBy('SIGINT'))).toBe(true)
    expect(isAbortError(new ActionError({ summary: 'x', cause: new Error('Throttling') }))).toBe(
      false,
    )
  })
})
