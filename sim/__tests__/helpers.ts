/** Shared test world: two accounts with roles and static keys, and small fake service handlers. */
import { AwsError, type Fixture, type ServiceEnv, type ServiceHandlers } from '../src/core/types.ts'
import { signRequest } from '../src/sigv4.ts'
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/index.ts'
import type { ResourceFixture } from '../src/services/fixture.ts'
import type { Services } from '../src/services/index.ts'

export const region = 'eu-west-1'
export const source = '111111111111'
export const destination = '222222222222'
export const sourceKeys = {
  accessKeyId: 'AKIASOURCE0000000001',
  secretAccessKey: 'source-secret-key-0000000000000000000001',
}
export const destinationKeys = {
  accessKeyId: 'AKIADEST000000000001',
  secretAccessKey: 'destination-secret-000000000000000000001',
}

export const fixture: Fixture<ResourceFixture> = {
  region,
  accounts: [
    {
      id: source,
      name: 'prod',
      roles: [
        { name: 'refresh-source', subjectPattern: 'repo:acme/app:*', maxSessionDuration: 7200 },
      ],
      staticCredentials: [sourceKeys],
    },
    {
      id: destination,
      name: 'staging',
      roles: [
        {
          name: 'refresh-destination',
          audience: 'sts.amazonaws.com',
          subjectPattern: 'repo:acme/app:ref:refs/heads/main',
        },
        { name: 'chained' },
      ],
      staticCredentials: [destinationKeys],
    },
  ],
  resources: {},
}

export const created = new Date('2026-01-02T03:04:05.678Z')

/** RDS: enough to exercise lists, nested structures, timestamps, booleans, errors. */
const rds: ServiceHandlers = {
  DescribeDBClusters: (ctx) => ({
    DBClusters: [
      {
        DBClusterIdentifier: (ctx.input.DBClusterIdentifier as string | undefined) ?? 'app',
        Status: 'available',
        Port: 5432,
        StorageEncrypted: true,
        DeletionProtection: false,
        ClusterCreateTime: created,
        DBClusterMembers: [
          { DBInstanceIdentifier: 'app-1', IsClusterWriter: true },
          { DBInstanceIdentifier: 'app-2', IsClusterWriter: false },
        ],
        VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 4 },
        TagList: [{ Key: 'owner', Value: `${ctx.account} <&> "x"` }],
      },
    ],
  }),
  CreateDBCluster: (ctx) => ({
    DBCluster: {
      DBClusterIdentifier: ctx.input.DBClusterIdentifier,
      VpcSecurityGroups: ((ctx.input.VpcSecurityGroupIds as string[] | undefined) ?? []).map(
        (id) => ({
          VpcSecurityGroupId: id,
          Status: 'active',
        }),
      ),
      TagList: ctx.input.Tags,
      DeletionProtection: ctx.input.DeletionProtection,
      Port: ctx.input.Port,
    },
  }),
  DeleteDBSnapshot: (ctx) => {
    throw new AwsError(
      'DBSnapshotNotFound',
      `DBSnapshot ${String(ctx.input.DBSnapshotIdentifier)} not found.`,
      404,
    )
  },
  DeleteDBCluster: () => {
    // A handler naming the error by its shape: the transport puts the wire code and status on it.
    throw new AwsError('DBClusterNotFoundFault', 'DBCluster x not found.')
  },
}

const kms: ServiceHandlers = {
  DescribeKey: (ctx) => ({
    KeyMetadata: {
      KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
      Arn: `arn:aws:kms:${region}:${ctx.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      AWSAccountId: ctx.account,
      CreationDate: created,
      Enabled: true,
      KeyManager: 'CUSTOMER',
    },
  }),
  CreateGrant: () => {
    throw new AwsError('NotFoundException', 'Key not found')
  },
}

const ram: ServiceHandlers = {
  CreateResourceShare: (ctx) => ({
    resourceShare: {
      name: ctx.input.name,
      resourceShareArn: `arn:aws:ram:${region}:${ctx.account}:resource-share/abc`,
      owningAccountId: ctx.account,
      allowExternalPrincipals: ctx.input.allowExternalPrincipals,
      status: 'ACTIVE',
      creationTime: created,
      tags: ctx.input.tags,
    },
    clientToken: ctx.input.clientToken,
  }),
  DeleteResourceShare: (ctx) => ({
    returnValue:
      ctx.input.resourceShareArn === 'arn:aws:ram:eu-west-1:111111111111:resource-share/abc',
  }),
  AcceptResourceShareInvitation: () => {
    throw new AwsError('ResourceShareInvitationArnNotFoundException', 'not found')
  },
}

export function fakeServices(_env: ServiceEnv): Services {
  return {
    handlers: { rds, kms, ram },
    kms: {
      resolveKey: () => undefined,
      canUse: () => false,
      awsManagedRdsKey: () => {
        throw new Error('unused')
      },
      delegatesToIdentity: () => true,
    },
    ram: { isSharedWith: () => false, tagsOf: () => undefined },
    iam: {
      tagsOf: () => undefined,
      keyOf: () => undefined,
      secretsManagerKeyArn: (account) => `arn:aws:kms:us-east-1:${account}:key/secretsmanager`,
      resolveKey: () => undefined,
    },
    seed: () => undefined,
    inventory: (account) => ({ 'db-cluster': [account] }),
  }
}

/** Starts a simulator on the fake services. */
export function start(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return startSimulator({ fixture, services: fakeServices, ...options })
}

/** SDK client config for the simulator with the given keys, no retries unless asked. */
export function clientConfig(
  sim: Simulator,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = sourceKeys,
  maxAttempts = 1,
) {
  return { region, endpoint: sim.url, credentials, maxAttempts }
}

/** POSTs a body to the simulator, signed for `service` with `credentials` (default: source keys). */
export async function sendSigned(
  sim: Simulator,
  service: string,
  body: string,
  options: {
    headers?: Record<string, string>
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
    signRegion?: string
    path?: string
    method?: string
  } = {},
) {
  const url = `${sim.url}${options.path ?? '/'}`
  const method = options.method ?? 'POST'
  const headers = signRequest({
    method,
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body,
    credentials: options.credentials ?? sourceKeys,
    region: options.signRegion ?? region,
    service,
  })
  const response = await fetch(url, {
    method,
    headers,
    ...(method === 'GET' || method === 'DELETE' ? {} : { body }),
  })
  return { status: response.status, text: await response.text(), headers: response.headers }
}
