/**
 * Every error a user can meet with the Aurora clone, through the runner interface against the
 * simulator: the message and hint, and that nothing is left beyond what the run should keep.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { RDSClient, RestoreDBClusterToPointInTimeCommand } from '@aws-sdk/client-rds'
import {
  ACCOUNTS,
  editedPolicies,
  KEYS,
  ROLE_ARNS,
  runAction,
  startWorld,
  type Simulator,
} from './harness.ts'
import {
  added,
  errorLine,
  inventoryOf,
  operations,
  partnerInputs,
  stagingInputs,
  withClusters,
  withTestKeys,
  TEST_KEYS,
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

type FailCall = {
  operation: string
  code: string
  message?: string
  status?: number
  times?: number
  account?: string
}

function failing(...failCalls: FailCall[]) {
  return { scenario: { faults: { failCalls } } }
}

function shareArns(s: Simulator): string[] {
  return (s.inventory(ACCOUNTS.production)['resource-shares'] ?? []).map(
    (share) => (share as { resourceShareArn: string }).resourceShareArn,
  )
}

/** Nothing created at all: the pre-flight refused before any create call. */
function expectNothingCreated(s: Simulator, before: ReturnType<typeof inventoryOf>): void {
  expect(added(s, before)).toEqual({})
  expect(operations(s).filter((o) => /:(Create|Restore|Modify|Accept)/.test(o))).toEqual([])
}

describe('refused before anything is created', () => {
  it('source not found (or not visible to the source role)', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), source: 'prod-missing' },
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      'Source prod-missing was not found as a DB cluster or DB instance',
    )
    expectNothingCreated(s, before)
  })

  it('an encrypted source under aws/rds cannot be cloned across accounts', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), source: 'prod-aurora-default-key' },
    })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toMatch(
      /^Source prod-aurora-default-key is encrypted with the AWS-managed key aws\/rds \(arn:aws:kms:us-east-1:111111111111:key\/[\w-]+\), which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account 222222222222/,
    )
    expect(error).toContain('Re-encrypt with a customer-managed key')
    expect(error).toContain('--kms-key-id <key ARN>')
    expectNothingCreated(s, before)
  })

  it('an aws/rds source is still recognised when the source role may not describe the key', async () => {
    // A source role whose policy grants kms:ListAliases instead of the shipped kms:DescribeKey.
    const s = await world({
      iam: editedPolicies({
        role: ROLE_ARNS.source,
        remove: ['kms:DescribeKey'],
        add: ['kms:ListAliases'],
      }),
    })
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), source: 'prod-aurora-default-key' },
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain('is encrypted with the AWS-managed key aws/rds')
    expect(operations(s, 0, ACCOUNTS.production)).toEqual(
      expect.arrayContaining(['kms:DescribeKey', 'kms:ListAliases']),
    )
    expectNothingCreated(s, before)
  })

  it('kms-key-id is required for an encrypted source across accounts', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const { 'kms-key-id': _omitted, ...inputs } = stagingInputs('pr-x')
    expect(_omitted).toBe(KEYS.staging)
    const run = await runAction({ sim: s, inputs })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      'kms-key-id is required: source prod-aurora is encrypted (key arn:aws:kms:us-east-1:111111111111:key/',
    )
    expectNothingCreated(s, before)
  })

  it.each([
    [
      'a stopped source',
      { identifier: 'prod-stopped', status: 'stopped' as const, kmsKeyAlias: 'rds-prod' },
      'Source prod-stopped is stopped, and AWS clones only a running cluster',
    ],
    [
      'a source with no DB instance',
      { identifier: 'prod-headless', instances: [], kmsKeyAlias: 'rds-prod' },
      'Source prod-headless has no DB instance, and Aurora only clones a cluster with at least one',
    ],
    [
      'an unencrypted source with kms-key-id',
      { identifier: 'prod-plain' },
      'Source prod-plain is not encrypted, and AWS cannot restore or clone an unencrypted cluster into an encrypted one',
    ],
  ])('%s', async (_name, cluster, message) => {
    const s = await world({
      fixture: withClusters(ACCOUNTS.production, [
        {
          engine: 'aurora-postgresql',
          engineVersion: '16.4',
          masterUsername: 'postgres',
          instances: [{ identifier: `${cluster.identifier}-1`, instanceClass: 'db.r6g.large' }],
          ...cluster,
        },
      ]),
    })
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), source: cluster.identifier },
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(message)
    expectNothingCreated(s, before)
  })

  it('method: full-copy across accounts', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), method: 'full-copy' },
    })
    expect(run.exitCode).toBe(1)
    expect(errorLine(run.log)).toContain(
      'method: full-copy works only within one account: AWS restores a cluster shared from another account (prod-aurora) only as a copy-on-write clone',
    )
    expectNothingCreated(s, before)
  })

  it('a kms-key-id the destination account may not use', async () => {
    const s = await world()
    const before = inventoryOf(s)
    const run = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-x'),
        'kms-key-id': 'arn:aws:kms:us-east-1:333333333333:alias/rds-staging',
      },
      // The shipped destination policy names only its own account's and the source's keys.
      expectDenied: ['kms:DescribeKey'],
    })
    expect(run.exitCode).toBe(1)
    expect(s.iam.denials.map((d) => d.action)).toEqual(['kms:DescribeKey'])
    const error = errorLine(run.log)
    expect(error).toContain(
      'kms-key-id arn:aws:kms:us-east-1:333333333333:alias/rds-staging is not a KMS key the destination account 222222222222 can use',
    )
    expect(error).toContain('AccessDeniedException')
    expectNothingCreated(s, before)
  })

  it('one clone per destination account: method clone refuses, auto says why and relays instead', async () => {
    const s = await world()
    expect((await runAction({ sim: s, inputs: stagingInputs('pr-first') })).exitCode).toBe(0)

    const from = s.requests.length
    const explicit = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-second'), method: 'clone' },
    })
    expect(explicit.exitCode).toBe(1)
    expect(errorLine(explicit.log)).toContain(
      'AWS allows one cross-account clone of prod-aurora per destination account, and account 222222222222 already has pr-first',
    )
    // The relay needs the destination placement named (it never falls back to default groups):
    // without it the fallback stops before creating anything, saying which inputs to set.
    const unplaced = await runAction({
      sim: s,
      inputs: {
        ...stagingInputs('pr-second'),
        'db-subnet-group': '',
        'vpc-security-group-ids': '',
      },
    })
    expect(unplaced.exitCode).toBe(1)
    expect(errorLine(unplaced.log)).toContain('db-subnet-group')
    expect(operations(s, from)).not.toContain('rds:CreateDBClusterSnapshot')
    const auto = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-second'), ...STAGING_PLACEMENT },
    })
    expect(auto.log).toContain(
      '::warning title=rds-refresh%3A pre-flight::AWS allows one cross-account clone of prod-aurora per destination account, and account 222222222222 already has pr-first. method is auto, so the snapshot relay is used instead.',
    )
    expect(auto.log).toContain('Method: relay')
    expectRelayed(auto, operations(s, from))
  })
})

describe('AWS errors during the run', () => {
  it('source not shared: DBClusterNotFoundFault on the clone names both causes', async () => {
    const s = await world(
      failing({
        operation: 'RestoreDBClusterToPointInTime',
        code: 'DBClusterNotFoundFault',
        message: 'DBCluster arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora not found.',
        status: 404,
      }),
    )
    const run = await runAction({ sim: s, inputs: stagingInputs('pr-x') })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain(
      'Could not clone prod-aurora into pr-x: the destination account 222222222222 cannot see the source cluster arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora (AWS answers the same for a cluster that does not exist and one not shared with the caller)',
    )
    expect(error).toContain('DBClusterNotFoundFault')
    expect(error).toMatch(/Check that resource share arn:aws:ram:/)
  })

  it.each([
    ['ResourceShareInvitationAlreadyRejectedException', 'rejected'],
    ['ResourceShareInvitationExpiredException', 'not accepted in time and has expired'],
  ])('invitation %s', async (code, words) => {
    const s = await world(
      failing({
        operation: 'AcceptResourceShareInvitation',
        code,
        message: `The invitation ${words}.`,
      }),
    )
    const before = inventoryOf(s)
    const run = await runAction({ sim: s, inputs: partnerInputs('pr-x') })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toMatch(
      new RegExp(
        `^The invitation to resource share arn:aws:ram:us-east-1:111111111111:resource-share/[\\w-]+ was ${words} in the destination account 333333333333, so the source cluster is not shared with it`,
      ),
    )
    expect(error).toContain('aws ram delete-resource-share --resource-share-arn')
    expect(operations(s)).not.toContain('rds:RestoreDBClusterToPointInTime')
    const shares = shareArns(s)
    expect(added(s, before)).toEqual({
      [ACCOUNTS.production]: {
        'resource-shares': shares,
        'resource-share-invitations': expect.any(Array),
      },
      [ACCOUNTS.partner]: { 'resource-share-invitations': expect.any(Array) },
    })
  })

  it('KMS key not accessible: a key RDS refuses at the clone is named with the fix', async () => {
    const s = await world(
      failing({
        operation: 'RestoreDBClusterToPointInTime',
        code: 'KMSKeyNotAccessibleFault',
        message: 'The specified KMS key is not accessible.',
        status: 400,
      }),
    )
    const run = await runAction({ sim: s, inputs: stagingInputs('pr-x') })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain(
      'Could not clone prod-aurora into pr-x: a KMS key is not usable by the destination account',
    )
    expect(error).toContain('KMSKeyNotAccessibleFault')
    expect(s.inventory(ACCOUNTS.staging)['db-clusters']).toEqual([])
  })

  it('quota exceeded: DBClusterQuotaExceededFault', async () => {
    const s = await world({
      fixture: (fixture) => {
        const rds = fixture.resources.rds
        if (!rds) return fixture
        return {
          ...fixture,
          resources: {
            ...fixture.resources,
            rds: {
              ...rds,
              accounts: rds.accounts.map((a) =>
                a.account === ACCOUNTS.staging ? { ...a, quotas: { clusters: 0 } } : a,
              ),
            },
          },
        }
      },
    })
    const run = await runAction({ sim: s, inputs: stagingInputs('pr-x') })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain('Could not clone prod-aurora into pr-x')
    expect(error).toContain('DBClusterQuotaExceededFault')
    expect(error).toContain('The account reached its DB cluster quota')
  })

  it('insufficient capacity for the instance class: the half-made copy is removed by the post step', async () => {
    const s = await world(
      failing({
        operation: 'CreateDBInstance',
        code: 'InsufficientDBInstanceCapacity',
        message: 'Cannot create a db.r6g.large instance: insufficient capacity.',
      }),
    )
    const before = inventoryOf(s)
    const run = await runAction({ sim: s, inputs: stagingInputs('pr-x') })
    expect(run.exitCode).toBe(1)
    const error = errorLine(run.log)
    expect(error).toContain(
      'Could not create DB instance pr-x-1 (db.r6g.large) in pr-x: AWS has no capacity for db.r6g.large right now',
    )
    expect(error).toContain('try another instance-class')
    expect(operations(s)).toContain('rds:DeleteDBCluster')
    // After the post step: the failed copy is gone (or going); only the kept share remains.
    const left = added(s, before)
    expect(left[ACCOUNTS.production]).toEqual({ 'resource-shares': shareArns(s) })
    const clusters = (s.inventory(ACCOUNTS.staging)['db-clusters'] ?? []) as { Status: string }[]
    expect(clusters.every((c) => c.Status === 'deleting' || c.Status === 'deleted')).toBe(true)
  })

  it.each(['cloning-failed', 'inaccessible-encryption-credentials'])(
    'a clone that goes into %s fails at once',
    async (status) => {
      const s = await world({
        scenario: {
          faults: { resourceFailures: [{ operation: 'RestoreDBClusterToPointInTime', status }] },
        },
      })
      const run = await runAction({
        sim: s,
        inputs: { ...stagingInputs('pr-x'), 'deadline-minutes': '300' },
      })
      expect(run.exitCode).toBe(1)
      expect(errorLine(run.log)).toContain(`DB cluster pr-x went into status '${status}'`)
      // Seconds, not the 300-minute time limit.
      expect(run.durationMs).toBeLessThan(20_000)
      expect(operations(s)).not.toContain('rds:CreateDBInstance')
      // The post step removes the failed copy (it was recorded the moment the restore returned).
      expect(operations(s)).toContain('rds:DeleteDBCluster')
    },
  )
})

describe('copy-on-write clone limit', () => {
  /** Existing clones of prod-aurora in the source account, made with the SDK before the run. */
  async function withExistingClones(count: number): Promise<Simulator> {
    const s = await world({ fixture: withTestKeys })
    const rds = new RDSClient({
      region: s.region,
      endpoint: s.url,
      credentials: TEST_KEYS,
      maxAttempts: 1,
    })
    for (let i = 1; i <= count; i += 1) {
      await rds.send(
        new RestoreDBClusterToPointInTimeCommand({
          DBClusterIdentifier: `dev-${i}`,
          SourceDBClusterIdentifier: 'prod-aurora',
          RestoreType: 'copy-on-write',
          UseLatestRestorableTime: true,
        }),
      )
    }
    rds.destroy()
    return s
  }

  it('warns when the source is near the limit and still clones', async () => {
    const s = await withExistingClones(12)
    const run = await runAction({ sim: s, inputs: stagingInputs('pr-x') })
    expect(run.exitCode).toBe(0)
    expect(run.log).toContain(
      '::warning title=rds-refresh%3A pre-flight::Source prod-aurora already has 12 clones these roles can see (AWS allows 15 copy-on-write clones; past that a clone becomes a slow full copy).',
    )
  })

  it('at the limit: method clone refuses; auto says why and takes the relay', async () => {
    const s = await withExistingClones(15)
    const from = s.requests.length
    const explicit = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), method: 'clone' },
    })
    expect(explicit.exitCode).toBe(1)
    expect(errorLine(explicit.log)).toContain(
      'Source prod-aurora already has 15 clones these roles can see; AWS allows 15 copy-on-write clones, and the next "clone" would silently be a full copy taking hours',
    )
    const auto = await runAction({
      sim: s,
      inputs: { ...stagingInputs('pr-x'), ...STAGING_PLACEMENT },
    })
    expect(auto.log).toContain('method is auto, so the snapshot relay is used instead.')
    expect(auto.log).toContain('Method: relay')
    expectRelayed(auto, operations(s, from))
  })
})

const STAGING_PLACEMENT = {
  'db-subnet-group': 'staging-db',
  'vpc-security-group-ids': 'sg-05a9e00000000000a',
}

/** The run took the Aurora snapshot relay to the end instead of cloning. */
function expectRelayed(
  run: { exitCode: number; outputs: Record<string, string> },
  ops: string[],
): void {
  expect(run.exitCode).toBe(0)
  expect(run.outputs.method).toBe('relay')
  expect(run.outputs.created).toBe('true')
  expect(ops).not.toContain('rds:RestoreDBClusterToPointInTime')
  for (const op of [
    'rds:CreateDBClusterSnapshot',
    'rds:ModifyDBClusterSnapshotAttribute',
    'rds:CopyDBClusterSnapshot',
    'rds:RestoreDBClusterFromSnapshot',
    'rds:CreateDBInstance',
  ]) {
    expect(ops).toContain(op)
  }
}
