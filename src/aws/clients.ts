/**
 * The one place AWS clients are built: every client gets the same region, endpoint, retry policy,
 * timeouts, user agent and credentials, so an account's four clients behave alike.
 */

import { KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { RDSClient } from '@aws-sdk/client-rds'
import { STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler'
import { ThrottlingTolerantRetryStrategy } from './retry.js'
import type { AwsCredentialIdentityProvider, UserAgent } from '@aws-sdk/types'

/** The action's name in every request's user agent. */
export const USER_AGENT_NAME = 'rds-refresh'

/** Who is calling, for the user agent (CloudTrail shows it next to every call). */
export interface UserAgentInfo {
  readonly repository: string
  readonly runId: string
  readonly runAttempt: string
}

export interface ClientOptions {
  readonly region: string
  /** endpoint-url: send every call (STS too) to this AWS-compatible endpoint instead of AWS. */
  readonly endpoint?: string
  /** Undefined: the SDK's default chain (environment, e.g. after configure-aws-credentials). */
  readonly credentials?: AwsCredentialIdentityProvider
  /** Attempts per call, first one included (SDK standard retry mode). */
  readonly maxAttempts: number
  readonly userAgent: UserAgentInfo
  /** Aborts every call in flight and refuses new ones: the run's cancel and deadline. */
  readonly signal?: AbortSignal
  /** Per-attempt timeouts; HTTP_TIMEOUTS unless a test needs shorter ones. */
  readonly timeouts?: HttpTimeouts
}

/** Bounds on one attempt of one call; the SDK's standard retry mode retries a timed-out attempt. */
export interface HttpTimeouts {
  /** Until the TCP (and TLS) connection is established. */
  readonly connectionMs: number
  /** From sending the request until the response headers arrive. */
  readonly requestMs: number
}

/**
 * RDS, RAM, KMS and STS calls are control-plane requests: even one that starts hours of work
 * (a restore, a snapshot copy) answers within seconds, and the work is then polled. 60 s per
 * attempt is the AWS CLI's default read timeout, far above any healthy answer; 10 s covers a TCP
 * and TLS handshake to a regional endpoint from any runner. A hung attempt then costs at most a
 * minute before the SDK retries it, and `deadline-minutes` bounds the whole run on top.
 */
export const HTTP_TIMEOUTS: HttpTimeouts = { connectionMs: 10_000, requestMs: 60_000 }

/**
 * The SDK's Node.js handler with both timeouts, and the run's signal added to every request so a
 * cancel or the deadline aborts calls in flight (the SDK does not retry an aborted call).
 */
class BoundedHttpHandler extends NodeHttpHandler {
  constructor(
    options: NodeHttpHandlerOptions,
    private readonly runSignal: AbortSignal | undefined,
  ) {
    super(options)
  }

  override handle(...[request, options = {}]: Parameters<NodeHttpHandler['handle']>) {
    const perCall = options.abortSignal as AbortSignal | undefined
    const signals = [perCall, this.runSignal].filter((s): s is AbortSignal => s !== undefined)
    const abortSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0]
    return super.handle(request, { ...options, abortSignal })
  }
}

/** A new handler per client: destroying one client must not close another's connections. */
function requestHandler(options: Pick<ClientOptions, 'signal' | 'timeouts'>): NodeHttpHandler {
  const timeouts = options.timeouts ?? HTTP_TIMEOUTS
  return new BoundedHttpHandler(
    {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      // Without it the handler only logs a warning when requestTimeout passes, and waits on.
      throwOnRequestTimeout: true,
    },
    options.signal,
  )
}

/** The clients of one account. */
export interface AwsClients {
  readonly rds: RDSClient
  readonly ram: RAMClient
  readonly kms: KMSClient
  readonly sts: STSClient
}

/** Characters the SDK leaves alone in a user-agent value; anything else would be escaped. */
const USER_AGENT_DISALLOWED = /[^!$%&'*+\-.^_`|~\w#]/g

/** A user-agent value made of allowed characters only (`acme/app` → `acme_app`). */
export function sanitizeUserAgentValue(value: string): string {
  return value.replace(USER_AGENT_DISALLOWED, '_') || 'unknown'
}

/**
 * `rds-refresh md/repo#acme_app md/run#<run id>-<attempt>`: names the action and the run in
 * CloudTrail, so a reader can find the workflow run behind any call.
 */
export function buildUserAgent(info: UserAgentInfo): UserAgent {
  return [
    [USER_AGENT_NAME],
    ['md/repo', sanitizeUserAgentValue(info.repository)],
    ['md/run', sanitizeUserAgentValue(`${info.runId}-${info.runAttempt}`)],
  ]
}

/**
 * The configuration every client (and the STS client that assumes roles) shares. Exported so
 * the credential provider's own STS client is configured the same way.
 */
export function baseClientConfig(options: Omit<ClientOptions, 'credentials'>) {
  return {
    region: options.region,
    ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
    retryStrategy: new ThrottlingTolerantRetryStrategy({ maxAttempts: options.maxAttempts }),
    customUserAgent: buildUserAgent(options.userAgent),
    requestHandler: requestHandler(options),
  } as const
}

/**
 * The four clients of one account, all configured alike.
 *
 * @param options region, endpoint, credentials (undefined: default chain), retries, user agent,
 *   the run's signal and timeouts
 * @returns RDS, RAM, KMS and STS clients sharing the credentials
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = () => ({
    ...baseClientConfig(options),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  })
  return {
    rds: new RDSClient(config()),
    ram: new RAMClient(config()),
    kms: new KMSClient(config()),
    sts: new STSClient(config()),
  }
}
