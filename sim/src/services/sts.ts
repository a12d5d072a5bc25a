/**
 * STS: AssumeRoleWithWebIdentity (GitHub OIDC tokens from the stand-in issuer), AssumeRole
 * (chaining, at most one hour) and GetCallerIdentity. Sessions live in REAL time:
 * `DurationSeconds / credentialTimeScale`, and `Expiration` says so, so the SDK's refresh logic
 * sees exactly what the simulator enforces.
 */
import {
  AwsError,
  type AccountFixture,
  type CallContext,
  type RoleFixture,
  type ServiceHandlers,
} from '../core/types.ts'
import type { IdentityStore, Session } from '../identity.ts'
import { githubIssuer, type OidcIssuer } from '../oidc.ts'

export interface StsDeps {
  readonly accounts: readonly AccountFixture[]
  readonly identity: IdentityStore
  readonly oidc: OidcIssuer
  readonly credentialTimeScale: number
  /** The caller's session, when the request was signed with temporary credentials. */
  readonly sessionOf: (ctx: CallContext) => Session | undefined
}

const defaultAudience = 'sts.amazonaws.com'
const defaultDuration = 3600
const chainingLimit = 3600

/** `arn:aws:iam::<account>:role/<path/>name` → account and name; undefined when not a role ARN. */
export function parseRoleArn(arn: string): { account: string; name: string } | undefined {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/.exec(arn)
  return match ? { account: match[1] as string, name: match[2] as string } : undefined
}

/** Glob as IAM's StringLike: `*` any run, `?` one character. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${source}$`, 's').test(text)
}

export function createStsHandlers(deps: StsDeps): ServiceHandlers {
  const findRole = (roleArn: string): { account: string; role: RoleFixture } | undefined => {
    const parsed = parseRoleArn(roleArn)
    if (!parsed) return undefined
    const role = deps.accounts
      .find((account) => account.id === parsed.account)
      ?.roles?.find((candidate) => candidate.name === parsed.name)
    return role ? { account: parsed.account, role } : undefined
  }

  const issue = (account: string, role: RoleFixture, sessionName: string, seconds: number) => {
    const session = deps.identity.issueSession({
      account,
      roleName: role.name,
      sessionName,
      lifetimeMs: (seconds * 1000) / deps.credentialTimeScale,
    })
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(session.expiresAt),
      },
      AssumedRoleUser: { Arn: session.principalArn, AssumedRoleId: session.userId },
    }
  }

  return {
    AssumeRoleWithWebIdentity(ctx) {
      const input = ctx.input as {
        RoleArn: string
        RoleSessionName: string
        WebIdentityToken: string
        DurationSeconds?: number
      }
      const claims = verifyToken(deps.oidc, input.WebIdentityToken)
      const target = findRole(input.RoleArn)
      const audience = target?.role.audience ?? defaultAudience
      if (claims.aud !== audience)
        throw new AwsError('InvalidIdentityToken', 'Incorrect token audience')
      const pattern = target?.role.subjectPattern
      if (!target || (pattern !== undefined && !globMatches(pattern, String(claims.sub)))) {
        throw new AwsError(
          'AccessDenied',
          'Not authorized to perform sts:AssumeRoleWithWebIdentity',
          403,
        )
      }
      const seconds = input.DurationSeconds ?? defaultDuration
      if (seconds > (target.role.maxSessionDuration ?? defaultDuration)) {
        throw new AwsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        )
      }
      return {
        ...issue(target.account, target.role, input.RoleSessionName, seconds),
        SubjectFromWebIdentityToken: String(claims.sub),
        Audience: String(claims.aud),
        Provider: githubIssuer,
      }
    },

    AssumeRole(ctx) {
      const input = ctx.input as {
        RoleArn: string
        RoleSessionName: string
        DurationSeconds?: number
      }
      const target = findRole(input.RoleArn)
      if (!target) {
        throw new AwsError(
          'AccessDenied',
          `User: ${ctx.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`,
          403,
        )
      }
      const seconds = input.DurationSeconds ?? defaultDuration
      const chained = deps.sessionOf(ctx) !== undefined
      if (chained && seconds > chainingLimit) {
        throw new AwsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
        )
      }
      if (seconds > (target.role.maxSessionDuration ?? defaultDuration)) {
        throw new AwsError(
          'ValidationError',
          'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
        )
      }
      return issue(target.account, target.role, input.RoleSessionName, seconds)
    },

    GetCallerIdentity(ctx) {
      const session = deps.sessionOf(ctx)
      return {
        Account: ctx.account,
        Arn: ctx.principalArn,
        UserId: session?.userId ?? ctx.userId ?? ctx.account,
      }
    },
  }
}

function verifyToken(oidc: OidcIssuer, token: string): Record<string, string | number> {
  const result = oidc.verify(token)
  if ('invalid' in result) {
    throw new AwsError(
      'InvalidIdentityToken',
      'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
    )
  }
  const { claims } = result
  if (claims.iss !== githubIssuer) {
    throw new AwsError(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${String(claims.iss)}`,
    )
  }
  const now = Date.now() / 1000
  if (typeof claims.exp !== 'number' || now >= claims.exp) {
    throw new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(now)} must be before the expiration date/time${Math.floor(Number(claims.exp))}`,
    )
  }
  return claims
}
