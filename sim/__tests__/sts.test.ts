import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals'
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds'
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts'
import { fromWebToken } from '@aws-sdk/credential-providers'
import type { Simulator } from '../src/index.ts'
import { clientConfig, destination, region, source, sourceKeys, start } from './helpers.ts'

const sourceRole = `arn:aws:iam::${source}:role/refresh-source`
const destinationRole = `arn:aws:iam::${destination}:role/refresh-destination`

async function idToken(sim: Simulator, audience?: string): Promise<string> {
  const url =
    audience === undefined
      ? sim.oidc.requestUrl
      : `${sim.oidc.requestUrl}&audience=${encodeURIComponent(audience)}`
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${sim.oidc.requestToken}` },
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { value: string }).value
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(
    Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'),
  ) as Record<string, unknown>
}

function stsClient(sim: Simulator): STSClient {
  return new STSClient({ region, endpoint: sim.url, maxAttempts: 1 })
}

describe('OIDC token endpoint stand-in', () => {
  let sim: Simulator
  beforeAll(async () => {
    sim = await start()
  })
  afterAll(() => sim.close())

  it('hands out a URL that already has a query string, as @actions/core expects', () => {
    expect(sim.oidc.requestUrl).toBe(`${sim.url}/_oidc/token?api-version=2.0`)
  })

  it('issues RS256 JWTs with GitHub claim names, living 300 s', async () => {
    const jwt = await idToken(sim, 'sts.amazonaws.com')
    const header = JSON.parse(
      Buffer.from(jwt.split('.')[0] as string, 'base64url').toString('utf8'),
    ) as Record<string, unknown>
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    const claims = claimsOf(jwt)
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: 'repo:acme/app:ref:refs/heads/main',
      repository: 'acme/app',
      repository_owner: 'acme',
      ref: 'refs/heads/main',
      event_name: 'push',
      run_attempt: '1',
    })
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(typeof claims.jti).toBe('string')
    expect(sim.requests.at(-1)).toMatchObject({
      service: 'oidc',
      operation: 'GetIdToken',
      input: { audience: 'sts.amazonaws.com' },
    })
  })

  it("defaults the audience to the owner's URL, as GitHub does", async () => {
    expect(claimsOf(await idToken(sim)).aud).toBe('https://github.com/acme')
  })

  it('applies claim overrides to later tokens', async () => {
    sim.oidc.claims({ sub: 'repo:acme/app:pull_request', event_name: 'pull_request' })
    expect(claimsOf(await idToken(sim))).toMatchObject({
      sub: 'repo:acme/app:pull_request',
      event_name: 'pull_request',
    })
  })

  it('accepts the bearer scheme in any case, as curl examples send it', async () => {
    const response = await fetch(sim.oidc.requestUrl, {
      headers: { authorization: `bearer ${sim.oidc.requestToken}` },
    })
    expect(response.status).toBe(200)
  })

  it('answers 401 to a wrong bearer token and logs it', async () => {
    const response = await fetch(sim.oidc.requestUrl, {
      headers: { authorization: 'Bearer wrong' },
    })
    expect(response.status).toBe(401)
    expect(sim.requests.at(-1)).toMatchObject({ service: 'oidc', errorCode: 'Unauthorized' })
  })
})

describe('STS AssumeRoleWithWebIdentity with the real STS client', () => {
  let sim: Simulator
  let sts: STSClient
  beforeAll(async () => {
    sim = await start()
    sts = stsClient(sim)
  })
  afterAll(async () => {
    sts.destroy()
    await sim.close()
  })

  const assume = async (
    overrides: Partial<{
      RoleArn: string
      DurationSeconds: number
      RoleSessionName: string
      token: string
    }> = {},
  ) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: overrides.RoleArn ?? sourceRole,
        RoleSessionName: overrides.RoleSessionName ?? 'rds-refresh-42',
        WebIdentityToken: overrides.token ?? (await idToken(sim, 'sts.amazonaws.com')),
        ...(overrides.DurationSeconds !== undefined && {
          DurationSeconds: overrides.DurationSeconds,
        }),
      }),
    )

  it('issues session credentials that sign for the role account', async () => {
    const before = Date.now()
    const out = await assume()
    const after = Date.now()
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/)
    expect(out.Credentials?.SessionToken).toBeTruthy()
    // An hour from when STS answered, whenever that was (the wire carries whole seconds).
    const expiration = out.Credentials?.Expiration?.getTime() ?? 0
    expect(expiration).toBeGreaterThanOrEqual(before + 3600_000 - 1000)
    expect(expiration).toBeLessThanOrEqual(after + 3600_000 + 1000)
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${source}:assumed-role/refresh-source/rds-refresh-42`,
    )
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:rds-refresh-42$/)
    expect(out).toMatchObject({
      SubjectFromWebIdentityToken: 'repo:acme/app:ref:refs/heads/main',
      Audience: 'sts.amazonaws.com',
      Provider: 'https://token.actions.githubusercontent.com',
    })
    const credentials = {
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
      sessionToken: out.Credentials?.SessionToken as string,
    }
    const asRole = new STSClient({ ...clientConfig(sim, credentials) })
    const who = await asRole.send(new GetCallerIdentityCommand({}))
    expect(who).toMatchObject({
      Account: source,
      Arn: `arn:aws:sts::${source}:assumed-role/refresh-source/rds-refresh-42`,
      UserId: out.AssumedRoleUser?.AssumedRoleId,
    })
    const rds = new RDSClient(clientConfig(sim, credentials))
    await rds.send(new DescribeDBClustersCommand({}))
    expect(sim.requests.at(-1)).toMatchObject({
      account: source,
      accessKeyId: credentials.accessKeyId,
    })
    const web = sim.requests.find((r) => r.operation === 'AssumeRoleWithWebIdentity')
    expect(web).toMatchObject({ service: 'sts', account: source })
    expect(web?.accessKeyId).toBeUndefined()
    asRole.destroy()
    rds.destroy()
  })

  it('answers InvalidIdentityToken for a token issued for another audience', async () => {
    const error = await assume({ token: await idToken(sim, 'api://other') }).catch(
      (e: unknown) => e,
    )
    expect(error).toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: 'Incorrect token audience',
      $metadata: { httpStatusCode: 400 },
    })
  })

  it('answers InvalidIdentityToken for a token it did not sign', async () => {
    const jwt = await idToken(sim, 'sts.amazonaws.com')
    const [header, payload] = jwt.split('.')
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`
    const error = await assume({ token: forged }).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'InvalidIdentityTokenException' })
  })

  it('answers AccessDenied (403) when the subject does not match the trust policy, or the role does not exist', async () => {
    sim.oidc.claims({ sub: 'repo:acme/app:ref:refs/heads/feature' })
    const error = await assume({ RoleArn: destinationRole }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      $metadata: { httpStatusCode: 403 },
    })
    sim.oidc.claims({ sub: 'repo:acme/app:ref:refs/heads/main' })
    const missing = await assume({ RoleArn: `arn:aws:iam::${destination}:role/nope` }).catch(
      (e: unknown) => e,
    )
    expect(missing).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } })
  })

  it("enforces DurationSeconds between 900 and the role's maximum", async () => {
    await expect(assume({ DurationSeconds: 7200 })).resolves.toBeDefined()
    const above = await assume({ DurationSeconds: 7201 }).catch((e: unknown) => e)
    expect(above).toMatchObject({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      $metadata: { httpStatusCode: 400 },
    })
    const below = await assume({ DurationSeconds: 600 }).catch((e: unknown) => e)
    expect(below).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    })
  })

  it('validates RoleSessionName against the model pattern', async () => {
    const error = await assume({ RoleSessionName: 'has space' }).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    })
  })

  it('limits role chaining (AssumeRole from a role session) to one hour', async () => {
    const out = await assume()
    const chained = new STSClient(
      clientConfig(sim, {
        accessKeyId: out.Credentials?.AccessKeyId as string,
        secretAccessKey: out.Credentials?.SecretAccessKey as string,
        sessionToken: out.Credentials?.SessionToken as string,
      }),
    )
    const role = `arn:aws:iam::${destination}:role/chained`
    const error = await chained
      .send(new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'sx', DurationSeconds: 3601 }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    })
    const ok = await chained.send(
      new AssumeRoleCommand({ RoleArn: role, RoleSessionName: 'ss', DurationSeconds: 3600 }),
    )
    expect(ok.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${destination}:assumed-role/chained/ss`)
    chained.destroy()
  })

  it("works with the SDK's own fromWebToken provider (its nested STS client)", async () => {
    const provider = fromWebToken({
      roleArn: destinationRole,
      roleSessionName: 'rds-refresh-7',
      webIdentityToken: await idToken(sim, 'sts.amazonaws.com'),
      durationSeconds: 900,
      clientConfig: { region, endpoint: sim.url, maxAttempts: 1 },
    })
    const rds = new RDSClient({ region, endpoint: sim.url, credentials: provider, maxAttempts: 1 })
    await rds.send(new DescribeDBClustersCommand({}))
    expect(sim.requests.at(-1)).toMatchObject({ service: 'rds', account: destination })
    expect(sim.requests.at(-2)).toMatchObject({
      operation: 'AssumeRoleWithWebIdentity',
      input: { RoleArn: destinationRole, RoleSessionName: 'rds-refresh-7', DurationSeconds: 900 },
    })
    rds.destroy()
  })

  it('answers GetCallerIdentity for static keys with the account user', async () => {
    const client = new STSClient(clientConfig(sim, sourceKeys))
    const who = await client.send(new GetCallerIdentityCommand({}))
    expect(who).toMatchObject({ Account: source, Arn: `arn:aws:iam::${source}:user/prod` })
    expect(who.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/)
    client.destroy()
  })
})

describe('credential lifetime in scaled real time', () => {
  let sim: Simulator
  beforeAll(async () => {
    // An hour lives 1 s; a 900 s session 250 ms; an OIDC token (300 s) 83 ms.
    sim = await start({ scenario: { credentialTimeScale: 3600 } })
  })
  afterAll(() => sim.close())
  // The clock stands still unless a test moves it: a loaded machine cannot let a token or a
  // session expire between two calls that expect it valid, and expiry is a step of the test.
  // Only Date is faked; timers and sockets run for real.
  beforeEach(() => {
    jest.useFakeTimers({
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    })
  })
  afterEach(() => {
    jest.useRealTimers()
  })
  const advanceClock = (ms: number) => jest.setSystemTime(Date.now() + ms)

  it('answers ExpiredTokenException for an expired OIDC token', async () => {
    const token = await idToken(sim, 'sts.amazonaws.com')
    advanceClock(120)
    const sts = stsClient(sim)
    const error = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: sourceRole,
          RoleSessionName: 'x1',
          WebIdentityToken: token,
        }),
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ExpiredTokenException',
      $metadata: { httpStatusCode: 400 },
    })
    expect((error as Error).message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time\d+$/,
    )
    sts.destroy()
  })

  it('answers ExpiredToken once a session expires, and a refreshing provider recovers', async () => {
    const sts = stsClient(sim)
    const mint = async () => {
      const out = await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: sourceRole,
          RoleSessionName: 'refresh',
          WebIdentityToken: await idToken(sim, 'sts.amazonaws.com'),
          DurationSeconds: 900,
        }),
      )
      return {
        accessKeyId: out.Credentials?.AccessKeyId as string,
        secretAccessKey: out.Credentials?.SecretAccessKey as string,
        sessionToken: out.Credentials?.SessionToken as string,
        expiration: out.Credentials?.Expiration as Date,
      }
    }
    const fixed = await mint()
    expect(fixed.expiration.getTime() - Date.now()).toBeLessThanOrEqual(250)
    const stale = new RDSClient(clientConfig(sim, fixed))
    await stale.send(new DescribeDBClustersCommand({}))
    advanceClock(300)
    const error = await stale.send(new DescribeDBClustersCommand({})).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    })
    const kms = new KMSClient(clientConfig(sim, fixed))
    expect(
      await kms.send(new DescribeKeyCommand({ KeyId: 'k' })).catch((e: unknown) => e),
    ).toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    })
    kms.destroy()
    // The SDK memoizes a provider and refreshes it when fewer than 5 minutes remain: every call here.
    const fresh = new RDSClient({ region, endpoint: sim.url, maxAttempts: 1, credentials: mint })
    await fresh.send(new DescribeDBClustersCommand({}))
    advanceClock(300)
    await fresh.send(new DescribeDBClustersCommand({}))
    const rdsCalls = sim.requests.filter((r) => r.service === 'rds')
    expect(rdsCalls.map((r) => r.errorCode)).toEqual([
      undefined,
      'ExpiredToken',
      undefined,
      undefined,
    ])
    stale.destroy()
    fresh.destroy()
    sts.destroy()
  })
})
