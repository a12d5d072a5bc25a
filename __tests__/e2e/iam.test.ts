/**
 * The shipped IAM policies (iam/) are the ones the action needs, in both directions, through the
 * simulator's IAM evaluation. Every run here has its roles holding only the shipped file of what
 * it does (see policiesForRun):
 * - each scenario passes, and no call was denied;
 * - every grant of the per-method, lifecycle and one-account files was the only one allowing
 *   some call (no dead grant);
 * - removing one action per file makes the scenario that needs it fail with AWS's AccessDenied
 *   naming that action, so the usage record is truthful.
 * `npm run iam-minimality` does the same over every e2e and safety scenario, for every file.
 */
import { describe, expect, it } from '@jest/globals'
import type { UsageRecord } from '../../sim/src/iam/authorizer.ts'
import { deadGrants, grantName } from '../../scripts/iam-usage.ts'
import { METHOD_INPUTS, PARTNER_CLONE } from '../safety/world.ts'
import { aurora, managed, sweepWorld, worldWith } from './lifecycle-world.js'
import {
  ACCOUNTS,
  editedPolicies,
  ROLE_ARNS,
  runAction,
  startWorld,
  type ActionRun,
  type Simulator,
  type WorldOptions,
} from './harness.ts'

const usage: UsageRecord[] = []

/** Runs one scenario in a world of its own; returns the run and the world, usage recorded. */
async function scenario(
  inputs: Readonly<Record<string, string>>,
  iam?: WorldOptions['iam'],
  scenarioOptions?: WorldOptions['scenario'],
): Promise<{ run: ActionRun; sim: Simulator }> {
  const sim = await startWorld({ iam, scenario: scenarioOptions })
  try {
    const run = await runAction({ sim, inputs, post: true })
    if (iam === undefined) usage.push(...sim.iam.usage)
    return { run, sim }
  } finally {
    await sim.close()
  }
}

/** A refresh, then a delete of its copy (with a final snapshot) with the same roles. */
async function refreshThenDelete(
  inputs: Readonly<Record<string, string>>,
  finalSnapshot: string,
): Promise<Simulator> {
  const sim = await startWorld()
  try {
    const refresh = await runAction({ sim, inputs })
    expect(refresh.exitCode).toBe(0)
    const removal = await runAction({
      sim,
      inputs: {
        'source-role-arn': inputs['source-role-arn'] ?? '',
        ...(inputs['destination-role-arn'] && {
          'destination-role-arn': inputs['destination-role-arn'],
        }),
        operation: 'delete',
        target: inputs.target ?? '',
        'final-snapshot-identifier': finalSnapshot,
      },
    })
    expect(removal.exitCode).toBe(0)
    usage.push(...sim.iam.usage)
    expect(sim.iam.denials).toEqual([])
    return sim
  } finally {
    await sim.close()
  }
}

const CLONE = {
  ...METHOD_INPUTS.clone,
  method: 'clone',
  'db-cluster-parameter-group': 'staging-aurora-pg16',
  'db-parameter-group': 'default.aurora-postgresql16',
}
const PARTNER = { ...PARTNER_CLONE, method: 'clone' }
const AURORA_RELAY = METHOD_INPUTS['aurora-relay']
const MULTI_AZ_RELAY = {
  ...METHOD_INPUTS['multiaz-relay'],
  method: 'relay',
  'temp-db-subnet-group': 'prod-db',
}
const INSTANCE_RELAY = { ...METHOD_INPUTS['instance-relay'], method: 'relay' }
const ONE_ACCOUNT_AURORA_RELAY = {
  'source-role-arn': ROLE_ARNS.source,
  source: 'prod-aurora',
  target: 'prod-aurora-relayed',
  method: 'relay',
  'db-subnet-group': 'prod-db',
  'db-cluster-parameter-group': 'default.aurora-postgresql16',
}

describe('the shipped policies are enough: every scenario passes, nothing is denied', () => {
  it.each([
    ['clone into the organization', CLONE],
    ['clone across organizations (invitation)', PARTNER],
    ['Aurora relay', AURORA_RELAY],
    ['Multi-AZ relay', MULTI_AZ_RELAY],
    ['DB instance relay', INSTANCE_RELAY],
  ])('%s', async (_name, inputs) => {
    const { run, sim } = await scenario(inputs)
    expect(run.exitCode).toBe(0)
    expect(sim.iam.denials).toEqual([])
  })

  it('Multi-AZ relay, direct path: the destination restores from the shared cluster snapshot', async () => {
    const { run, sim } = await scenario(MULTI_AZ_RELAY, undefined, {
      multiAzSnapshotSharing: 'share-and-restore',
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs['multi-az-path']).toBe('direct')
    expect(sim.iam.denials).toEqual([])
  })

  // A failure after the copy exists: the post step finds (by tags) and removes what the run made.
  it.each([
    ['clone', 'CreateDBInstance', CLONE],
    ['Aurora relay', 'CreateDBInstance', AURORA_RELAY],
    ['DB instance relay', 'ModifyDBInstance', INSTANCE_RELAY],
  ])('a %s failing at %s is cleaned up by its post step', async (_name, operation, inputs) => {
    const failCalls = [{ operation, code: 'InternalFailure', status: 500 }]
    const { run, sim } = await scenario(inputs, undefined, { faults: { failCalls } })
    expect(run.exitCode).toBe(1)
    expect(run.post?.exitCode).toBe(0)
    expect(sim.iam.denials).toEqual([])
  })

  // A cross-account clone can only be replaced delete-first (one clone per destination account);
  // a relayed instance by a swap of renames.
  // One account: an Aurora relay into the source's own subnet group and a default cluster
  // parameter group, both named (so both are looked up), replaced by a swap.
  it.each([
    ['clone, delete-first', CLONE, { 'replace-strategy': 'delete-first' }],
    ['DB instance relay, swap', INSTANCE_RELAY, {}],
    ['one-account Aurora relay, swap', ONE_ACCOUNT_AURORA_RELAY, {}],
  ])(
    'a %s replacing its managed copy',
    async (_name, inputs, strategy) => {
      const sim = await startWorld()
      try {
        expect((await runAction({ sim, inputs })).exitCode).toBe(0)
        const replace = await runAction({
          sim,
          inputs: { ...inputs, ...strategy, 'if-exists': 'replace' },
        })
        expect(replace.maskedLog.split('\n').filter((l) => l.startsWith('::error'))).toEqual([])
        expect(replace.exitCode).toBe(0)
        usage.push(...sim.iam.usage)
        expect(sim.iam.denials).toEqual([])
      } finally {
        await sim.close()
      }
    },
    300_000,
  )

  // Deletion protection on: the delete turns it off first (ModifyDBCluster, ModifyDBInstance).
  it('delete of a clone and of a relayed instance, with final snapshots and the share withdrawn', async () => {
    const protectedCopy = { 'deletion-protection': 'true' }
    await refreshThenDelete({ ...CLONE, ...protectedCopy }, 'pr-7-app-final')
    await refreshThenDelete(
      { ...INSTANCE_RELAY, ...protectedCopy, target: 'staging-pg' },
      'staging-pg-final',
    )
  }, 300_000)

  it('sweep with both roles: expired copies and aged leftovers in both accounts', async () => {
    const sim = await sweepWorld()
    try {
      const run = await runAction({
        sim,
        inputs: {
          'source-role-arn': ROLE_ARNS.source,
          'destination-role-arn': ROLE_ARNS.staging,
          operation: 'sweep',
        },
      })
      expect(run.exitCode).toBe(0)
      usage.push(...sim.iam.usage)
      expect(sim.iam.denials).toEqual([])
    } finally {
      await sim.close()
    }
  })

  it('one account: a relay and a delete with one role', async () => {
    await refreshThenDelete(
      {
        'source-role-arn': ROLE_ARNS.source,
        source: 'prod-pg',
        target: 'prod-pg-copy',
        method: 'relay',
      },
      'prod-pg-copy-final',
    )
  }, 300_000)

  it('one account: an Aurora copy with a named DB parameter group, deleted with a final snapshot', async () => {
    await refreshThenDelete(
      {
        'source-role-arn': ROLE_ARNS.source,
        source: 'prod-aurora',
        target: 'prod-aurora-copy',
        'db-parameter-group': 'default.aurora-postgresql16',
      },
      'prod-aurora-copy-final',
    )
  }, 300_000)
})

// Reads the usage of the scenarios above (Jest runs a file's tests in order).
describe('no dead grant', () => {
  it('every grant of the clone, relay, lifecycle and one-account files was the only one allowing some call', () => {
    const files = [
      'source-clone.json',
      'destination-clone.json',
      'source-relay.json',
      'destination-relay.json',
      'source-lifecycle.json',
      'destination-lifecycle.json',
      'one-account.json',
    ]
    expect(deadGrants(files, usage).map(grantName)).toEqual([])
  })
})

describe('a removed grant fails the scenario that needs it, naming the action', () => {
  const denied = (run: ActionRun, action: string) =>
    expect(run.maskedLog).toMatch(
      new RegExp(`is not authorized to perform: ${action.replace('*', '\\*')} on resource: `),
    )

  it.each([
    ['source-clone.json', 'ram:CreateResourceShare', ROLE_ARNS.source, CLONE],
    ['destination-clone.json', 'rds:RestoreDBClusterToPointInTime', ROLE_ARNS.staging, CLONE],
    ['destination-clone.json', 'ram:AcceptResourceShareInvitation', ROLE_ARNS.partner, PARTNER],
    ['source-relay.json', 'rds:ModifyDBClusterSnapshotAttribute', ROLE_ARNS.source, AURORA_RELAY],
    ['destination-relay.json', 'rds:CopyDBSnapshot', ROLE_ARNS.staging, INSTANCE_RELAY],
  ])('%s without %s', async (_file, action, role, inputs) => {
    const { run, sim } = await scenario(inputs, editedPolicies({ role, remove: [action] }))
    expect(run.exitCode).toBe(1)
    denied(run, action)
    expect(sim.iam.denials.map((d) => d.action)).toContain(action)
  })

  it('destination-lifecycle.json without rds:DeleteDBCluster: the delete of a managed copy fails', async () => {
    const sim = await worldWith(
      {
        [ACCOUNTS.staging]: {
          clusters: [aurora('pr-7-app', managed({ 'rds-refresh:purpose': 'copy' }))],
        },
      },
      { iam: editedPolicies({ role: ROLE_ARNS.staging, remove: ['rds:DeleteDBCluster'] }) },
    )
    try {
      const run = await runAction({
        sim,
        inputs: {
          'destination-role-arn': ROLE_ARNS.staging,
          operation: 'delete',
          target: 'pr-7-app',
        },
      })
      expect(run.exitCode).toBe(1)
      denied(run, 'rds:DeleteDBCluster')
      expect(sim.iam.denials.map((d) => d.action)).toEqual(['rds:DeleteDBCluster'])
    } finally {
      await sim.close()
    }
  })

  it('destination-relay.json without kms:GenerateDataKey*: RDS refuses the key', async () => {
    const { run, sim } = await scenario(
      INSTANCE_RELAY,
      editedPolicies({ role: ROLE_ARNS.staging, remove: ['kms:GenerateDataKey*'] }),
    )
    expect(run.exitCode).toBe(1)
    expect(run.maskedLog).toContain('KMSKeyNotAccessibleFault')
    denied(run, 'kms:GenerateDataKey')
    expect(sim.iam.denials.map((d) => d.action)).toContain('kms:GenerateDataKey')
  })
})
