/**
 * The simulator's IAM: identity-policy evaluation, and refusals as each protocol carries them to
 * the real SDK clients.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms'
import { GetResourceSharesCommand, RAMClient } from '@aws-sdk/client-ram'
import { DeleteDBClusterCommand, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds'
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { productionFixture, SOURCE_KEY_ARN, SOURCE_ROLE_ARN } from '../fixtures/production.ts'
import { IAM_DIR } from '../fixtures/shipped-iam.ts'
import { startSimulator, type Simulator } from '../src/index.ts'
import { evaluate, type NamedPolicy, type PolicyStatement } from '../src/iam/policy.ts'

const policy = (...Statement: PolicyStatement[]): NamedPolicy[] => [
  { name: 'test.json', document: { Version: '2012-10-17', Statement } },
]

describe('evaluate', () => {
  const request = {
    action: 'rds:DeleteDBCluster',
    resource: 'arn:aws:rds:us-east-1:222222222222:cluster:pr-1',
    context: { 'aws:ResourceTag/rds-refresh:managed': 'true' },
  }

  it('allows by wildcard action and resource, and names the statement and pattern', () => {
    const decision = evaluate(
      policy({
        Sid: 'A',
        Effect: 'Allow',
        Action: 'rds:Delete*',
        Resource: 'arn:aws:rds:*:*:cluster:*',
      }),
      request,
    )
    expect(decision).toEqual({
      effect: 'allow',
      matches: [{ policy: 'test.json', statement: 'A', pattern: 'rds:Delete*' }],
    })
  })

  it('an explicit Deny wins over any Allow; no statement is an implicit deny', () => {
    const allow: PolicyStatement = { Effect: 'Allow', Action: '*', Resource: '*' }
    const deny: PolicyStatement = { Sid: 'D', Effect: 'Deny', Action: 'rds:*', Resource: '*' }
    expect(evaluate(policy(allow, deny), request).effect).toBe('deny')
    expect(evaluate(policy(), request).effect).toBe('implicit-deny')
    expect(
      evaluate(policy({ Effect: 'Allow', NotAction: 'rds:Delete*', Resource: '*' }), request)
        .effect,
    ).toBe('implicit-deny')
  })

  it('conditions: tags, a missing key, Null, Bool and StringLike', () => {
    const managed = { StringEquals: { 'aws:ResourceTag/rds-refresh:managed': 'true' } }
    const statement = (Condition: PolicyStatement['Condition']): NamedPolicy[] =>
      policy({ Effect: 'Allow', Action: 'rds:DeleteDBCluster', Resource: '*', Condition })
    expect(evaluate(statement(managed), request).effect).toBe('allow')
    expect(evaluate(statement(managed), { ...request, context: {} }).effect).toBe('implicit-deny')
    const untagged = { Null: { 'aws:ResourceTag/rds-refresh:managed': 'true' } }
    expect(evaluate(statement(untagged), { ...request, context: {} }).effect).toBe('allow')
    const viaRds = {
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
      StringLike: { 'kms:ViaService': 'rds.*.amazonaws.com' },
    }
    const grant = {
      action: 'kms:CreateGrant',
      resource: SOURCE_KEY_ARN,
      context: {
        'kms:GrantIsForAWSResource': 'true',
        'kms:ViaService': 'rds.us-east-1.amazonaws.com',
      },
    }
    const kms = policy({
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: viaRds,
    })
    expect(evaluate(kms, grant).effect).toBe('allow')
    expect(
      evaluate(kms, { ...grant, context: { 'kms:ViaService': 'ec2.amazonaws.com' } }).effect,
    ).toBe('implicit-deny')
  })
})

describe('the shipped trust policies', () => {
  it.each(['trust-source.json', 'trust-destination.json'])(
    '%s trusts GitHub OIDC for sts.amazonaws.com and the given sub only',
    (file) => {
      const document = JSON.parse(readFileSync(join(IAM_DIR, file), 'utf8')) as {
        Statement: (PolicyStatement & { Principal: { Federated: string } })[]
      }
      const [statement] = document.Statement
      expect(statement?.Principal.Federated).toMatch(
        /^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
      )
      const trust = policy({ ...(statement as PolicyStatement), Resource: '*' })
      const ask = (sub: string, aud = 'sts.amazonaws.com') =>
        evaluate(trust, {
          action: 'sts:AssumeRoleWithWebIdentity',
          resource: '*',
          context: {
            'token.actions.githubusercontent.com:aud': aud,
            'token.actions.githubusercontent.com:sub': sub,
          },
        }).effect
      expect(ask('repo:acme/app:environment:production')).toBe('allow')
      expect(ask('repo:acme/app:environment:production', 'https://github.com/acme')).toBe(
        'implicit-deny',
      )
      expect(ask('repo:evil/app:environment:production')).toBe('implicit-deny')
    },
  )
})

describe('refusals over the wire', () => {
  let sim: Simulator | undefined
  afterEach(async () => {
    await sim?.close()
    sim = undefined
  })

  /** Credentials of a source role session, as the action gets them. */
  async function sourceSession(s: Simulator) {
    const response = await fetch(`${s.oidc.requestUrl}&audience=sts.amazonaws.com`, {
      headers: { authorization: `Bearer ${s.oidc.requestToken}` },
    })
    const { value } = (await response.json()) as { value: string }
    const sts = new STSClient({ region: s.region, endpoint: s.url })
    const out = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: SOURCE_ROLE_ARN,
        RoleSessionName: 'test',
        WebIdentityToken: value,
      }),
    )
    sts.destroy()
    const c = out.Credentials
    const config = {
      region: s.region,
      endpoint: s.url,
      maxAttempts: 1,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    }
    return { rds: new RDSClient(config), kms: new KMSClient(config), ram: new RAMClient(config) }
  }

  async function failure(promise: Promise<unknown>) {
    try {
      await promise
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } }
      return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode }
    }
    throw new Error('expected the call to fail')
  }

  it('RDS AccessDenied 403, KMS and RAM AccessDeniedException, each naming action and resource', async () => {
    sim = await startSimulator({ fixture: productionFixture() })
    sim.iam.setRolePolicies(
      SOURCE_ROLE_ARN,
      policy({ Sid: 'Read', Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }),
    )
    const clients = await sourceSession(sim)
    const principal = 'arn:aws:sts::111111111111:assumed-role/rds-refresh-source/test'
    await clients.rds.send(new DescribeDBClustersCommand({}))
    expect(sim.iam.usage.at(-1)).toMatchObject({
      action: 'rds:DescribeDBClusters',
      allowedBy: [{ policy: 'test.json', statement: 'Read', pattern: 'rds:Describe*' }],
    })
    const cluster = 'arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora'
    expect(
      await failure(
        clients.rds.send(
          new DeleteDBClusterCommand({
            DBClusterIdentifier: 'prod-aurora',
            SkipFinalSnapshot: true,
          }),
        ),
      ),
    ).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${principal} is not authorized to perform: rds:DeleteDBCluster on resource: ${cluster} because no identity-based policy allows the rds:DeleteDBCluster action`,
    })
    expect(
      await failure(clients.kms.send(new DescribeKeyCommand({ KeyId: SOURCE_KEY_ARN }))),
    ).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${principal} is not authorized to perform: kms:DescribeKey on resource: ${SOURCE_KEY_ARN} because no identity-based policy allows the kms:DescribeKey action`,
    })
    expect(
      await failure(clients.ram.send(new GetResourceSharesCommand({ resourceOwner: 'SELF' }))),
    ).toMatchObject({
      name: 'AccessDeniedException',
      status: 403,
    })
    expect(sim.requests.filter((r) => r.errorCode !== undefined).map((r) => r.errorCode)).toEqual([
      'AccessDenied',
      'AccessDeniedException',
      'AccessDeniedException',
    ])
    for (const client of Object.values(clients)) client.destroy()
  })

  it('a tag condition allows only managed resources; an explicit deny names itself', async () => {
    sim = await startSimulator({ fixture: productionFixture() })
    sim.iam.setRolePolicies(
      SOURCE_ROLE_ARN,
      policy(
        {
          Effect: 'Allow',
          Action: 'rds:DeleteDBCluster',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/rds-refresh:managed': 'true' } },
        },
        { Effect: 'Deny', Action: 'rds:DescribeDBClusters', Resource: '*' },
      ),
    )
    const clients = await sourceSession(sim)
    const denied = await failure(
      clients.rds.send(
        new DeleteDBClusterCommand({ DBClusterIdentifier: 'prod-aurora', SkipFinalSnapshot: true }),
      ),
    )
    expect(denied.message).toContain(
      'because no identity-based policy allows the rds:DeleteDBCluster action',
    )
    const explicit = await failure(clients.rds.send(new DescribeDBClustersCommand({})))
    expect(explicit.message).toContain(
      'rds:DescribeDBClusters on resource: * with an explicit deny in an identity-based policy',
    )
    expect(sim.iam.denials.map((d) => [d.action, d.explicit])).toEqual([
      ['rds:DeleteDBCluster', false],
      ['rds:DescribeDBClusters', true],
    ])
    for (const client of Object.values(clients)) client.destroy()
  })
})
