import { describe, expect, it, jest } from '@jest/globals'
import { formatElapsed, isTransient, waitFor, type WaitContext } from '../src/engine/wait.js'
import { ActionError } from '../src/errors.js'

interface Item {
  status: string
  progress?: number
}

function context(overrides: Partial<WaitContext> = {}): WaitContext & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    step: 'copy-snapshot',
    log: {
      info: (m) => lines.push(m),
      warning: (m) => lines.push(`warning ${m}`),
      debug: () => undefined,
    },
    signal: new AbortController().signal,
    deadline: Date.now() + 30_000,
    pollSeconds: 0.01,
    ...overrides,
  }
}

/** A describe function answering the given results in turn, then repeating the last one. */
function sequence(results: (Item | undefined | Error)[]): () => Promise<Item | undefined> {
  let i = 0
  return async () => {
    const result = results[Math.min(i, results.length - 1)]
    i += 1
    if (result instanceof Error) throw result
    return result
  }
}

const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } })

const spec = (
  describe: () => Promise<Item | undefined>,
  until: 'gone' | string[] = ['available'],
) => ({
  resource: 'DB snapshot s1',
  side: 'destination' as const,
  accountId: '222222222222',
  describe,
  status: (item: Item) => item.status,
  progress: (item: Item) => item.progress,
  until,
})

describe('waitFor', () => {
  it('logs each status change once with progress and returns the ready resource', async () => {
    const ctx = context()
    const result = await waitFor(
      spec(
        sequence([
          { status: 'creating' },
          { status: 'copying', progress: 0 },
          { status: 'copying', progress: 0 },
          { status: 'copying', progress: 60 },
          { status: 'available', progress: 100 },
        ]),
      ),
      ctx,
    )
    expect(result.status).toBe('available')
    // Heartbeats (heartbeat.test.ts) come by the clock; status changes come once each.
    const changes = ctx.lines.filter((l) => !l.includes(': waited '))
    expect(changes.map((l) => l.replace(/ \(\d+s\)$/, ''))).toEqual([
      'DB snapshot s1: creating',
      'DB snapshot s1: copying 0%',
      'DB snapshot s1: copying 60%',
      'DB snapshot s1: available 100%',
    ])
  })

  it('fails at once on a failure status the SDK waiters would poll until the time limit', async () => {
    const ctx = context()
    const error = await waitFor(
      spec(sequence([{ status: 'creating' }, { status: 'inaccessible-encryption-credentials' }])),
      ctx,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).message).toContain(
      "DB snapshot s1 went into status 'inaccessible-encryption-credentials'",
    )
    expect((error as ActionError).message).toContain('destination account 222222222222')
    expect((error as ActionError).hint).toContain('KMS key')
  })

  it('stops at once on a permanent error such as access denied or expired credentials', async () => {
    for (const code of ['AccessDenied', 'ExpiredToken']) {
      const error = await waitFor(
        spec(sequence([awsError(code, code === 'AccessDenied' ? 403 : 400)])),
        context(),
      ).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ActionError)
      expect((error as ActionError).code).toBe(code)
      expect((error as ActionError).message).toContain(
        'Could not read the status of DB snapshot s1',
      )
    }
  })

  it('keeps polling through throttling and server errors', async () => {
    const result = await waitFor(
      spec(
        sequence([
          awsError('Throttling', 400),
          awsError('InternalFailure', 500),
          { status: 'available' },
        ]),
      ),
      context(),
    )
    expect(result.status).toBe('available')
  })

  it('keeps waiting when AWS throttles or fails after the resource was seen: no answer is not "gone"', async () => {
    const result = await waitFor(
      spec(
        sequence([
          { status: 'creating' },
          awsError('Throttling', 400),
          awsError('Throttling', 400),
          awsError('InternalFailure', 500),
          { status: 'available' },
        ]),
      ),
      context(),
    )
    expect(result.status).toBe('available')
    const describeGone = jest.fn(
      sequence([{ status: 'deleting' }, awsError('Throttling', 400), undefined]),
    )
    await waitFor(spec(describeGone, 'gone'), context())
    expect(describeGone).toHaveBeenCalledTimes(3)
  })

  it('tolerates "not found" right after a create, but not once the resource was seen', async () => {
    const fresh = await waitFor(spec(sequence([undefined, { status: 'available' }])), context())
    expect(fresh.status).toBe('available')
    const vanished = await waitFor(
      spec(sequence([{ status: 'creating' }, undefined])),
      context(),
    ).catch((e: unknown) => e)
    expect((vanished as Error).message).toContain('DB snapshot s1 disappeared while waiting')
  })

  it('waits for deletion until the resource is gone', async () => {
    const ctx = context()
    await waitFor(
      spec(sequence([{ status: 'deleting' }, { status: 'deleting' }, undefined]), 'gone'),
      ctx,
    )
    expect(ctx.lines[0]).toMatch(/^DB snapshot s1: deleting/)
  })

  it('names the step and the last status when the run deadline passes', async () => {
    const error = await waitFor(
      spec(sequence([{ status: 'creating' }])),
      context({ deadline: Date.now() + 300, pollSeconds: 0.05 }),
    ).catch((e: unknown) => e)
    expect((error as Error).message).toContain(
      'Timed out waiting for DB snapshot s1 to become available (last status: creating) (step "copy-snapshot"',
    )
    expect((error as Error).message).toContain('deadline-minutes')
  })

  it('ends with the cancellation when the run is aborted', async () => {
    const controller = new AbortController()
    setTimeout(
      () =>
        controller.abort(
          Object.assign(new Error('cancelled by runner'), { name: 'CancelledError' }),
        ),
      30,
    )
    const error = await waitFor(
      spec(sequence([{ status: 'creating' }])),
      context({ signal: controller.signal, pollSeconds: 0.02 }),
    ).catch((e: unknown) => e)
    expect((error as Error).message).toBe('cancelled by runner')
  })
})

describe('helpers', () => {
  it('formats elapsed time', () => {
    expect(formatElapsed(4_400)).toBe('4s')
    expect(formatElapsed(125_000)).toBe('2m05s')
    expect(formatElapsed(3_725_000)).toBe('1h02m')
  })

  it('classifies transient errors', () => {
    expect(isTransient(awsError('Throttling', 400))).toBe(true)
    expect(isTransient(awsError('InternalFailure', 500))).toBe(true)
    expect(isTransient(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      true,
    )
    expect(isTransient(awsError('AccessDenied', 403))).toBe(false)
    expect(isTransient(awsError('InvalidParameterValue', 400))).toBe(false)
  })
})
