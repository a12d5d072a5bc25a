/**
 * The Aurora clone through the runner interface (`node dist/index.js`) against the simulator:
 * same-account and cross-account clones (with and without an invitation), a re-run that reuses
 * the share, parallel instances, Serverless v2, the password modes and if-exists: reuse.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { ACCOUNTS, allText, KEYS, runAction, startWorld, type Simulator } from './harness.ts'
import {
  added,
  errorLine,
  inputOf,
  inventoryOf,
  operations,
  partnerInputs,
  sameAccountInputs,
  SOURCE_ARN,
  stagingInputs,
  withClusters,
} from './clone-world.ts'

let sim: Simulator | undefined
afterEach(async () => {
  await sim?.close()
  sim = undefined
})

async function world(options?: Parameters<typeof startWorld>[0]): Promise<Simulator> {
  sim = await startWorld(options)
  return sim
}

function shareArns(s: Simulator): string[] {
  return (
    s
      .inventory(ACCOUNTS.production)
      ['resource-shares']?.map(
        (share) => (share as { resourceShareArn: string }).resourceShareArn,
      ) ?? []
  )
}

describe('same-account clone', () => {
  it('clones without sharing, adds the instance, manages the password in Secrets Manager and sets every output', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({ sim: s, inputs: sameAccountInputs('pr-same') })
    expect(run.exitCode).toBe(0)

    const cluster = s
      .inventory(ACCOUNTS.production)
      ['db-clusters']?.find(
        (c) => (c as { DBClusterIdentifier: string }).DBClusterIdentifier === 'pr-same',
      ) as { Endpoint: string; ReaderEndpoint: string; MasterUserSecret: { SecretArn: string } }
    expect(run.outputs).toEqual({
      'source-account-id': ACCOUNTS.production,
      'destination-account-id': ACCOUNTS.production,
      'cluster-identifier': 'pr-same',
      'cluster-arn': `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:pr-same`,
      'db-identifier': 'pr-same',
      'db-arn': `arn:aws:rds:us-east-1:${ACCOUNTS.production}:cluster:pr-same`,
      endpoint: cluster.Endpoint,
      'reader-endpoint': cluster.ReaderEndpoint,
      port: '5432',
      engine: 'aurora-postgresql',
      'engine-version': '16.4',
      'master-username': 'postgres',
      'master-user-secret-arn': cluster.MasterUserSecret.SecretArn,
      'db-instance-identifiers': 'pr-same-1',
      method: 'clone',
      created: 'true',
      'duration-seconds': run.outputs['duration-seconds'],
    })
    expect(cluster.Endpoint).toMatch(/^pr-same\.cluster-\w+\.us-east-1\.rds\.amazonaws\.com$/)

    const ops = operations(s)
    expect(ops.filter((o) => o.startsWith('ram:'))).toEqual([])
    const restore = inputOf(s, 'RestoreDBClusterToPointInTime')
    expect(restore).toMatchObject({
      DBClusterIdentifier: 'pr-same',
      SourceDBClusterIdentifier: SOURCE_ARN,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      DeletionProtection: false,
    })
    expect(Object.keys(restore ?? {}).filter((k) => /Performance|Monitoring/.test(k))).toEqual([])
    expect(inputOf(s, 'CreateDBInstance')).toMatchObject({
      DBInstanceIdentifier: 'pr-same-1',
      DBClusterIdentifier: 'pr-same',
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-postgresql',
    })
    expect(inputOf(s, 'ModifyDBCluster')).toEqual({
      DBClusterIdentifier: 'pr-same',
      ApplyImmediately: true,
      ManageMasterUserPassword: true,
    })
    expect(run.summary).toContain('clone-cluster')
    expect(run.summary).toContain('create-instances')
    expect(added(s, before)).toEqual({
      [ACCOUNTS.production]: { 'db-clusters': ['pr-same'], 'db-instances': ['pr-same-1'] },
    })
    expect(run.post?.log).toContain('Nothing to clean up')
  })
})

describe('cross-account clone', () => {
  it('inside one organization: shares, needs no invitation, clones into the staging placement', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-staging'),
        'db-subnet-group': 'staging-db',
        'vpc-security-group-ids': 'sg-05a9e00000000000a,sg-05a9e00000000000b',
        'db-cluster-parameter-group': 'staging-aurora-pg16',
        'db-parameter-group': 'default.aurora-postgresql16',
      },
    })
    expect(errorLine(run.log)).toBe('')
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({
      'source-account-id': ACCOUNTS.production,
      'destination-account-id': ACCOUNTS.staging,
      'cluster-identifier': 'pr-staging',
      method: 'clone',
      created: 'true',
    })
    expect(run.log).toContain('No invitation for this share')
    expect(operations(s, 0, ACCOUNTS.production)).toContain('ram:CreateResourceShare')
    expect(operations(s, 0, ACCOUNTS.staging)).not.toContain('ram:AcceptResourceShareInvitation')
    expect(inputOf(s, 'CreateResourceShare')).toMatchObject({
      name: 'rds-refresh-prod-aurora-to-222222222222',
      resourceArns: [SOURCE_ARN],
      principals: [ACCOUNTS.staging],
    })
    expect(inputOf(s, 'RestoreDBClusterToPointInTime')).toMatchObject({
      SourceDBClusterIdentifier: SOURCE_ARN,
      KmsKeyId: KEYS.staging,
      DBSubnetGroupName: 'staging-db',
      VpcSecurityGroupIds: ['sg-05a9e00000000000a', 'sg-05a9e00000000000b'],
      DBClusterParameterGroupName: 'staging-aurora-pg16',
    })
    const shares = shareArns(s)
    expect(shares).toHaveLength(1)
    expect(added(s, before)).toEqual({
      [ACCOUNTS.production]: { 'resource-shares': shares },
      [ACCOUNTS.staging]: { 'db-clusters': ['pr-staging'], 'db-instances': ['pr-staging-1'] },
    })
    expect(run.log).toContain('It is kept after the run')
  })

  it('outside the organization: accepts the invitation in the destination account', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({ sim: s, inputs: partnerInputs('pr-partner') })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['destination-account-id']).toBe(ACCOUNTS.partner)
    const partnerOps = operations(s, 0, ACCOUNTS.partner)
    expect(partnerOps).toContain('ram:AcceptResourceShareInvitation')
    expect(partnerOps.indexOf('ram:AcceptResourceShareInvitation')).toBeLessThan(
      partnerOps.indexOf('rds:RestoreDBClusterToPointInTime'),
    )
    expect(run.log).toMatch(
      /Accepted invitation arn:aws:ram:us-east-1:111111111111:resource-share-invitation\//,
    )
    const invitations = s.inventory(ACCOUNTS.partner)['resource-share-invitations'] as {
      resourceShareInvitationArn: string
      status: string
    }[]
    expect(invitations.map((i) => i.status)).toEqual(['ACCEPTED'])
    const shares = shareArns(s)
    expect(added(s, before)).toEqual({
      [ACCOUNTS.production]: {
        'resource-shares': shares,
        'resource-share-invitations': invitations.map((i) => i.resourceShareInvitationArn),
      },
      [ACCOUNTS.partner]: {
        'db-clusters': ['pr-partner'],
        'db-instances': ['pr-partner-1'],
        'resource-share-invitations': invitations.map((i) => i.resourceShareInvitationArn),
      },
    })
  })

  it('a re-run after a failure reuses the share and the accepted invitation', async () => {
    const s = await world({
      scenario: {
        faults: {
          failCalls: [
            {
              operation: 'RestoreDBClusterToPointInTime',
              code: 'InsufficientDBClusterCapacityFault',
              message: 'Cannot create a cluster: no capacity.',
              status: 403,
              times: 1,
            },
          ],
        },
      },
    })
    const first = await runAction({ sim: s, inputs: partnerInputs('pr-rerun') })
    expect(first.exitCode).toBe(1)
    expect(errorLine(first.log)).toContain('Could not clone prod-aurora into pr-rerun')
    expect(errorLine(first.log)).toContain('InsufficientDBClusterCapacityFault')
    expect(shareArns(s)).toHaveLength(1)

    const from = s.requests.length
    const second = await runAction({ sim: s, inputs: partnerInputs('pr-rerun') })
    expect(second.exitCode).toBe(0)
    const ops = operations(s, from)
    expect(ops).not.toContain('ram:CreateResourceShare')
    expect(ops).not.toContain('ram:AcceptResourceShareInvitation')
    expect(ops).toContain('rds:RestoreDBClusterToPointInTime')
    expect(second.log).toMatch(/Reusing resource share rds-refresh-prod-aurora-to-333333333333/)
    expect(second.log).toContain('was already accepted')
    expect(shareArns(s)).toHaveLength(1)
  })
})

describe('a re-run of the same attempt after the job died', () => {
  const clusterIds = (s: Simulator): string[] =>
    (s.inventory(ACCOUNTS.staging)['db-clusters'] ?? []).map(
      (c) => (c as { DBClusterIdentifier: string }).DBClusterIdentifier,
    )
  const count = (s: Simulator, operation: string, from = 0): number =>
    s.requests.slice(from).filter((r) => r.operation === operation && !r.errorCode).length

  it('continues the cluster the first try made (proven by its tags); another attempt does not adopt it', async () => {
    const s = await world()
    // The job dies right after AWS accepted the clone: no post step, the cluster stays.
    const first = await runAction({
      sim: s,
      inputs: stagingInputs('pr-again'),
      post: false,
      cancelWhen: () => count(s, 'RestoreDBClusterToPointInTime') > 0,
    })
    expect(first.exitCode).not.toBe(0)
    expect(clusterIds(s)).toContain('pr-again')

    // A new attempt of the workflow run has other run tags: the cluster is not its own.
    const fromOther = s.requests.length
    const other = await runAction({
      sim: s,
      inputs: stagingInputs('pr-again'),
      env: { GITHUB_RUN_ATTEMPT: '2' },
      post: false,
    })
    expect(other.exitCode).toBe(1)
    expect(errorLine(other.log)).toContain('Target pr-again already exists')
    expect(count(s, 'RestoreDBClusterToPointInTime', fromOther)).toBe(0)
    expect(operations(s, fromOther).filter((o) => /:(Modify|Delete|Create)/.test(o))).toEqual([])

    // The same attempt again: its tags prove the cluster is this run's, so the run continues it.
    const from = s.requests.length
    const again = await runAction({ sim: s, inputs: stagingInputs('pr-again') })
    expect(again.exitCode).toBe(0)
    expect(again.log).toContain('still being built, and its tags prove this run made it')
    expect(again.log).toContain(
      '[clone-cluster] DB cluster pr-again already exists and its tags prove this run made it (an earlier try): adopting it',
    )
    expect(count(s, 'RestoreDBClusterToPointInTime', from)).toBe(0)
    expect(count(s, 'RestoreDBClusterToPointInTime')).toBe(1)
    expect(count(s, 'CreateDBInstance')).toBe(1)
    expect(again.outputs).toMatchObject({
      'cluster-identifier': 'pr-again',
      'db-instance-identifiers': 'pr-again-1',
      created: 'true',
    })
    expect(clusterIds(s).filter((id) => id.startsWith('pr-again'))).toEqual(['pr-again'])
  })
})

describe('method: full-copy', () => {
  it('in one account sends RestoreType=full-copy and reports method full-copy', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...sameAccountInputs('pr-full'), method: 'full-copy' },
    })
    expect(run.exitCode).toBe(0)
    expect(inputOf(s, 'RestoreDBClusterToPointInTime')?.RestoreType).toBe('full-copy')
    expect(run.outputs.method).toBe('full-copy')
  })
})

describe('instances', () => {
  it('creates instance-count 3 in parallel and waits for all', async () => {
    // An hour per instance (six real seconds): three creates sent side by side all land in it,
    // however loaded the machine, while three made one after another could not.
    const s = await world({ scenario: { durations: { instanceCreate: 3600 } } })
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-three'), 'instance-count': '3' },
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['db-instance-identifiers']).toBe('pr-three-1,pr-three-2,pr-three-3')
    const events = s.timeline.events.filter(
      (e) => e.resourceType === 'db-instance' && e.identifier.startsWith('pr-three-'),
    )
    const createdAt = events.filter((e) => e.status === 'created').map((e) => e.time)
    const firstAvailable = Math.min(
      ...events.filter((e) => e.status === 'available').map((e) => e.time),
    )
    expect(createdAt).toHaveLength(3)
    // All three exist before the first is ready: they were built side by side.
    expect(Math.max(...createdAt)).toBeLessThan(firstAvailable)
    const creates = s.requests.filter((r) => r.operation === 'CreateDBInstance')
    expect(creates.map((r) => r.input.DBInstanceIdentifier).sort()).toEqual([
      'pr-three-1',
      'pr-three-2',
      'pr-three-3',
    ])
    const lines = run.log.split('\n')
    const lastCreate = Math.max(
      ...['1', '2', '3'].map((i) =>
        lines.indexOf(`[create-instances] Creating DB instance pr-three-${i}`),
      ),
    )
    const firstReady = lines.findIndex((l) => /DB instance pr-three-\d: available/.test(l))
    expect(lastCreate).toBeGreaterThan(-1)
    expect(lastCreate).toBeLessThan(firstReady)
  })

  it('Serverless v2: the scaling is on the cluster before the db.serverless instance is added', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-sls'),
        'instance-class': 'db.serverless',
        'serverless-min-capacity': '0.5',
        'serverless-max-capacity': '4',
      },
    })
    expect(run.exitCode).toBe(0)
    expect(inputOf(s, 'RestoreDBClusterToPointInTime')?.ServerlessV2ScalingConfiguration).toEqual({
      MinCapacity: 0.5,
      MaxCapacity: 4,
    })
    expect(inputOf(s, 'CreateDBInstance')?.DBInstanceClass).toBe('db.serverless')
    const cluster = s.inventory(ACCOUNTS.staging)['db-clusters']?.[0] as {
      ServerlessV2ScalingConfiguration: unknown
    }
    expect(cluster.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0.5, MaxCapacity: 4 })
  })
})

describe('master-password', () => {
  it('generate: a random password set on the copy, masked first, never in outputs, summary or state', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-gen'), 'master-password': 'generate' },
    })
    expect(run.exitCode).toBe(0)
    const password = String(inputOf(s, 'ModifyDBCluster')?.MasterUserPassword ?? '')
    expect(password).toHaveLength(32)
    expect(password).not.toMatch(/[/"@ ]/)
    // The only line holding it is the mask command (its data escaped as @actions/core does),
    // which the runner consumes and never shows.
    const mask = `::add-mask::${password.replace(/%/g, '%25')}`
    expect(run.log.split('\n').filter((l) => l === mask)).toHaveLength(1)
    const rest = allText(run).replace(mask, '')
    expect(rest).not.toContain(password)
    expect(run.outputs['master-user-secret-arn']).toBeUndefined()
  })

  it('generate: waits until the password change is no longer pending before going on', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-wait'), 'master-password': 'generate' },
    })
    expect(run.exitCode).toBe(0)
    const events = s.timeline.events.filter(
      (e) => e.account === ACCOUNTS.staging && e.identifier === 'pr-wait',
    )
    const resetAt = events.find((e) => e.status === 'resetting-master-credentials')?.time
    // The change is pending (PendingModifiedValues.MasterUserPassword) until this moment.
    const appliedAt = events.find(
      (e) => e.status === 'available' && resetAt !== undefined && e.time > resetAt,
    )?.time
    expect(appliedAt).toBeDefined()
    const modify = s.requests.find((r) => r.operation === 'ModifyDBCluster')
    const reads = s.requests.filter(
      (r) =>
        r.operation === 'DescribeDBClusters' &&
        r.account === ACCOUNTS.staging &&
        modify !== undefined &&
        r.seq > modify.seq,
    )
    expect(reads.length).toBeGreaterThan(0)
    expect(Math.max(...reads.map((r) => r.time))).toBeGreaterThanOrEqual(appliedAt ?? Infinity)
  })

  it('keep: changes no password and warns', async () => {
    const s = await world()
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-keep'), 'master-password': 'keep' },
    })
    expect(run.exitCode).toBe(0)
    expect(operations(s)).not.toContain('rds:ModifyDBCluster')
    expect(run.log).toContain(
      "::warning title=rds-refresh%3A set-password::[set-password] master-password is keep: the copy still has the source database's master password.",
    )
  })
})

describe('if-exists', () => {
  it('reuse: the managed copy is reported as it is, created=false, with every output', async () => {
    const s = await world()
    const first = await runAction({ sim: s, inputs: stagingInputs('pr-reuse') })
    expect(first.exitCode).toBe(0)
    const before = inventoryOf(s)
    const from = s.requests.length
    const second = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-reuse'), 'if-exists': 'reuse' },
    })
    expect(second.exitCode).toBe(0)
    const withoutDuration = (outputs: Record<string, string>) =>
      Object.fromEntries(Object.entries(outputs).filter(([name]) => name !== 'duration-seconds'))
    expect(withoutDuration(second.outputs)).toEqual({
      ...withoutDuration(first.outputs),
      created: 'false',
    })
    const ops = operations(s, from)
    expect(
      ops.filter((o) => !/:(Describe|Get|ListTags|AssumeRole|GetCallerIdentity)/.test(o)),
    ).toEqual([])
    expect(added(s, before)).toEqual({})
  })

  it('fail (default): an existing target stops the run', async () => {
    const s = await world()
    expect((await runAction({ sim: s, inputs: stagingInputs('pr-twice') })).exitCode).toBe(0)
    const second = await runAction({ sim: s, inputs: stagingInputs('pr-twice') })
    expect(second.exitCode).toBe(1)
    expect(errorLine(second.log)).toContain(
      'Target pr-twice already exists in the destination account',
    )
  })

  it('reuse: a target this action does not manage is refused and left alone', async () => {
    const s = await world({
      fixture: withClusters(ACCOUNTS.staging, [
        {
          identifier: 'legacy-db',
          engine: 'aurora-postgresql',
          engineVersion: '16.4',
          masterUsername: 'postgres',
          instances: [{ identifier: 'legacy-db-1', instanceClass: 'db.r6g.large' }],
        },
      ]),
    })
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('legacy-db'), 'if-exists': 'reuse' },
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      'Target legacy-db exists but was not created by rds-refresh (no rds-refresh:managed=true tag), so it is left untouched',
    )
    expect(added(s, before)).toEqual({})
  })
})
