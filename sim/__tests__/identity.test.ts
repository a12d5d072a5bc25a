import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds'
import type { Simulator } from '../src/index.ts'
import {
  clientConfig,
  destination,
  destinationKeys,
  region,
  source,
  sourceKeys,
  start,
} from './helpers.ts'

let sim: Simulator
beforeAll(async () => {
  sim = await start()
})
afterAll(() => sim.close())

async function rdsError(
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  clientRegion = region,
) {
  const client = new RDSClient({ ...clientConfig(sim, credentials), region: clientRegion })
  try {
    return await client.send(new DescribeDBClustersCommand({})).catch((e: unknown) => e)
  } finally {
    client.destroy()
  }
}

describe('SigV4 identity', () => {
  it('resolves the calling account from the access key', async () => {
    for (const [keys, account] of [
      [sourceKeys, source],
      [destinationKeys, destination],
    ] as const) {
      const client = new RDSClient(clientConfig(sim, keys))
      const out = await client.send(new DescribeDBClustersCommand({}))
      expect(out.DBClusters?.[0]?.TagList?.[0]?.Value).toBe(`${account} <&> "x"`)
      expect(sim.requests.at(-1)).toMatchObject({ account, accessKeyId: keys.accessKeyId })
      client.destroy()
    }
  })

  it('answers InvalidClientTokenId (403) for an unknown key', async () => {
    const error = await rdsError({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' })
    expect(error).toMatchObject({
      name: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    })
    expect(sim.requests.at(-1)).toMatchObject({
      service: 'rds',
      operation: 'DescribeDBClusters',
      errorCode: 'InvalidClientTokenId',
    })
  })

  it('answers SignatureDoesNotMatch (403) when the SDK signs with the wrong secret', async () => {
    const error = await rdsError({ ...sourceKeys, secretAccessKey: 'not-the-secret' })
    expect(error).toMatchObject({
      name: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('answers SignatureDoesNotMatch when the body differs from what was signed', async () => {
    const { signRequest } = await import('../src/sigv4.ts')
    const body = 'Action=DescribeDBClusters&Version=2014-10-31'
    const headers = signRequest({
      method: 'POST',
      url: `${sim.url}/`,
      headers: {},
      body,
      credentials: sourceKeys,
      region,
      service: 'rds',
    })
    delete headers['x-amz-content-sha256']
    const response = await fetch(`${sim.url}/`, {
      method: 'POST',
      headers,
      body: `${body}&MaxRecords=20`,
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
  })

  it('refuses a credential scope for another region (cross-region is out of scope)', async () => {
    const error = await rdsError(sourceKeys, 'us-east-1')
    expect(error).toMatchObject({
      name: 'SignatureDoesNotMatch',
      message: "Credential should be scoped to a valid region, not 'us-east-1'. ",
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('answers MissingAuthenticationToken (403) for an unsigned RDS request', async () => {
    const response = await fetch(`${sim.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=DescribeDBClusters&Version=2014-10-31',
    })
    expect(response.status).toBe(403)
    const text = await response.text()
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>')
    expect(text).toContain('xmlns="http://rds.amazonaws.com/doc/2014-10-31/"')
  })

  it('answers with the JSON family codes on KMS', async () => {
    const unknown = new KMSClient(
      clientConfig(sim, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }),
    )
    expect(
      await unknown.send(new DescribeKeyCommand({ KeyId: 'k' })).catch((e: unknown) => e),
    ).toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    })
    unknown.destroy()
    const wrong = new KMSClient(clientConfig(sim, { ...sourceKeys, secretAccessKey: 'nope' }))
    expect(
      await wrong.send(new DescribeKeyCommand({ KeyId: 'k' })).catch((e: unknown) => e),
    ).toMatchObject({
      name: 'InvalidSignatureException',
    })
    wrong.destroy()
  })

  it('requires the session token of temporary credentials', async () => {
    const sts = await import('@aws-sdk/client-sts')
    const client = new sts.STSClient({ region, endpoint: sim.url, maxAttempts: 1 })
    const url = `${sim.oidc.requestUrl}&audience=sts.amazonaws.com`
    const { value } = (await (
      await fetch(url, { headers: { authorization: `Bearer ${sim.oidc.requestToken}` } })
    ).json()) as { value: string }
    const out = await client.send(
      new sts.AssumeRoleWithWebIdentityCommand({
        RoleArn: `arn:aws:iam::${source}:role/refresh-source`,
        RoleSessionName: 'no-token',
        WebIdentityToken: value,
      }),
    )
    client.destroy()
    const error = await rdsError({
      accessKeyId: out.Credentials?.AccessKeyId as string,
      secretAccessKey: out.Credentials?.SecretAccessKey as string,
    })
    expect(error).toMatchObject({
      name: 'InvalidClientTokenId',
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('answers MissingAuthenticationTokenException for an unsigned RAM request', async () => {
    const response = await fetch(`${sim.url}/getresourceshares`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceOwner: 'SELF' }),
    })
    expect(response.status).toBe(403)
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' })
  })

  it('refuses a service it does not simulate', async () => {
    const { signRequest } = await import('../src/sigv4.ts')
    const body = 'Action=DescribeInstances&Version=2016-11-15'
    const headers = signRequest({
      method: 'POST',
      url: `${sim.url}/`,
      headers: {},
      body,
      credentials: sourceKeys,
      region,
      service: 'ec2',
    })
    const response = await fetch(`${sim.url}/`, { method: 'POST', headers, body })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('<Code>UnknownService</Code>')
  })
})
