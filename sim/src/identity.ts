/**
 * Who is calling: SigV4 `Authorization` → access key → account and principal. Static keys come
 * from the fixture; temporary keys are issued by STS and need their `X-Amz-Security-Token`. The
 * signature is verified with the secret we know, so a request proves the SDK really signed with
 * the credentials the simulator issued.
 */
import { randomBytes } from 'node:crypto'
import { AwsError, type AccountFixture } from './core/types.ts'
import { computeSignature, parseAuthorization, sha256Hex } from './sigv4.ts'
import type { RawRequest } from './protocols/types.ts'

/** Query (RDS, STS), JSON (KMS) and REST-JSON (RAM) services word auth failures differently. */
export type ErrorFamily = 'query' | 'json'

export interface Caller {
  readonly account: string
  readonly principalArn: string
  readonly userId: string
  readonly accessKeyId: string
  /** Set for temporary credentials: the session came from `AssumeRole*`. */
  readonly session?: Session
}

export interface Session {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken: string
  readonly account: string
  readonly roleName: string
  readonly sessionName: string
  readonly principalArn: string
  readonly userId: string
  /** Real wall-clock ms. */
  readonly expiresAt: number
}

interface StaticKey {
  readonly secretAccessKey: string
  readonly account: string
  readonly principalArn: string
  readonly userId: string
}

const authErrors = {
  missing: {
    query: ['MissingAuthenticationToken', 'Request is missing Authentication Token', 403],
    json: ['MissingAuthenticationTokenException', 'Missing Authentication Token', 403],
  },
  incomplete: {
    query: [
      'IncompleteSignature',
      'Authorization header requires Credential, SignedHeaders and Signature',
      400,
    ],
    json: [
      'IncompleteSignatureException',
      'Authorization header requires Credential, SignedHeaders and Signature',
      400,
    ],
  },
  unknownKey: {
    query: ['InvalidClientTokenId', 'The security token included in the request is invalid.', 403],
    json: [
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      400,
    ],
  },
  expired: {
    query: ['ExpiredToken', 'The security token included in the request is expired', 400],
    json: ['ExpiredTokenException', 'The security token included in the request is expired', 400],
  },
  signature: {
    query: ['SignatureDoesNotMatch', '', 403],
    json: ['InvalidSignatureException', '', 400],
  },
} as const

const signatureMessage =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.'

function authError(kind: keyof typeof authErrors, family: ErrorFamily, message?: string): AwsError {
  const [code, text, status] = authErrors[kind][family]
  return new AwsError(code, message ?? text, status)
}

function randomUpper(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  return [...randomBytes(length)].map((b) => alphabet[b % 32]).join('')
}

/** Deterministic IAM-style unique id (`AROA…`, `AIDA…`) for a name. */
export function uniqueId(prefix: string, name: string): string {
  const digest = sha256Hex(name).toUpperCase()
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let id = ''
  for (let i = 0; i < 17; i++) id += alphabet[parseInt(digest.slice(i * 2, i * 2 + 2), 16) % 32]
  return prefix + id
}

export interface IdentityStore {
  /** Issues temporary credentials for a role session (STS). */
  issueSession(options: {
    account: string
    roleName: string
    sessionName: string
    /** Real milliseconds the credentials stay valid. */
    lifetimeMs: number
  }): Session
  /** Authenticates a signed request; throws the service's own auth error. */
  authenticate(request: RawRequest, options: { region: string; family: ErrorFamily }): Caller
  /** The session behind a temporary access key, if any. */
  session(accessKeyId: string): Session | undefined
  /** Every session issued so far, in order. */
  sessions(): readonly Session[]
  /** The signing service named in a request's credential scope, if it is signed. */
  signingService(request: RawRequest): string | undefined
}

export function createIdentityStore(accounts: readonly AccountFixture[]): IdentityStore {
  const staticKeys = new Map<string, StaticKey>()
  for (const account of accounts) {
    for (const key of account.staticCredentials ?? []) {
      staticKeys.set(key.accessKeyId, {
        secretAccessKey: key.secretAccessKey,
        account: account.id,
        principalArn: `arn:aws:iam::${account.id}:user/${account.name}`,
        userId: uniqueId('AIDA', `${account.id}/${account.name}`),
      })
    }
  }
  const sessions = new Map<string, Session>()

  return {
    issueSession({ account, roleName, sessionName, lifetimeMs }) {
      const roleId = uniqueId('AROA', `${account}/${roleName}`)
      const session: Session = {
        accessKeyId: `ASIA${randomUpper(16)}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(96).toString('base64'),
        account,
        roleName,
        sessionName,
        principalArn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
        userId: `${roleId}:${sessionName}`,
        expiresAt: Date.now() + lifetimeMs,
      }
      sessions.set(session.accessKeyId, session)
      return session
    },

    session: (accessKeyId) => sessions.get(accessKeyId),
    sessions: () => [...sessions.values()],

    signingService(request) {
      const header = request.headers.authorization
      return header === undefined ? undefined : parseAuthorization(header)?.service
    },

    authenticate(request, { region, family }) {
      const header = request.headers.authorization
      if (header === undefined) throw authError('missing', family)
      const auth = parseAuthorization(header)
      const amzDate = request.headers['x-amz-date']
      if (!auth || amzDate === undefined || !auth.signedHeaders.includes('host')) {
        throw authError('incomplete', family)
      }
      if (auth.region !== region) {
        throw authError(
          'signature',
          family,
          `Credential should be scoped to a valid region, not '${auth.region}'. `,
        )
      }
      const session = sessions.get(auth.accessKeyId)
      const key = staticKeys.get(auth.accessKeyId)
      let secretAccessKey: string
      let caller: Caller
      if (session) {
        if (request.headers['x-amz-security-token'] !== session.sessionToken) {
          throw authError('unknownKey', family)
        }
        if (Date.now() >= session.expiresAt) throw authError('expired', family)
        secretAccessKey = session.secretAccessKey
        caller = { ...session, session }
      } else if (key) {
        secretAccessKey = key.secretAccessKey
        caller = { ...key, accessKeyId: auth.accessKeyId }
      } else {
        throw authError('unknownKey', family)
      }
      const bodyHash = sha256Hex(request.body)
      const claimedHash = request.headers['x-amz-content-sha256'] ?? bodyHash
      if (claimedHash !== bodyHash) {
        throw authError(
          'signature',
          family,
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
      }
      const expected = computeSignature({
        request: { ...request, payloadHash: claimedHash },
        signedHeaders: auth.signedHeaders,
        secretAccessKey,
        amzDate,
        region: auth.region,
        service: auth.service,
      })
      if (expected !== auth.signature) throw authError('signature', family, signatureMessage)
      return caller
    },
  }
}
