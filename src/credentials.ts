/**
 * Credentials for the two accounts: each role is assumed straight from the job's GitHub OIDC
 * token (never chained through another role), and re-assumed with a fresh token whenever the
 * session nears its end, so runs longer than the role's session still work.
 */

import * as core from '@actions/core'
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts'
import { fromWebToken } from '@aws-sdk/credential-providers'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types'
import { accountFromArn } from './aws/arn.js'
import { baseClientConfig, createClients, type AwsClients } from './aws/clients.js'
import { raceSignal, stopReason } from './engine/deadline.js'
import {
  ActionError,
  awsErrorCode,
  errorMessage,
  isExpiredCredentials,
  type AccountSide,
} from './errors.js'
import type { Settings } from './settings.js'

/** One account as the rest of the action sees it. */
export interface AccountSession {
  readonly role: AccountSide
  readonly accountId: string
  /** The caller identity STS reported, e.g. `arn:aws:sts::1:assumed-role/deploy/rds-refresh-42`. */
  readonly callerArn: string
  /** The role assumed for this side; undefined when ambient credentials are used. */
  readonly roleArn?: string
  readonly clients: AwsClients
}

export interface Accounts {
  readonly source: AccountSession
  readonly destination: AccountSession
  /** Both sides resolved to the same AWS account (no sharing or KMS hand-off needed). */
  readonly sameAccount: boolean
}

/** What tests replace; the defaults are the real runner environment and `@actions/core`. */
export interface CredentialDeps {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly getIDToken?: (audience: string) => Promise<string>
  /** The run's cancel and deadline: aborts every call of these clients, token requests too. */
  readonly signal?: AbortSignal
  /** Bound on one OIDC token request; OIDC_TOKEN_TIMEOUT_MS unless a test needs a shorter one. */
  readonly tokenTimeoutMs?: number
}

/** The SDK refreshes memoized credentials this long before they expire; we share its window. */
const REFRESH_WINDOW_MS = 5 * 60_000

const OIDC_PROVIDER_HOST = 'token.actions.githubusercontent.com'

/**
 * Bound on one OIDC token request, its own retries included. GitHub's token endpoint answers in
 * well under a second; `core.getIDToken` has no timeout of its own, so a hung endpoint would hold
 * the run (or, during a mid-run re-mint, the AWS call waiting for credentials) forever. A minute
 * matches the AWS calls' own request timeout (aws/clients.ts).
 */
export const OIDC_TOKEN_TIMEOUT_MS = 60_000

/**
 * Confirms both accounts and returns their clients. Roles are assumed from the OIDC token; an
 * empty role means ambient credentials (the SDK's default chain). Equal roles share one provider
 * and one set of clients.
 *
 * @param settings validated inputs (roles, audience, session name and duration, region, endpoint)
 * @param deps test replacements for the environment and the OIDC token source
 * @returns both account sessions, with account ids confirmed by GetCallerIdentity
 */
export async function openAccounts(
  settings: Settings,
  deps: CredentialDeps = {},
): Promise<Accounts> {
  const sourceRoleArn = nonEmpty(settings.sourceRoleArn)
  // The contract defaults destination-role-arn to source-role-arn; applied here too, harmlessly.
  const destinationRoleArn = nonEmpty(settings.destinationRoleArn) ?? sourceRoleArn
  if (sourceRoleArn !== undefined || destinationRoleArn !== undefined) {
    requireOidcEnvironment(deps.env ?? process.env, { fork: settings.run.fork })
  }
  const shared = sourceRoleArn === destinationRoleArn
  const open = (sides: readonly AccountSide[], roleArn: string | undefined) =>
    openSession({ settings, deps, sides, roleArn })

  if (shared) {
    const session = await open(['source', 'destination'], sourceRoleArn)
    logAccount('source', session)
    logAccount('destination', session)
    return {
      source: { ...session, role: 'source' },
      destination: { ...session, role: 'destination' },
      sameAccount: true,
    }
  }
  const [source, destination] = await Promise.all([
    open(['source'], sourceRoleArn),
    open(['destination'], destinationRoleArn),
  ])
  logAccount('source', source)
  logAccount('destination', destination)
  return {
    source: { ...source, role: 'source' },
    destination: { ...destination, role: 'destination' },
    sameAccount: source.accountId === destination.accountId,
  }
}

interface SessionRequest {
  readonly settings: Settings
  readonly deps: CredentialDeps
  /** The sides these clients serve (both when the roles are equal). */
  readonly sides: readonly AccountSide[]
  readonly roleArn?: string
}

type OpenedSession = Omit<AccountSession, 'role'>

async function openSession(request: SessionRequest): Promise<OpenedSession> {
  const { settings, roleArn } = request
  const clientConfig = {
    region: settings.region,
    endpoint: settings.endpointUrl,
    maxAttempts: settings.maxAttempts,
    userAgent: settings.run,
    signal: request.deps.signal,
  }
  const credentials =
    roleArn === undefined
      ? undefined
      : webIdentityCredentials({
          sides: request.sides,
          roleArn,
          audience: settings.audience,
          roleSessionName: settings.roleSessionName,
          durationSeconds: settings.roleDurationSeconds,
          repository: settings.run.repository,
          clientConfig,
          getIDToken: request.deps.getIDToken ?? ((audience) => core.getIDToken(audience)),
          tokenTimeoutMs: request.deps.tokenTimeoutMs,
        })
  const clients = createClients({ ...clientConfig, credentials })
  const identity = await callerIdentity(clients.sts, request)
  return { ...identity, roleArn, clients }
}

async function callerIdentity(
  sts: STSClient,
  request: SessionRequest,
): Promise<{ accountId: string; callerArn: string }> {
  const side = request.sides[0] ?? 'source'
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}))
    if (!answer.Account || !answer.Arn) {
      throw new Error('GetCallerIdentity answered without Account or Arn')
    }
    return { accountId: answer.Account, callerArn: answer.Arn }
  } catch (e) {
    // Failures while assuming the role are already described by the provider; a stop by
    // whoever stopped the run.
    if (e instanceof ActionError) throw e
    const stop = request.deps.signal
    if (stop?.aborted) throw stopReason(stop)
    throw ActionError.fromAws(e, {
      summary: `Could not confirm the ${request.sides.join(' and ')} account identity (sts:GetCallerIdentity)`,
      resource: request.roleArn ?? 'ambient credentials',
      side,
      hint: request.roleArn === undefined ? ambientHint(e) : undefined,
    })
  }
}

function ambientHint(e: unknown): string {
  const expired = isExpiredCredentials(e) ? 'The ambient credentials are expired or invalid. ' : ''
  return (
    `${expired}With no role input set the action uses ambient credentials (environment, ` +
    'aws-actions/configure-aws-credentials, instance role). Set source-role-arn (and ' +
    'destination-role-arn) to assume roles from the GitHub OIDC token instead: those credentials ' +
    'are refreshed during long runs.'
  )
}

function logAccount(side: AccountSide, session: OpenedSession): void {
  const label = side === 'source' ? 'Source' : 'Destination'
  core.info(`${label} account: ${session.accountId} (${session.callerArn})`)
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed ? trimmed : undefined
}

/** The one line a fork's pull request gets when the action would sign in with a role. */
export const FORK_LINE =
  'Could not sign in to AWS: this pull request comes from a fork, and GitHub gives fork pull requests neither an OIDC token nor a token that can write; push the branch to this repository to get a database for it'

/**
 * Fails before any AWS call when the job cannot mint OIDC tokens: `core.getIDToken` would
 * otherwise fail deep inside the first AWS call with a bare "Unable to get … env variable".
 */
export function requireOidcEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  run: { readonly fork?: boolean } = {},
): void {
  const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
    (name) => !env[name],
  )
  if (missing.length === 0) return
  // Nothing in a fork's workflow can change this: one line says so.
  if (run.fork) throw new ActionError({ summary: FORK_LINE })
  throw new ActionError({
    summary: `A role is set (source-role-arn/destination-role-arn) but this job cannot request a GitHub OIDC token: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
    hint:
      'Add `permissions: id-token: write` to the job (or the workflow). Pull requests from ' +
      'forks never get an OIDC token, and `pull_request_target` must not be used to get one: ' +
      "it runs with the base repository's permissions, so the pull request's code would run " +
      'with these roles. Without OIDC, leave the role inputs empty and provide ambient ' +
      'credentials (e.g. aws-actions/configure-aws-credentials) instead.',
  })
}

/** Everything needed to assume one role from the OIDC token, again and again. */
export interface WebIdentityOptions {
  /** The sides these credentials serve, for messages. */
  readonly sides: readonly AccountSide[]
  readonly roleArn: string
  readonly audience: string
  readonly roleSessionName: string
  readonly durationSeconds: number
  /** `owner/repo`, to say what the trust policy's `sub` condition must match. */
  readonly repository: string
  /** Region, endpoint, retries and user agent of the STS client that assumes the role. */
  readonly clientConfig: Parameters<typeof baseClientConfig>[0]
  readonly getIDToken: (audience: string) => Promise<string>
  /** Defaults to OIDC_TOKEN_TIMEOUT_MS. */
  readonly tokenTimeoutMs?: number
}

/**
 * A credential provider that mints a fresh OIDC token and calls AssumeRoleWithWebIdentity each
 * time it (re)assumes. Its result carries `expiration`, so SDK clients call it again 5 minutes
 * before the session ends. One cached session is shared by every client given this provider.
 *
 * @param options role, session name and duration, audience, STS client configuration
 * @returns a provider for `createClients({ credentials })`
 */
export function webIdentityCredentials(options: WebIdentityOptions): AwsCredentialIdentityProvider {
  return shareCredentials(() => assumeFromOidc(options))
}

async function assumeFromOidc(options: WebIdentityOptions): Promise<AwsCredentialIdentity> {
  const { roleArn, sides } = options
  const token = await mintToken(options)
  let credentials: AwsCredentialIdentity
  try {
    credentials = await fromWebToken({
      roleArn,
      roleSessionName: options.roleSessionName,
      webIdentityToken: token,
      durationSeconds: options.durationSeconds,
      clientConfig: baseClientConfig(options.clientConfig),
    })()
  } catch (e) {
    throw ActionError.fromAws(e, {
      summary: `Could not assume role ${roleArn} with the GitHub OIDC token for the ${sides.join(' and ')} account`,
      resource: roleArn,
      side: sides[0] ?? 'source',
      hint: assumeRoleHint(e, options),
    })
  }
  maskCredentials(credentials)
  const until = credentials.expiration ? credentials.expiration.toISOString() : 'an unknown time'
  core.info(
    `Assumed role ${roleArn} for the ${sides.join(' and ')} account (session ${options.roleSessionName}), valid until ${until}`,
  )
  return credentials
}

async function mintToken(options: WebIdentityOptions): Promise<string> {
  let token: string
  try {
    token = await boundedTokenRequest(options)
  } catch (e) {
    // A stop (cancel, deadline) is reported as such by whoever stopped the run.
    const stop = options.clientConfig.signal
    if (stop?.aborted) throw stopReason(stop)
    throw new ActionError({
      summary: `Could not get a GitHub OIDC token (audience ${options.audience}) to assume ${options.roleArn}: ${errorMessage(e)}`,
      resource: options.roleArn,
      side: options.sides[0] ?? 'source',
      hint:
        e instanceof Error && e.name === 'TimeoutError'
          ? 'Re-run the job; if the token endpoint keeps hanging, check https://www.githubstatus.com.'
          : 'Check that the job has `permissions: id-token: write`, then re-run the job.',
      cause: e,
    })
  }
  // @actions/core 3.0.1 masks the token itself; masking again costs nothing and does not depend
  // on that staying true.
  core.setSecret(token)
  return token
}

/**
 * The token request, given up after `tokenTimeoutMs` or when the run stops. The request itself
 * cannot be aborted (`core.getIDToken` takes no signal): it is abandoned, and the main and post
 * steps end with an explicit exit (index.ts) so an abandoned socket cannot keep them alive.
 */
function boundedTokenRequest(options: WebIdentityOptions): Promise<string> {
  const timeoutMs = options.tokenTimeoutMs ?? OIDC_TOKEN_TIMEOUT_MS
  const timeout = AbortSignal.timeout(timeoutMs)
  const stop = options.clientConfig.signal
  const request = raceSignal(
    options.getIDToken(options.audience),
    stop ? AbortSignal.any([stop, timeout]) : timeout,
  )
  return request.catch((e: unknown) => {
    if (!timeout.aborted || stop?.aborted) throw e
    const error = new Error(
      `the GitHub OIDC token endpoint did not answer within ${timeoutMs / 1000} s`,
    )
    error.name = 'TimeoutError'
    throw error
  })
}

/** Masks every credential value before anything (log line, error message) could print it. */
function maskCredentials(credentials: AwsCredentialIdentity): void {
  for (const value of [
    credentials.accessKeyId,
    credentials.secretAccessKey,
    credentials.sessionToken,
  ]) {
    if (value) core.setSecret(value)
  }
}

const TRUST_CODES = new Set([
  'AccessDenied',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
])

/** What to do about a failed AssumeRoleWithWebIdentity, by code (and message for ValidationError). */
export function assumeRoleHint(
  e: unknown,
  options: Pick<WebIdentityOptions, 'roleArn' | 'audience' | 'durationSeconds' | 'repository'>,
): string | undefined {
  const code = awsErrorCode(e) ?? ''
  const wireCode = (e as { Code?: unknown } | null)?.Code
  const codes = [code, typeof wireCode === 'string' ? wireCode : '']
  if (codes.some((c) => TRUST_CODES.has(c))) {
    const account = accountFromArn(options.roleArn) ?? 'the role’s account'
    return (
      `Check the trust policy of ${options.roleArn}: the OIDC identity provider ` +
      `${OIDC_PROVIDER_HOST} must exist in account ${account}, the token's aud must be ` +
      `"${options.audience}" (the audience input) and its sub must match ` +
      `repo:${options.repository}:… (e.g. repo:${options.repository}:ref:refs/heads/main or ` +
      `repo:${options.repository}:environment:<name>).`
    )
  }
  if (codes.includes('ValidationError') && /DurationSeconds/i.test(errorMessage(e))) {
    return (
      `The role's MaximumSessionDuration is lower than role-duration-seconds ` +
      `(${options.durationSeconds}): lower role-duration-seconds (credentials are refreshed ` +
      "automatically, so long runs still work) or raise the role's maximum session duration."
    )
  }
  if (codes.some((c) => c === 'ExpiredTokenException' || c === 'ExpiredToken')) {
    return "The job's GitHub OIDC token expired before STS accepted it: re-run the job."
  }
  if (codes.some((c) => c === 'IDPCommunicationError' || c === 'IDPCommunicationErrorException')) {
    return 'STS could not reach GitHub to validate the token: re-run the job.'
  }
  return undefined
}

/**
 * One cached session for every client of an account: without it each of the four clients would
 * assume the role separately. Concurrent callers wait on the same assumption.
 *
 * A session is renewed when less than 5 minutes remain, the SDK's own window (aws-reference F4).
 * AWS issues no session shorter than 15 minutes (DurationSeconds is at least 900, F2), so each
 * session serves at least 10 minutes.
 */
export function shareCredentials(
  assume: () => Promise<AwsCredentialIdentity>,
): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentity | undefined
  let pending: Promise<AwsCredentialIdentity> | undefined
  return async (options?: { forceRefresh?: boolean }) => {
    if (current !== undefined && !options?.forceRefresh && !needsRenewal(current)) return current
    pending ??= assume()
      .then((credentials) => {
        current = credentials
        return credentials
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }
}

function needsRenewal(credentials: AwsCredentialIdentity): boolean {
  const expiration = credentials.expiration?.getTime()
  return expiration !== undefined && expiration - Date.now() < REFRESH_WINDOW_MS
}

/**
 * A destination-phase job reads nothing in the source account and usually holds no credentials
 * for it: with one role (destination-role-arn, or source-role-arn as elsewhere) it opens only
 * that one. With two different roles it opens both, and then also withdraws the share and
 * deletes the handed-over snapshot once its copy exists. `delete` and `sweep` work in the
 * destination account alike; with both roles they also withdraw what was shared from the source.
 */
export function credentialSettings(settings: Settings): Settings {
  const operation = settings.operation === 'plan' ? settings.planOperation : settings.operation
  const destinationOnly =
    operation === 'delete' || operation === 'sweep' || settings.phase === 'destination'
  if (!destinationOnly) return settings
  if (settings.sourceRoleArn && settings.destinationRoleArn) return settings
  const role = settings.destinationRoleArn ?? settings.sourceRoleArn
  return { ...settings, sourceRoleArn: role, destinationRoleArn: role }
}
