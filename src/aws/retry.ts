/**
 * The SDK's standard retry mode, with one difference: a throttled call keeps its place longer.
 *
 * RDS shares one request bucket per account and Region among every tool that calls it (about
 * 12 requests per second, AWS's RDS API throttling page). When twenty pull requests or another
 * tool drain it, a Throttling answer means "not now", not "no": the request was not carried out,
 * so sending it again is safe for creates too. `max-attempts` still bounds every other error;
 * throttled attempts go on, with the standard mode's growing, jittered delays (at most 20 s
 * apart), up to THROTTLED_ATTEMPTS, which rides out about a minute of throttling.
 */
import { StandardRetryStrategy } from '@smithy/core/retry'

type Token = Awaited<ReturnType<StandardRetryStrategy['acquireInitialRetryToken']>>
type ErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1]
/** The options form of the constructor (its last overload). */
type StandardOptions = ConstructorParameters<typeof StandardRetryStrategy>[0]

export interface RetryOptions {
  /** Attempts for a call that fails for any reason but throttling (the `max-attempts` input). */
  readonly maxAttempts: number
  /** The delays between attempts; the standard mode's unless a test needs none. */
  readonly backoff?: StandardOptions['backoff']
}

/** Attempts for a call while AWS keeps answering Throttling. */
export const THROTTLED_ATTEMPTS = 10

export class ThrottlingTolerantRetryStrategy {
  readonly mode = 'standard'
  private readonly standard: StandardRetryStrategy
  private readonly maxAttempts: number

  constructor(options: RetryOptions) {
    this.maxAttempts = options.maxAttempts
    this.standard = new StandardRetryStrategy({
      maxAttempts: Math.max(options.maxAttempts, THROTTLED_ATTEMPTS),
      ...(options.backoff && { backoff: options.backoff }),
    })
  }

  acquireInitialRetryToken(scope: string): Promise<Token> {
    return this.standard.acquireInitialRetryToken(scope)
  }

  refreshRetryTokenForRetry(token: Token, errorInfo: ErrorInfo): Promise<Token> {
    const attempts = token.getRetryCount() + 1
    if (errorInfo.errorType !== 'THROTTLING' && attempts >= this.maxAttempts) {
      return Promise.reject(new Error('No retry token available'))
    }
    return this.standard.refreshRetryTokenForRetry(token, errorInfo)
  }

  recordSuccess(token: Token): void {
    this.standard.recordSuccess(token)
  }
}
