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
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import type { Settings } from '../src/settings.js'
import { testSettings } from '../__fixtures__/settings.js'
import { startSimulator, type Simulator } from '../sim/src/index.ts'
import type { Fixture, RoleFixture } from '../sim/src/core/types.ts'
import type { ResourceFixture } from '../sim/src/services/fixture.ts'

/** Every call into @actions/core, in order, so tests can check what was masked before a log line. */
const events: { kind: 'setSecret' | 'info' | 'warning' | 'debug'; value: string }[] = []
/** The world whose OIDC stand-in mints the job's tokens (its STS accepts only its own). */
let issuer: Simulator | undefined
/** `getIDToken` of @actions/core: a real GitHub-style token from the simulator's stand-in. */
async function mintToken(audience?: string): Promise<string> {
  if (!issuer) throw new Error('no simulator to mint a token')
  const url = `${issuer.oidc.requestUrl}&audience=${encodeURIComponent(audience ?? '')}`
  const answer = await fetch(url, {
    headers: { authorization: `Bearer ${issuer.oidc.requestToken}` },
  })
  return ((await answer.json()) as { value: string }).value
}
const getIDToken = jest.fn(mintToken)
const record = (kind: (typeof events)[number]['kind']) =>
  jest.fn((value: string) => {
    events.push({ kind, value })
  })
const core = {
  getIDToken,
  setSecret: record('setSecret'),
  info: record('info'),
  warning: record('warning'),
  debug: record('debug'),
}
jest.unstable_mockModule('@actions/core', () => core)

const { openAccounts, webIdentityCredentials, requireOidcEnvironment, shareCredentials } =
  await import('../src/credentials.js')
const { ActionError } = await import('../src/errors.js')
const { cancelledBy } = await import('../src/engine/deadline.js')

const REGION = 'eu-west-1'
const SOURCE_ROLE = 'arn:aws:iam::111111111111:role/source-role'
const DESTINATION_ROLE = 'arn:aws:iam::222222222222:role/destination-role'
const SECOND_SOURCE_ROLE = 'arn:aws:iam::111111111111:role/other-role'
const FAILING_ACCOUNT = '555555555555'
const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
}

/** Roles of the failing account that STS refuses for what they are (see 'STS errors'). */
const FAILING_ROLES: RoleFixture[] = [
  { name: 'failing-AccessDenied', subjectPattern: 'repo:someone-else/*' },
  { name: 'failing-ValidationError', maxSessionDuration: 1800 },
  ...['InvalidIdentityToken', 'IDPRejectedClaim', 'ExpiredTokenException'].map((code) => ({
    name: `failing-${code}`,
  })),
]

function fixture(): Fixture<ResourceFixture> {
  const account = (id: string, roles: string[]) => ({
    id,
    name: `account-${id}`,
    roles: roles.map((name) => ({ name })),
  })
  return {
    region: REGION,
    accounts: [
      account('111111111111', ['source-role', 'other-role']),
      account('222222222222', ['destination-role']),
      {
        id: '444444444444',
        name: 'ci',
        staticCredentials: [{ accessKeyId: 'AKIAAMBIENT', secretAccessKey: 'ambient-secret' }],
      },
      { id: FAILING_ACCOUNT, name: 'failing', roles: FAILING_ROLES },
    ],
    resources: {},
  }
}

function settingsFor(endpoint: string, overrides: Partial<Settings> = {}): Settings {
  return testSettings({
    region: REGION,
    timeoutMinutes: 350,
    pollIntervalSeconds: 10,
    endpointUrl: endpoint,
    run: { runAttempt: '2', workflow: 'refresh' },
    ...overrides,
  })
}

/** STS sessions live an hour, as AWS issues them. */
let sts: Simulator
/** How many requests and sessions each world had served when the current test began. */
const marks = new Map<Simulator, { requests: number; sessions: number }>()
const savedEnv = { ...process.env }

beforeAll(async () => {
  sts = await startSimulator({ fixture: fixture() })
})
afterAll(async () => {
  await sts.close()
})

beforeEach(() => {
  marks.set(sts, { requests: sts.requests.length, sessions: sts.sessions().length })
  issuer = sts
  events.length = 0
  jest.clearAllMocks()
  getIDToken.mockImplementation(mintToken)
  // No ambient credentials unless a test sets them, and never the instance metadata service.
  for (const name of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ]) {
    delete process.env[name]
  }
  process.env.AWS_EC2_METADATA_DISABLED = 'true'
})
afterEach(() => {
  process.env = { ...savedEnv }
  sts.setFaults({})
})

/** STS calls of this test (token requests to the OIDC stand-in left out). */
const stsCalls = (world: Simulator = sts) =>
  world.requests.slice(marks.get(world)?.requests).filter((r) => r.service === 'sts')
const assumeCalls = (world?: Simulator) =>
  stsCalls(world).filter((c) => c.operation === 'AssumeRoleWithWebIdentity')
const identityCalls = (world?: Simulator) =>
  stsCalls(world).filter((c) => c.operation === 'GetCallerIdentity')
/** Sessions STS issued during this test. */
const issued = (world: Simulator = sts) => world.sessions().slice(marks.get(world)?.sessions)
const tokenOf = (call: { input: Readonly<Record<string, unknown>> }) =>
  String(call.input.WebIdentityToken)
const audienceOf = (token: string) =>
  (
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      aud?: string
    }
  ).aud
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const logLines = () => events.filter((e) => e.kind !== 'setSecret').map((e) => e.value)

/** Stops `Date.now` (the simulator's, the SDK's and the action's) until the test moves it. */
async function withFrozenClock(test: (advance: (ms: number) => void) => Promise<void>) {
  let now = Date.now()
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => now)
  try {
    await test((ms) => {
      now += ms
    })
  } finally {
    spy.mockRestore()
  }
}

describe('openAccounts with two roles', () => {
  it('assumes each role straight from a fresh OIDC token and confirms both accounts', async () => {
    const accounts = await openAccounts(
      settingsFor(sts.url, {
        sourceRoleArn: SOURCE_ROLE,
        destinationRoleArn: DESTINATION_ROLE,
      }),
      { env: OIDC_ENV },
    )

    expect(accounts.source).toMatchObject({
      role: 'source',
      accountId: '111111111111',
      callerArn: 'arn:aws:sts::111111111111:assumed-role/source-role/rds-refresh-42',
      roleArn: SOURCE_ROLE,
    })
    expect(accounts.destination).toMatchObject({
      role: 'destination',
      accountId: '222222222222',
      roleArn: DESTINATION_ROLE,
    })
    expect(accounts.sameAccount).toBe(false)
    expect(accounts.source.clients).not.toBe(accounts.destination.clients)

    expect(getIDToken).toHaveBeenCalledTimes(2)
    expect(getIDToken).toHaveBeenCalledWith('sts.amazonaws.com')
    const assumed = assumeCalls()
    expect(assumed.map((c) => c.input.RoleArn).sort()).toEqual([SOURCE_ROLE, DESTINATION_ROLE])
    for (const call of assumed) {
      expect(call.input).toMatchObject({
        RoleSessionName: 'rds-refresh-42',
        DurationSeconds: 3600,
      })
      expect(audienceOf(tokenOf(call))).toBe('sts.amazonaws.com')
      // Straight from OIDC: the assumption is unsigned, never made with other credentials.
      expect(call.accessKeyId).toBeUndefined()
    }
    expect(new Set(assumed.map(tokenOf)).size).toBe(2)

    // Each account is confirmed with its own session's keys.
    const signers = identityCalls().map((c) => c.accessKeyId)
    expect(signers.sort()).toEqual(
      issued()
        .map((c) => c.accessKeyId)
        .sort(),
    )
    expect(logLines()).toContain(
      'Source account: 111111111111 (arn:aws:sts::111111111111:assumed-role/source-role/rds-refresh-42)',
    )
    expect(logLines()).toContain(
      'Destination account: 222222222222 (arn:aws:sts::222222222222:assumed-role/destination-role/rds-refresh-42)',
    )
  })

  it('masks the token and every credential value before any later log line, and never logs them', async () => {
    await openAccounts(
      settingsFor(sts.url, {
        sourceRoleArn: SOURCE_ROLE,
        destinationRoleArn: DESTINATION_ROLE,
      }),
      { env: OIDC_ENV },
    )
    expect(issued()).toHaveLength(2)
    const secrets = events.filter((e) => e.kind === 'setSecret').map((e) => e.value)
    for (const call of assumeCalls()) expect(secrets).toContain(tokenOf(call))
    for (const credentials of issued()) {
      const roleArn = `arn:aws:iam::${credentials.account}:role/${credentials.roleName}`
      const values = [
        credentials.accessKeyId,
        credentials.secretAccessKey,
        credentials.sessionToken,
      ]
      const maskedAt = values.map((value) =>
        events.findIndex((e) => e.kind === 'setSecret' && e.value === value),
      )
      expect(maskedAt.every((index) => index >= 0)).toBe(true)
      // The log line announcing this assumption comes after all three values were masked.
      const announcedAt = events.findIndex(
        (e) => e.kind === 'info' && e.value.startsWith(`Assumed role ${roleArn} `),
      )
      expect(announcedAt).toBeGreaterThan(Math.max(...maskedAt))
      // And no log line before the masking follows the token of this assumption.
      const call = assumeCalls().find((c) => c.input.RoleArn === roleArn)
      const tokenMaskedAt = events.findIndex(
        (e) => e.kind === 'setSecret' && call !== undefined && e.value === tokenOf(call),
      )
      const logsBetween = events
        .slice(tokenMaskedAt, Math.max(...maskedAt))
        .filter((e) => e.kind !== 'setSecret' && e.value.includes(roleArn))
      expect(logsBetween).toEqual([])
    }
    const everySecret = [
      ...issued().flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
      ...assumeCalls().map(tokenOf),
    ]
    for (const line of logLines()) {
      for (const secret of everySecret) expect(line).not.toContain(secret)
    }
    const announcement = logLines().find((line) => line.startsWith(`Assumed role ${SOURCE_ROLE}`))
    expect(announcement).toMatch(
      /^Assumed role arn:aws:iam::111111111111:role\/source-role for the source account \(session rds-refresh-42\), valid until \d{4}-\d\d-\d\dT/,
    )
  })

  it('reports two roles in the same account as the same account, with separate sessions', async () => {
    const accounts = await openAccounts(
      settingsFor(sts.url, {
        sourceRoleArn: SOURCE_ROLE,
        destinationRoleArn: SECOND_SOURCE_ROLE,
      }),
      { env: OIDC_ENV },
    )
    expect(accounts.sameAccount).toBe(true)
    expect(accounts.source.clients).not.toBe(accounts.destination.clients)
    expect(assumeCalls()).toHaveLength(2)
  })
})

describe('shared and ambient credentials', () => {
  it('shares one provider and one set of clients when the roles are equal', async () => {
    const accounts = await openAccounts(
      settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE, destinationRoleArn: SOURCE_ROLE }),
      { env: OIDC_ENV },
    )
    expect(accounts.destination.clients).toBe(accounts.source.clients)
    expect(accounts.sameAccount).toBe(true)
    expect(accounts.destination).toMatchObject({ role: 'destination', accountId: '111111111111' })
    expect(assumeCalls()).toHaveLength(1)
    expect(identityCalls()).toHaveLength(1)
    expect(logLines()).toContain(
      'Destination account: 111111111111 (arn:aws:sts::111111111111:assumed-role/source-role/rds-refresh-42)',
    )
    // Every client of the account uses the one cached session: no new assumption for RDS or KMS.
    const rdsKeys = await accounts.source.clients.rds.config.credentials()
    const kmsKeys = await accounts.destination.clients.kms.config.credentials()
    expect(rdsKeys.accessKeyId).toBe(issued()[0]?.accessKeyId)
    expect(kmsKeys.accessKeyId).toBe(issued()[0]?.accessKeyId)
    expect(assumeCalls()).toHaveLength(1)
  })

  it('defaults the destination role to the source role', async () => {
    const accounts = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: OIDC_ENV,
    })
    expect(accounts.destination.clients).toBe(accounts.source.clients)
    expect(accounts.destination.roleArn).toBe(SOURCE_ROLE)
    expect(assumeCalls()).toHaveLength(1)
  })

  it('uses the SDK default chain when no role is set, without any OIDC environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAAMBIENT'
    process.env.AWS_SECRET_ACCESS_KEY = 'ambient-secret'
    const accounts = await openAccounts(settingsFor(sts.url), { env: {} })
    expect(getIDToken).not.toHaveBeenCalled()
    expect(assumeCalls()).toHaveLength(0)
    expect(identityCalls().map((c) => c.accessKeyId)).toEqual(['AKIAAMBIENT'])
    expect(accounts.source).toMatchObject({ accountId: '444444444444', roleArn: undefined })
    expect(accounts.destination.clients).toBe(accounts.source.clients)
    expect(accounts.sameAccount).toBe(true)
    expect(logLines()).toContain('Source account: 444444444444 (arn:aws:iam::444444444444:user/ci)')
  })

  it('explains unusable ambient credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAUNKNOWN'
    process.env.AWS_SECRET_ACCESS_KEY = 'unknown-secret'
    const error = await openAccounts(settingsFor(sts.url), { env: {} }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect(error).toMatchObject({
      code: 'InvalidClientTokenId',
      resource: 'ambient credentials',
      side: 'source',
    })
    expect((error as Error).message).toContain(
      'Could not confirm the source and destination account identity (sts:GetCallerIdentity)',
    )
    expect((error as Error).message).toContain('The ambient credentials are expired or invalid.')
    expect((error as Error).message).toContain('Set source-role-arn')
  })
})

describe('refresh', () => {
  it('returns credentials with their expiration and mints a new token for every assumption', async () => {
    const minted: string[] = []
    const injected = jest.fn(async (audience: string) => {
      minted.push(await mintToken(audience))
      return minted.at(-1) ?? ''
    })
    const provider = webIdentityCredentials({
      sides: ['source'],
      roleArn: SOURCE_ROLE,
      audience: 'sts.amazonaws.com',
      roleSessionName: 'rds-refresh-42',
      durationSeconds: 3600,
      repository: 'acme/app',
      clientConfig: {
        region: 'eu-west-1',
        endpoint: sts.url,
        maxAttempts: 1,
        userAgent: { repository: 'acme/app', runId: '42', runAttempt: '2' },
      },
      getIDToken: injected,
    })
    const before = Date.now()
    const credentials = await provider()
    const after = Date.now()
    expect(credentials.accessKeyId).toBe(issued()[0]?.accessKeyId)
    expect(credentials.expiration).toBeInstanceOf(Date)
    // An hour from when STS answered, however long the call took.
    const expiration = credentials.expiration?.getTime() ?? 0
    expect(expiration).toBeGreaterThan(before + 3590_000)
    expect(expiration).toBeLessThanOrEqual(after + 3601_000)
    expect(injected).toHaveBeenCalledWith('sts.amazonaws.com')
    expect(getIDToken).not.toHaveBeenCalled()
    expect(assumeCalls().map(tokenOf)).toEqual(minted)
    expect(assumeCalls()[0]?.userAgent).toMatch(/rds-refresh/)
    // Fresh for an hour: asking again reuses the session.
    await provider()
    expect(assumeCalls()).toHaveLength(1)
  })

  it('re-assumes with a fresh OIDC token when a client needs credentials that are about to expire', async () => {
    // Hour-long sessions, renewed in their last 5 minutes (the SDK's window). The clock stands
    // still between the calls, so nothing depends on how fast the machine is.
    await withFrozenClock(async (advance) => {
      const accounts = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
        env: OIDC_ENV,
      })
      expect(assumeCalls()).toHaveLength(1)
      // Still fresh: no new assumption for the next call.
      await accounts.source.clients.sts.send(new GetCallerIdentityCommand({}))
      expect(assumeCalls()).toHaveLength(1)

      advance(56 * 60_000)
      await accounts.source.clients.sts.send(new GetCallerIdentityCommand({}))
      advance(56 * 60_000)
      await accounts.destination.clients.sts.send(new GetCallerIdentityCommand({}))
    })

    expect(assumeCalls()).toHaveLength(3)
    expect(getIDToken).toHaveBeenCalledTimes(3)
    expect(new Set(assumeCalls().map(tokenOf)).size).toBe(3)
    // Each call is signed with the session current at the time.
    const [first, second, third] = issued().map((c) => c.accessKeyId)
    expect(identityCalls().map((c) => c.accessKeyId)).toEqual([first, first, second, third])
    // Every refresh is masked too.
    const secrets = events.filter((e) => e.kind === 'setSecret').map((e) => e.value)
    for (const c of issued()) {
      expect(secrets).toEqual(
        expect.arrayContaining([c.accessKeyId, c.secretAccessKey, c.sessionToken]),
      )
    }
    expect(
      logLines().filter((line) => line.startsWith(`Assumed role ${SOURCE_ROLE}`)),
    ).toHaveLength(3)
  })

  it('lets concurrent callers share one assumption', async () => {
    const accounts = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: OIDC_ENV,
    })
    const { rds, ram, kms } = accounts.source.clients
    // forceRefresh makes all three ask the provider at once.
    await Promise.all([
      rds.config.credentials({ forceRefresh: true }),
      ram.config.credentials({ forceRefresh: true }),
      kms.config.credentials({ forceRefresh: true }),
    ])
    expect(assumeCalls()).toHaveLength(2)
  })
})

describe('shareCredentials', () => {
  it('renews an hour-long session only inside the last 5 minutes, like the SDK', async () => {
    const start = Date.now()
    const now = jest.spyOn(Date, 'now').mockReturnValue(start)
    try {
      let n = 0
      const assume = jest.fn(async () => ({
        accessKeyId: `AKID${++n}`,
        secretAccessKey: 'secret',
        expiration: new Date(Date.now() + 3600_000),
      }))
      const provider = shareCredentials(assume)
      expect((await provider()).accessKeyId).toBe('AKID1')
      now.mockReturnValue(start + 54 * 60_000) // 6 minutes left
      expect((await provider()).accessKeyId).toBe('AKID1')
      now.mockReturnValue(start + 55 * 60_000 + 1000) // 4:59 left
      expect((await provider()).accessKeyId).toBe('AKID2')
      expect(assume).toHaveBeenCalledTimes(2)
    } finally {
      now.mockRestore()
    }
  })

  it('keeps the last session when a renewal fails, and tries again on the next call', async () => {
    const assume = jest
      .fn<() => Promise<{ accessKeyId: string; secretAccessKey: string }>>()
      .mockRejectedValueOnce(new Error('STS down'))
      .mockResolvedValueOnce({ accessKeyId: 'AKID', secretAccessKey: 'secret' })
    const provider = shareCredentials(assume)
    await expect(provider()).rejects.toThrow('STS down')
    expect((await provider()).accessKeyId).toBe('AKID')
    // No expiration: never renewed.
    expect((await provider()).accessKeyId).toBe('AKID')
    expect(assume).toHaveBeenCalledTimes(2)
  })
})

describe('OIDC environment', () => {
  it('fails before any call when the job has no id-token permission', async () => {
    const error = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: {},
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    const message = (error as Error).message
    expect(message).toContain(
      'cannot request a GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set',
    )
    expect(message).toContain('Add `permissions: id-token: write` to the job (or the workflow)')
    expect(message).toContain('Pull requests from forks never get an OIDC token')
    expect(message).toContain('`pull_request_target` must not be used to get one')
    expect(message).toContain('ambient credentials')
    expect(stsCalls()).toHaveLength(0)
    expect(getIDToken).not.toHaveBeenCalled()
  })

  it('names the one variable that is missing', () => {
    expect(() =>
      requireOidcEnvironment({ ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/t' }),
    ).toThrow('ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set')
    expect(() => requireOidcEnvironment(OIDC_ENV)).not.toThrow()
  })

  it('describes a failure to mint the token', async () => {
    getIDToken.mockRejectedValueOnce(new Error('Failed to get ID Token. Error Code : 403'))
    const error = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: OIDC_ENV,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain(
      `Could not get a GitHub OIDC token (audience sts.amazonaws.com) to assume ${SOURCE_ROLE}: Failed to get ID Token. Error Code : 403`,
    )
    expect((error as Error).message).toContain('permissions: id-token: write')
    expect(assumeCalls()).toHaveLength(0)
  })
})

describe('a token endpoint that never answers', () => {
  const never = () => new Promise<string>(() => undefined)

  it('gives up after the token timeout, says so, and calls no AWS API', async () => {
    getIDToken.mockImplementationOnce(never)
    const error = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: OIDC_ENV,
      tokenTimeoutMs: 50,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain(
      `Could not get a GitHub OIDC token (audience sts.amazonaws.com) to assume ${SOURCE_ROLE}: the GitHub OIDC token endpoint did not answer within 0.05 s`,
    )
    expect((error as Error).message).toContain('githubstatus.com')
    expect(stsCalls()).toHaveLength(0)
  })

  it('gives up on a re-mint the same way: the call that needed fresh credentials fails', async () => {
    // An hour-long session, renewed in its last 5 minutes; the second token never comes.
    let error: unknown
    await withFrozenClock(async (advance) => {
      // The first token is at hand (minted beforehand, valid while the clock stands still), so
      // only the second one meets the 50 ms timeout, however slow the machine.
      const first = await mintToken('sts.amazonaws.com')
      getIDToken.mockImplementationOnce(async () => first).mockImplementationOnce(never)
      const accounts = await openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
        env: OIDC_ENV,
        tokenTimeoutMs: 50,
      })
      advance(56 * 60_000)
      error = await accounts.source.clients.sts
        .send(new GetCallerIdentityCommand({}))
        .catch((e: unknown) => e)
    })
    expect((error as Error).message).toContain('did not answer within 0.05 s')
    expect(getIDToken).toHaveBeenCalledTimes(2)
  })

  it('stops waiting as soon as the run stops, with the stop as the reason', async () => {
    getIDToken.mockImplementationOnce(never)
    const controller = new AbortController()
    const stop = cancelledBy('SIGTERM')
    const opening = openAccounts(settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE }), {
      env: OIDC_ENV,
      signal: controller.signal,
    }).catch((e: unknown) => e)
    await pause(20)
    controller.abort(stop)
    expect(await opening).toBe(stop)
    expect(stsCalls()).toHaveLength(0)
  })
})

describe('STS errors', () => {
  const cases = [
    {
      code: 'InvalidIdentityToken',
      status: 400,
      injected: true,
      message:
        'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com',
      expectCode: 'InvalidIdentityTokenException',
      hint: 'trust policy',
    },
    {
      // The role trusts another repository's subject (see FAILING_ROLES).
      code: 'AccessDenied',
      status: 403,
      injected: false,
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      expectCode: 'AccessDenied',
      hint: 'trust policy',
    },
    {
      code: 'IDPRejectedClaim',
      status: 403,
      injected: true,
      message: 'Token audience is not allowed',
      expectCode: 'IDPRejectedClaimException',
      hint: 'trust policy',
    },
    {
      // The role's MaxSessionDuration is 1800 (see FAILING_ROLES).
      code: 'ValidationError',
      status: 400,
      injected: false,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      expectCode: 'ValidationError',
      hint: "The role's MaximumSessionDuration is lower than role-duration-seconds (3600)",
    },
    {
      code: 'ExpiredTokenException',
      status: 400,
      injected: true,
      message:
        'Token expired: current date/time 1700000400 must be before the expiration date/time 1700000300',
      expectCode: 'ExpiredTokenException',
      hint: "The job's GitHub OIDC token expired before STS accepted it: re-run the job.",
    },
  ]

  it.each(cases)('$code: names side, role, code, message and hint', async (testCase) => {
    const failing = `arn:aws:iam::${FAILING_ACCOUNT}:role/failing-${testCase.code}`
    if (testCase.injected) {
      sts.setFaults({
        failCalls: [
          {
            operation: 'AssumeRoleWithWebIdentity',
            code: testCase.code,
            message: testCase.message,
            status: testCase.status,
            input: { RoleArn: failing },
          },
        ],
      })
    }
    const error = await openAccounts(
      settingsFor(sts.url, { sourceRoleArn: SOURCE_ROLE, destinationRoleArn: failing }),
      { env: OIDC_ENV },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect(error).toMatchObject({
      code: testCase.expectCode,
      resource: failing,
      side: 'destination',
      awsMessage: testCase.message,
    })
    const message = (error as Error).message
    expect(message).toContain(
      `Could not assume role ${failing} with the GitHub OIDC token for the destination account`,
    )
    expect(message).toContain(`${testCase.expectCode}: ${testCase.message.replace(/\.$/, '')}`)
    expect(message).toContain(testCase.hint)
    if (testCase.hint === 'trust policy') {
      expect(message).toContain(
        'token.actions.githubusercontent.com must exist in account 555555555555',
      )
      expect(message).toContain(`aud must be "sts.amazonaws.com" (the audience input)`)
      expect(message).toContain('sub must match repo:acme/app:')
    }
  })
})
