/**
 * A stand-in for GitHub's OIDC token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`): answers
 * `GET <url>&audience=…` with `{"value": "<jwt>"}` when the bearer token matches. Tokens are RS256
 * JWTs with GitHub's claim names, living 300 s scaled by the credential time scale; STS verifies them.
 */
import {
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'

export const githubIssuer = 'https://token.actions.githubusercontent.com'

export type Claims = Record<string, string | number>

export interface OidcIssuer {
  /** The bearer token a runner must present (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  readonly requestToken: string
  /** Overrides claims (sub, repository, ref, …) of tokens issued from now on. */
  setClaims(overrides: Claims): void
  /** Issues a token for `audience` (GitHub's default audience is the owner's URL). */
  issue(audience?: string): string
  /** Checks a token's signature and issuer; returns its claims, or a reason it is not ours. */
  verify(token: string): { claims: Claims } | { invalid: string }
}

/** Claims of a plain `push` run on main of `acme/app`. */
export function defaultClaims(): Claims {
  return {
    sub: 'repo:acme/app:ref:refs/heads/main',
    repository: 'acme/app',
    repository_owner: 'acme',
    repository_id: '100001',
    repository_owner_id: '200001',
    run_id: '7000000001',
    run_number: '1',
    run_attempt: '1',
    workflow: 'refresh',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    sha: '0123456789abcdef0123456789abcdef01234567',
    actor: 'octocat',
    event_name: 'push',
    job_workflow_ref: 'acme/app/.github/workflows/refresh.yml@refs/heads/main',
    runner_environment: 'github-hosted',
  }
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url')

/**
 * One RSA key pair per process: generating one costs about a second on a loaded machine, and the
 * test suites start hundreds of worlds. Each issuer still has its own key id (`kid`) and refuses
 * tokens under any other, as an OIDC provider looks the signing key up by `kid`.
 */
let processKeyPair: { privateKey: KeyObject; publicKey: KeyObject } | undefined
const signingKeyPair = () =>
  (processKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 }))

export function createOidcIssuer(options: { credentialTimeScale: number }): OidcIssuer {
  const { privateKey, publicKey } = signingKeyPair()
  const kid = randomBytes(8).toString('hex')
  const requestToken = randomBytes(24).toString('hex')
  let claims = defaultClaims()

  return {
    requestToken,
    setClaims(overrides) {
      claims = { ...claims, ...overrides }
    },
    issue(audience) {
      const nowMs = Date.now()
      const iat = Math.floor(nowMs / 1000)
      // Scaled lifetimes can be sub-second: NumericDate allows fractions (RFC 7519 §2).
      const exp = Math.round((nowMs / 1000 + 300 / options.credentialTimeScale) * 1000) / 1000
      const payload = {
        jti: randomUUID(),
        ...claims,
        aud: audience ?? `https://github.com/${String(claims.repository_owner)}`,
        iss: githubIssuer,
        iat,
        nbf: iat - 5,
        exp: options.credentialTimeScale === 1 ? iat + 300 : exp,
      }
      const header = { alg: 'RS256', typ: 'JWT', kid, x5t: kid }
      const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`
      const signature = sign('RSA-SHA256', Buffer.from(signingInput), privateKey)
      return `${signingInput}.${b64url(signature)}`
    },
    verify(token) {
      return verifyJwt(token, { publicKey, kid })
    },
  }
}

function verifyJwt(
  token: string,
  key: { publicKey: KeyObject; kid: string },
): { claims: Claims } | { invalid: string } {
  const parts = token.split('.')
  if (parts.length !== 3) return { invalid: 'not a JWT' }
  const [header, payload, signature] = parts as [string, string, string]
  let parsed: { header: { alg?: string; kid?: string }; claims: Claims }
  try {
    parsed = {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
        alg?: string
        kid?: string
      },
      claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims,
    }
  } catch {
    return { invalid: 'not a JWT' }
  }
  if (parsed.header.alg !== 'RS256') return { invalid: 'unsupported algorithm' }
  if (parsed.header.kid !== key.kid) return { invalid: 'unknown key id' }
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    key.publicKey,
    Buffer.from(signature, 'base64url'),
  )
  if (!ok) return { invalid: 'bad signature' }
  return { claims: parsed.claims }
}
