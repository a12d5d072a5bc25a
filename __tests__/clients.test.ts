import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { startFakeSts, type FakeSts } from '../__fixtures__/fake-sts.js'
import {
  buildUserAgent,
  createClients,
  sanitizeUserAgentValue,
  type ClientOptions,
} from '../src/aws/clients.js'

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
      expect(client.config.retryMode).toBe('standard')
      expect(await client.config.maxAttempts()).toBe(7)
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
  let sts: FakeSts
  beforeAll(async () => {
    sts = await startFakeSts({
      staticKeys: {
        AKIATEST: { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/ci' },
      },
    })
  })
  afterAll(() => sts.close())

  it('names the action, repository and run in every request', async () => {
    const { sts: client } = createClients(options({ endpoint: sts.endpoint }))
    const answer = await client.send(new GetCallerIdentityCommand({}))
    expect(answer.Account).toBe('111111111111')
    expect(sts.calls).toHaveLength(1)
    expect(sts.calls[0]?.userAgent).toMatch(/ rds-refresh md\/repo#acme_app md\/run#42-2$/)
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
