/**
 * The one place AWS clients are built: every client gets the same region, endpoint, retry policy,
 * user agent and credentials, so an account's four clients behave alike.
 */

import { KMSClient } from '@aws-sdk/client-kms'
import { RAMClient } from '@aws-sdk/client-ram'
import { RDSClient } from '@aws-sdk/client-rds'
import { STSClient } from '@aws-sdk/client-sts'
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
  /** Send every call (STS too) here: the simulator or an AWS-compatible emulator. */
  readonly endpoint?: string
  /** Undefined: the SDK's default chain (environment, e.g. after configure-aws-credentials). */
  readonly credentials?: AwsCredentialIdentityProvider
  /** Attempts per call, first one included (SDK standard retry mode). */
  readonly maxAttempts: number
  readonly userAgent: UserAgentInfo
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
    retryMode: 'standard',
    maxAttempts: options.maxAttempts,
    customUserAgent: buildUserAgent(options.userAgent),
  } as const
}

/**
 * The four clients of one account, all configured alike.
 *
 * @param options region, endpoint, credentials (undefined: default chain), retries, user agent
 * @returns RDS, RAM, KMS and STS clients sharing the credentials
 */
export function createClients(options: ClientOptions): AwsClients {
  const config = {
    ...baseClientConfig(options),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  }
  return {
    rds: new RDSClient(config),
    ram: new RAMClient(config),
    kms: new KMSClient(config),
    sts: new STSClient(config),
  }
}
