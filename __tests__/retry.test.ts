import { describe, expect, it } from '@jest/globals'
import { THROTTLED_ATTEMPTS, ThrottlingTolerantRetryStrategy } from '../src/aws/retry.js'

/** No delay between attempts: the test counts attempts, not time. */
const noDelay = { computeNextBackoffDelay: () => 0, setDelayBase: () => undefined }

type ErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR'

/** How many attempts a call gets when every attempt fails with this kind of error. */
async function attemptsFor(errorType: ErrorType, maxAttempts: number): Promise<number> {
  const strategy = new ThrottlingTolerantRetryStrategy({ maxAttempts, backoff: noDelay })
  let token = await strategy.acquireInitialRetryToken('rds')
  let attempts = 1
  for (;;) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType })
      attempts++
    } catch {
      return attempts
    }
  }
}

describe('ThrottlingTolerantRetryStrategy (the clients retry mode)', () => {
  it('keeps max-attempts for transient errors (500s, timeouts) and does not retry others', async () => {
    expect(await attemptsFor('TRANSIENT', 3)).toBe(3)
    expect(await attemptsFor('TRANSIENT', 5)).toBe(5)
    expect(await attemptsFor('CLIENT_ERROR', 5)).toBe(1)
    expect(await attemptsFor('SERVER_ERROR', 5)).toBe(1)
  })

  it('gives a throttled call more attempts than max-attempts, and never fewer', async () => {
    expect(THROTTLED_ATTEMPTS).toBeGreaterThan(5)
    expect(await attemptsFor('THROTTLING', 1)).toBe(THROTTLED_ATTEMPTS)
    expect(await attemptsFor('THROTTLING', 5)).toBe(THROTTLED_ATTEMPTS)
    expect(await attemptsFor('THROTTLING', 15)).toBe(15)
  })

  it('counts throttled attempts toward max-attempts when another error follows', async () => {
    const strategy = new ThrottlingTolerantRetryStrategy({ maxAttempts: 3, backoff: noDelay })
    let token = await strategy.acquireInitialRetryToken('rds')
    for (let i = 0; i < 4; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })
    }
    await expect(
      strategy.refreshRetryTokenForRetry(token, { errorType: 'TRANSIENT' }),
    ).rejects.toThrow('No retry token available')
  })
})
