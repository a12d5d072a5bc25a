import { describe, expect, it } from '@jest/globals'
import { DescribeKeyCommand, GetKeyPolicyCommand, ListAliasesCommand } from '@aws-sdk/client-kms'
import {
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBClustersCommand,
  DescribeDBSubnetGroupsCommand,
  type DBCluster,
} from '@aws-sdk/client-rds'
import {
  BASE_AND_BRANCHES_HINT,
  clonePreflight,
  type ClonePreflightInput,
} from '../src/methods/clone/preflight.js'
import { ActionError } from '../src/errors.js'
import {
  awsError,
  keyPolicyAllowing,
  settings,
  sourceCluster,
  sourceDb,
  SOURCE_KEY,
  STAGING_ACCOUNT,
  world,
  type World,
} from './clone-context.js'

/** The destination placement a cross-account run names (without it, a warning is expected). */
const PLACED = {
  dbSubnetGroup: 'staging-db',
  vpcSecurityGroupIds: ['sg-05a9e00000000000a'],
  dbClusterParameterGroup: 'staging-aurora-pg16',
  dbParameterGroup: 'default.aurora-postgresql16',
}

/** The destination may describe every key it is asked about (its own, and the source's). */
function destinationKeys(w: World): void {
  if (w.ctx.sameAccount) return
  w.destination.kms.on(DescribeKeyCommand).callsFake((request: { KeyId: string }) => ({
    KeyMetadata: { KeyId: request.KeyId, Arn: request.KeyId, KeyManager: 'CUSTOMER' },
  }))
}

function input(w: World, overrides: Partial<ClonePreflightInput> = {}) {
  destinationKeys(w)
  const warnings: string[] = []
  const infos: string[] = []
  const value: ClonePreflightInput = {
    requested: 'auto',
    settings: { ...w.ctx.settings, ...PLACED },
    source: w.ctx.source,
    destination: w.ctx.destination,
    sameAccount: w.ctx.sameAccount,
    sourceDb: w.ctx.sourceDb,
    log: { info: (m) => infos.push(m), warning: (m) => warnings.push(m) },
    ...overrides,
  }
  return { value, warnings, infos }
}

function customerKey(w: World): void {
  w.source.kms
    .on(DescribeKeyCommand)
    .resolves({ KeyMetadata: { KeyId: 'k', Arn: SOURCE_KEY, KeyManager: 'CUSTOMER' } })
}

function clones(ids: string[]): DBCluster[] {
  return ids.map((id) => ({
    DBClusterIdentifier: id,
    DBClusterArn: `arn:${id}`,
    CloneGroupId: 'clone-group-1',
  }))
}

async function refusal(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ActionError)
  return error as ActionError
}

describe('clone pre-flight: the source', () => {
  it('refuses a source with no DB instance before any AWS call', async () => {
    const w = world({ cluster: sourceCluster({ DBClusterMembers: [] }) })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toBe(
      'Source prod-aurora has no DB instance, and Aurora only clones a cluster with at least one',
    )
    expect(error.hint).toContain('Add a DB instance to the source cluster')
    expect(w.source.kms.calls()).toHaveLength(0)
    expect(w.source.rds.calls()).toHaveLength(0)
  })

  it('refuses a stopped source and says how to start it', async () => {
    const w = world({ cluster: sourceCluster({ Status: 'stopped' }) })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toBe(
      'Source prod-aurora is stopped, and AWS clones only a running cluster',
    )
    expect(error.hint).toBe(
      'Start it first (aws rds start-db-cluster --db-cluster-identifier prod-aurora) and re-run once it is available.',
    )
    expect(error.message).toContain('source account 111111111111')
  })
})

describe('clone pre-flight: encryption', () => {
  it('refuses an unencrypted source with kms-key-id (unencrypted-to-encrypted)', async () => {
    const w = world({ cluster: sourceCluster({ StorageEncrypted: false, KmsKeyId: undefined }) })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toContain(
      'is not encrypted, and AWS cannot restore or clone an unencrypted cluster into an encrypted one',
    )
    expect(error.hint).toBe(
      'Leave kms-key-id empty to make an unencrypted copy: AWS does not clone an unencrypted cluster into an encrypted one.',
    )
  })

  it('requires kms-key-id for an encrypted source across accounts', async () => {
    const w = world({ settings: { kmsKeyId: undefined } })
    const error = await refusal(
      clonePreflight(input(w, { settings: settings({ kmsKeyId: undefined, ...PLACED }) }).value),
    )
    expect(error.summary).toBe(
      `kms-key-id is required: source prod-aurora is encrypted (key ${SOURCE_KEY}) and the destination account 222222222222 differs from the source account`,
    )
  })

  it('does not need kms-key-id or a key check in one account', async () => {
    const w = world({ sameAccount: true })
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    await expect(clonePreflight(input(w).value)).resolves.toEqual({ method: 'clone' })
    expect(w.source.kms.calls()).toHaveLength(0)
  })

  it('refuses a source under the AWS-managed aws/rds key across accounts, with the fix', async () => {
    const w = world()
    w.source.kms
      .on(DescribeKeyCommand)
      .resolves({ KeyMetadata: { KeyId: 'k', Arn: SOURCE_KEY, KeyManager: 'AWS' } })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toBe(
      `Source prod-aurora is encrypted with the AWS-managed key aws/rds (${SOURCE_KEY}), which AWS does not share with other accounts, so neither a clone nor a snapshot of it can reach account ${STAGING_ACCOUNT}`,
    )
    expect(error.hint).toContain('Re-encrypt with a customer-managed key')
    expect(w.source.kms.commandCalls(DescribeKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: SOURCE_KEY,
    })
    expect(w.source.rds.calls()).toHaveLength(0)
  })

  it('refuses when the source key policy lets the destination describe the key but not use it', async () => {
    const w = world()
    customerKey(w)
    w.source.kms.on(GetKeyPolicyCommand).resolves({
      Policy: keyPolicyAllowing(STAGING_ACCOUNT, [
        'kms:DescribeKey',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
      ]),
    })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toBe(
      `The policy of the source key ${SOURCE_KEY} does not let the destination account ${STAGING_ACCOUNT} use it: kms:CreateGrant, kms:GenerateDataKey*, kms:ReEncrypt* not allowed`,
    )
    expect(w.source.rds.calls()).toHaveLength(0)
  })

  it('counts a CreateGrant allowed only for AWS resources, and warns when the policy cannot be read', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.source.kms.on(GetKeyPolicyCommand).resolves({
      Policy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: STAGING_ACCOUNT },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          },
          {
            Effect: 'Allow',
            Principal: { AWS: STAGING_ACCOUNT },
            Action: 'kms:CreateGrant',
            Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
          },
        ],
      }),
    })
    await expect(clonePreflight(input(w).value)).resolves.toEqual({ method: 'clone' })
    w.source.kms.on(GetKeyPolicyCommand).rejects(awsError('AccessDeniedException', 'no'))
    const run = input(w)
    await expect(clonePreflight(run.value)).resolves.toEqual({ method: 'clone' })
    expect(run.warnings).toEqual([
      expect.stringContaining(
        `Could not read the policy of the source key ${SOURCE_KEY} (AccessDeniedException: no)`,
      ),
    ])
  })

  it('falls back to the key aliases when DescribeKey is denied', async () => {
    const w = world()
    w.source.kms.on(DescribeKeyCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    w.source.kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/aws/rds' }] })
    const error = await refusal(clonePreflight(input(w).value))
    expect(error.summary).toContain('AWS-managed key aws/rds')
    expect(w.source.kms.commandCalls(ListAliasesCommand)[0]?.args[0].input).toEqual({
      KeyId: '1111aaaa-0000-0000-0000-000000000001',
    })
  })

  it('takes a key with only other aliases for customer-managed when DescribeKey is denied', async () => {
    const w = world()
    w.source.kms.on(DescribeKeyCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    w.source.kms.on(ListAliasesCommand).resolves({ Aliases: [{ AliasName: 'alias/rds-prod' }] })
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    const run = input(w)
    await expect(clonePreflight(run.value)).resolves.toEqual({ method: 'clone' })
    expect(run.infos[0]).toBe(
      `Source key ${SOURCE_KEY} is customer-managed (kms:DescribeKey was denied; the key's aliases (alias/rds-prod) are not aws/rds)`,
    )
    expect(run.warnings).toEqual([])
  })

  it('goes on with a warning when neither DescribeKey nor ListAliases is allowed', async () => {
    const w = world()
    w.source.kms.on(DescribeKeyCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    w.source.kms.on(ListAliasesCommand).rejects(awsError('AccessDeniedException', 'not authorized'))
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    const run = input(w)
    await expect(clonePreflight(run.value)).resolves.toEqual({ method: 'clone' })
    expect(run.warnings).toHaveLength(1)
    expect(run.warnings[0]).toContain(
      `Could not tell whether the source key ${SOURCE_KEY} is AWS-managed`,
    )
    expect(run.warnings[0]).toContain('AccessDeniedException')
  })
})

describe('clone pre-flight: clone limits', () => {
  it('looks for clones by clone group in both accounts', async () => {
    const w = world()
    customerKey(w)
    w.source.rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [sourceCluster(), ...clones(['dev-1'])] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    const run = input(w)
    await expect(clonePreflight(run.value)).resolves.toEqual({ method: 'clone' })
    const filter = { Filters: [{ Name: 'clone-group-id', Values: ['clone-group-1'] }] }
    expect(w.source.rds.commandCalls(DescribeDBClustersCommand)[0]?.args[0].input).toEqual(filter)
    expect(w.destination.rds.commandCalls(DescribeDBClustersCommand)[0]?.args[0].input).toEqual(
      filter,
    )
    expect(run.infos).toContain('Clone group clone-group-1: 1 other clone(s) visible')
  })

  it('under auto, takes the relay when the destination already has a clone of the source, and says why', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: clones(['pr-99']) })
    const run = input(w)
    const decision = await clonePreflight(run.value)
    expect(decision).toEqual({
      method: 'relay',
      reason:
        'AWS allows one cross-account clone of prod-aurora per destination account, and account 222222222222 already has pr-99',
    })
    expect(run.warnings).toEqual([
      `${decision.reason ?? ''}. method is auto, so the snapshot relay is used instead.`,
    ])
  })

  it('under method: clone, refuses when the destination already has a clone of the source', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: clones(['pr-99']) })
    const error = await refusal(clonePreflight(input(w, { requested: 'clone' }).value))
    expect(error.summary).toBe(
      'AWS allows one cross-account clone of prod-aurora per destination account, and account 222222222222 already has pr-99',
    )
    expect(error.hint).toBe(
      `Delete pr-99 first, or use method: relay (or auto) for a snapshot copy. ${BASE_AND_BRANCHES_HINT}`,
    )
    expect(error.hint).toContain('Base and branches')
  })

  it('replacing the clone itself by a swap needs a second clone: refused under clone, relay under auto', async () => {
    const replacing = { ifExists: 'replace' as const, target: 'pr-123' }
    const w = world({ settings: replacing })
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: clones(['pr-123']) })
    const error = await refusal(clonePreflight(input(w, { requested: 'clone' }).value))
    expect(error.summary).toContain(
      'pr-123 is the cross-account clone of prod-aurora in account 222222222222',
    )
    expect(error.hint).toContain('replace-strategy: delete-first')
    const auto = input(w, { requested: 'auto' })
    await expect(clonePreflight(auto.value)).resolves.toMatchObject({ method: 'relay' })
    expect(auto.warnings.join('\n')).toContain(
      'A relay then swap keeps pr-123 answering throughout',
    )
  })

  it('refuses to clone a cross-account clone, naming base and branches', async () => {
    const base = sourceCluster({ CrossAccountClone: true })
    const w = world({ sameAccount: true, cluster: base })
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [base] })
    const error = await refusal(clonePreflight(input(w, { requested: 'clone' }).value))
    expect(error.summary).toContain('is itself a cross-account clone')
    expect(error.hint).toContain('make the base with method: relay')
  })

  it('does not count the target itself (reuse, or replace-strategy: delete-first)', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [sourceCluster()] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: clones(['pr-123']) })
    await expect(clonePreflight(input(w, { requested: 'clone' }).value)).resolves.toEqual({
      method: 'clone',
    })
  })

  it('warns near the copy-on-write limit and leaves it at 15', async () => {
    const w = world({ sameAccount: true })
    const twelve = clones(Array.from({ length: 12 }, (_, i) => `dev-${i}`))
    w.source.rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [sourceCluster(), ...twelve] })
    const near = input(w)
    await expect(clonePreflight(near.value)).resolves.toEqual({ method: 'clone' })
    expect(near.warnings[0]).toContain(
      'already has 12 clones these roles can see (AWS allows 15 copy-on-write clones',
    )

    const fifteen = clones(Array.from({ length: 15 }, (_, i) => `dev-${i}`))
    w.source.rds
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [sourceCluster(), ...fifteen] })
    const full = input(w)
    const decision = await clonePreflight(full.value)
    expect(decision.method).toBe('relay')
    expect(decision.reason).toContain(
      'already has 15 clones these roles can see; AWS allows 15 copy-on-write clones',
    )
    const error = await refusal(clonePreflight(input(w, { requested: 'clone' }).value))
    expect(error.hint).toBe(
      'Delete clones no longer needed, or use method: full-copy or relay knowingly.',
    )
  })

  it('refuses method: full-copy across accounts (a shared cluster is only cloned copy-on-write)', async () => {
    const w = world()
    const error = await refusal(clonePreflight(input(w, { requested: 'full-copy' }).value))
    expect(error.summary).toBe(
      'method: full-copy works only within one account: AWS restores a cluster shared from another account (prod-aurora) only as a copy-on-write clone',
    )
    expect(error.hint).toBe(
      'Use method: clone (or auto) for a clone, or method: relay for a full copy through a snapshot.',
    )
    expect(w.source.kms.calls()).toHaveLength(0)
  })

  it('skips the clone count for method: full-copy and for a source never cloned', async () => {
    const w = world({ sameAccount: true })
    await expect(clonePreflight(input(w, { requested: 'full-copy' }).value)).resolves.toEqual({
      method: 'full-copy',
    })
    const fresh = world({ sameAccount: true, cluster: sourceCluster({ CloneGroupId: undefined }) })
    await expect(
      clonePreflight(
        input(fresh, { sourceDb: sourceDb(sourceCluster({ CloneGroupId: undefined })) }).value,
      ),
    ).resolves.toEqual({ method: 'clone' })
    // Only the placement look-ups read RDS: no clone count.
    expect(w.source.rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(0)
    expect(fresh.source.rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(0)
  })
})

describe('clone pre-flight: placement', () => {
  it('refuses across accounts without a subnet group and security groups, naming only those', async () => {
    const w = world()
    customerKey(w)
    const run = input(w, {
      settings: { ...w.ctx.settings, ...PLACED, dbSubnetGroup: undefined, vpcSecurityGroupIds: [] },
    })
    const error = await refusal(clonePreflight(run.value))
    expect(error.summary).toBe(
      "The copy's placement in the destination account 222222222222 is not set: db-subnet-group, vpc-security-group-ids",
    )
    expect(w.source.rds.calls()).toHaveLength(0)
  })

  it('warns across accounts about the parameter groups that are missing, and only those', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    const run = input(w, {
      settings: { ...w.ctx.settings, ...PLACED, dbParameterGroup: undefined },
    })
    await expect(clonePreflight(run.value)).resolves.toEqual({ method: 'clone' })
    expect(run.warnings).toEqual([
      "No db-parameter-group: the copy in account 222222222222 gets the engine's default DB parameter group. Set it to give the copy the parameters your workloads expect.",
    ])
  })

  it('looks the placement up in the destination: a missing subnet group is refused, a role that may not read it is warned about', async () => {
    const w = world()
    customerKey(w)
    w.source.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] })
    w.destination.rds
      .on(DescribeDBSubnetGroupsCommand)
      .rejects(
        awsError('DBSubnetGroupNotFoundFault', "DB subnet group 'staging-db' not found.", 404),
      )
    const missing = await refusal(clonePreflight(input(w).value))
    expect(missing.summary).toBe(
      'db-subnet-group staging-db does not exist in the destination account 222222222222 (region us-east-1)',
    )
    expect(missing.code).toBe('DBSubnetGroupNotFoundFault')
    expect(w.source.rds.calls()).toHaveLength(0)

    w.destination.rds.on(DescribeDBSubnetGroupsCommand).rejects(awsError('AccessDenied', 'no', 403))
    w.destination.rds.on(DescribeDBClusterParameterGroupsCommand).resolves({
      DBClusterParameterGroups: [{ DBClusterParameterGroupName: 'staging-aurora-pg16' }],
    })
    const denied = input(w)
    await expect(clonePreflight(denied.value)).resolves.toEqual({ method: 'clone' })
    expect(denied.warnings).toEqual([
      'could not check that db-subnet-group staging-db exists in the destination account 222222222222 (AccessDenied): allow rds:DescribeDBSubnetGroups to the destination role so a wrong name is refused before anything is created',
    ])

    w.destination.rds
      .on(DescribeDBSubnetGroupsCommand)
      .rejects(awsError('InternalFailure', 'x', 500))
    expect((await clonePreflight(input(w).value).catch((e: unknown) => e)) as Error).toMatchObject({
      name: 'InternalFailure',
    })
  })
})
