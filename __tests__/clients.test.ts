import { afterEach, describe, expect, it } from '@jest/globals'
import { ListAliasesCommand } from '@aws-sdk/client-kms'
import { GetResourceSharesCommand } from '@aws-sdk/client-ram'
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import {
  buildUserAgent,
  createClients,
  HTTP_TIMEOUTS,
  sanitizeUserAgentValue,
  type AwsClients,
  type ClientOptions,
} from '../src/aws/clients.js'
import { ThrottlingTolerantRetryStrategy } from '../src/aws/retry.js'
import { deadlinePassed } from '../src/engine/deadline.js'
import { region as simRegion, sourceKeys, start } from '../sim/__tests__/helpers.ts'
import type { Simulator } from '../sim/src/index.ts'

const userAgent = { repository: 'acme/app', runId: '42', runAttempt: '2' }
const staticKeys = async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' })

function options(overrides: Partial<ClientOptions> = {}): ClientOptions {
  return {
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4566',
    credentials: staticKeys,
    maxAttempts: 7,
    userAgent,
    ...overrides,
  }
}

describe('createClients', () => {
  it('configures region, retries and user agent on all four clients', async () => {
    const clients = createClients(options())
    expect(Object.keys(clients).sort()).toEqual(['kms', 'ram', 'rds', 'sts'])
    for (const client of Object.values(clients)) {
      expect(await client.config.region()).toBe('eu-west-1')
      const strategy = await client.config.retryStrategy()
      expect(strategy).toBeInstanceOf(ThrottlingTolerantRetryStrategy)
      expect(strategy.mode).toBe('standard')
      expect(client.config.customUserAgent).toEqual([
        ['rds-refresh'],
        ['md/repo', 'acme_app'],
        ['md/run', '42-2'],
      ])
    }
  })

  it('sends every client, STS included, to the endpoint', async () => {
    const clients = createClients(options({ endpoint: 'http://127.0.0.1:4566/base' }))
    for (const client of Object.values(clients)) {
      const endpoint = await client.config.endpoint?.()
      expect(endpoint).toMatchObject({
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 4566,
        path: '/base',
      })
    }
  })

  it('leaves the endpoint to the SDK when none is set', () => {
    const clients = createClients(options({ endpoint: undefined }))
    for (const client of Object.values(clients)) {
      expect(client.config.endpoint).toBeUndefined()
    }
  })

  it('shares the given credentials provider with every client', async () => {
    const clients = createClients(options())
    for (const client of Object.values(clients)) {
      expect((await client.config.credentials()).accessKeyId).toBe('AKIATEST')
    }
  })

  it('uses the default chain when no credentials are given', async () => {
    const saved = { ...process.env }
    process.env.AWS_ACCESS_KEY_ID = 'AKIAFROMENV'
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret'
    process.env.AWS_EC2_METADATA_DISABLED = 'true'
    try {
      const clients = createClients(options({ credentials: undefined }))
      expect((await clients.rds.config.credentials()).accessKeyId).toBe('AKIAFROMENV')
    } finally {
      process.env = saved
    }
  })
})

describe('user agent on the wire', () => {
  it('names the action, repository and run in every request', async () => {
    const world = await start()
    const { sts } = createClients(
      options({ region: simRegion, endpoint: world.url, credentials: async () => sourceKeys }),
    )
    try {
      const answer = await sts.send(new GetCallerIdentityCommand({}))
      expect(answer.Account).toBe('111111111111')
      expect(world.requests).toHaveLength(1)
      expect(world.requests[0]?.userAgent).toMatch(/ rds-refresh md\/repo#acme_app md\/run#42-2$/)
    } finally {
      sts.destroy()
      await world.close()
    }
  })
})

describe('user agent values', () => {
  it('replaces characters the SDK would escape', () => {
    expect(sanitizeUserAgentValue('acme/app')).toBe('acme_app')
    expect(sanitizeUserAgentValue('my org/app name (x)')).toBe('my_org_app_name__x_')
    expect(sanitizeUserAgentValue("a.b-c_d~e|f'g#1")).toBe("a.b-c_d~e|f'g#1")
    expect(sanitizeUserAgentValue('')).toBe('unknown')
  })

  it('builds the structured user agent from the run', () => {
    expect(buildUserAgent({ repository: 'o/r', runId: '1', runAttempt: '3' })).toEqual([
      ['rds-refresh'],
      ['md/repo', 'o_r'],
      ['md/run', '1-3'],
    ])
  })
})

describe('timeouts and the run signal on the wire', () => {
  let sim: Simulator | undefined
  let clients: AwsClients | undefined
  afterEach(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy()
    clients = undefined
    await sim?.close()
    sim = undefined
  })

  const hangGetCallerIdentity = (times?: number) =>
    start({
      scenario: {
        faults: {
          networkFaults: [
            { kind: 'hang', operation: 'GetCallerIdentity', ...(times && { times }) },
          ],
        },
      },
    })
  const simOptions = (world: Simulator, overrides: Partial<ClientOptions> = {}) =>
    options({
      region: simRegion,
      endpoint: world.url,
      credentials: async () => sourceKeys,
      maxAttempts: 3,
      ...overrides,
    })
  const faults = (world: Simulator) => world.requests.map((r) => r.fault)

  it('gives up on an attempt that gets no answer, and the SDK retries it', async () => {
    const world = await hangGetCallerIdentity(1)
    sim = world
    clients = createClients(
      simOptions(world, { timeouts: { connectionMs: 5_000, requestMs: 300 } }),
    )
    const answer = await clients.sts.send(new GetCallerIdentityCommand({}))
    expect(answer.Account).toBe('111111111111')
    expect(answer.$metadata.attempts).toBe(2)
    expect(faults(world)).toEqual(['hang', undefined])
  })

  it('uses the documented timeouts by default, as errors rather than warnings', async () => {
    const world = await start()
    sim = world
    const built = createClients(simOptions(world))
    clients = built
    // A handler reads its configuration on its first request; answers do not matter here.
    await Promise.allSettled([
      built.rds.send(new DescribeDBClustersCommand({})),
      built.ram.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' })),
      built.kms.send(new ListAliasesCommand({})),
      built.sts.send(new GetCallerIdentityCommand({})),
    ])
    for (const client of Object.values(built)) {
      expect(client.config.requestHandler.httpHandlerConfigs()).toMatchObject({
        connectionTimeout: HTTP_TIMEOUTS.connectionMs,
        requestTimeout: HTTP_TIMEOUTS.requestMs,
        throwOnRequestTimeout: true,
      })
    }
    expect(HTTP_TIMEOUTS).toEqual({ connectionMs: 10_000, requestMs: 60_000 })
  })

  it("the run's signal aborts a call in flight, with the stop as its cause, and it is not retried", async () => {
    const world = await hangGetCallerIdentity()
    sim = world
    const controller = new AbortController()
    clients = createClients(simOptions(world, { signal: controller.signal }))
    const call = clients.sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)
    while (world.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const stop = deadlinePassed('deadline-minutes (1)')
    controller.abort(stop)
    const error = await call
    expect(error).toMatchObject({ name: 'AbortError', cause: stop })
    expect(faults(world)).toEqual(['hang'])
    // A stopped run sends nothing more.
    await expect(clients.rds.send(new DescribeDBClustersCommand({}))).rejects.toMatchObject({
      name: 'AbortError',
    })
    expect(world.requests).toHaveLength(1)
  })

  it("a call's own abort signal still works next to the run's", async () => {
    const world = await hangGetCallerIdentity()
    sim = world
    clients = createClients(simOptions(world, { signal: new AbortController().signal }))
    const own = new AbortController()
    const call = clients.sts
      .send(new GetCallerIdentityCommand({}), { abortSignal: own.signal })
      .catch((e: unknown) => e)
    while (world.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    own.abort()
    expect(await call).toMatchObject({ name: 'AbortError' })
  })
})
