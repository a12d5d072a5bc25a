import {
  DeleteDBClusterCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  ModifyDBClusterCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
} from '@aws-sdk/client-rds'
import { DeleteResourceShareCommand } from '@aws-sdk/client-ram'
import type { AwsClients } from './aws/clients.js'
import { findCluster, findClusterSnapshot, findInstance, findSnapshot } from './aws/rds-read.js'
import type { CreatedResource, StepLog } from './engine/types.js'
import { FAILURE_STATUSES, waitFor } from './engine/wait.js'
import { isNotFound } from './errors.js'

/** How to wait when AWS cannot delete a resource yet (a cluster still `creating`). */
export interface SettleOptions {
  readonly log: StepLog
  readonly pollSeconds: number
  readonly deadline: number
  readonly signal?: AbortSignal
  readonly accountId: string
}

/**
 * Remove one resource the action created. Idempotent: a resource that is already gone (or being
 * deleted) counts as removed. With `settle`, first waits until AWS accepts a deletion (a cluster
 * or instance still being created, a snapshot still being taken). Returns once AWS has accepted
 * the deletion.
 */
export async function removeResource(
  resource: CreatedResource,
  clients: AwsClients,
  settle?: SettleOptions,
): Promise<void> {
  try {
    if (settle) await untilDeletable(resource, clients, settle)
    await REMOVERS[resource.kind](resource, clients)
  } catch (error) {
    if (isNotFound(error) || isAlreadyDeleting(error)) return
    throw error
  }
}

/** Statuses from which AWS accepts a deletion. A copying snapshot may be deleted (the copy stops). */
const DELETABLE = ['available', 'stopped', 'copying', ...FAILURE_STATUSES]

async function untilDeletable(
  resource: CreatedResource,
  { rds }: AwsClients,
  settle: SettleOptions,
): Promise<void> {
  const describe = STATUS_READERS[resource.kind]
  if (!describe) return
  await waitFor(
    {
      resource: `${resource.kind} ${resource.id}`,
      side: resource.side,
      accountId: settle.accountId,
      describe: () => describe(rds, resource.id),
      status: (status) => status,
      until: DELETABLE,
      failOn: [],
    },
    {
      step: 'cleanup',
      log: settle.log,
      signal: settle.signal ?? new AbortController().signal,
      deadline: settle.deadline,
      pollSeconds: settle.pollSeconds,
    },
  ).catch((error: unknown) => {
    // Gone while waiting counts as removed.
    if (error instanceof Error && /disappeared/.test(error.message)) return
    throw error
  })
}

type StatusReader = (rds: AwsClients['rds'], id: string) => Promise<string | undefined>

const STATUS_READERS: Partial<Record<CreatedResource['kind'], StatusReader>> = {
  'db-cluster': async (rds, id) => (await findCluster(rds, id))?.Status,
  'db-instance': async (rds, id) => (await findInstance(rds, id))?.DBInstanceStatus,
  'db-cluster-snapshot': async (rds, id) => (await findClusterSnapshot(rds, id))?.Status,
  'db-snapshot': async (rds, id) => (await findSnapshot(rds, id))?.Status,
}

type Remover = (resource: CreatedResource, clients: AwsClients) => Promise<void>

const REMOVERS: Record<CreatedResource['kind'], Remover> = {
  'db-instance': async ({ id }, { rds }) => {
    await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: id,
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    )
  },
  'db-cluster': async ({ id }, { rds }) => {
    const cluster = await findCluster(rds, id)
    if (!cluster || cluster.Status === 'deleting') return
    if (cluster.DeletionProtection) {
      await rds.send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: id,
          DeletionProtection: false,
          ApplyImmediately: true,
        }),
      )
    }
    // Aurora refuses to delete a cluster whose instances are not yet deleting; Multi-AZ
    // clusters take their members with them, so only Aurora members are deleted here.
    if (cluster.Engine?.startsWith('aurora')) {
      const members = [...(cluster.DBClusterMembers ?? [])].sort(
        (a, b) => Number(a.IsClusterWriter) - Number(b.IsClusterWriter),
      )
      for (const member of members) {
        if (!member.DBInstanceIdentifier) continue
        try {
          await rds.send(
            new DeleteDBInstanceCommand({
              DBInstanceIdentifier: member.DBInstanceIdentifier,
              SkipFinalSnapshot: true,
            }),
          )
        } catch (error) {
          if (!isNotFound(error) && !isAlreadyDeleting(error)) throw error
        }
      }
    }
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: id, SkipFinalSnapshot: true }))
  },
  'db-cluster-snapshot': async ({ id }, { rds }) => {
    await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }))
  },
  'db-snapshot': async ({ id }, { rds }) => {
    await rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }))
  },
  'db-snapshot-share': async ({ id, sharedWith }, { rds }) => {
    if (!sharedWith) return
    await rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: id,
        AttributeName: 'restore',
        ValuesToRemove: [sharedWith],
      }),
    )
  },
  'db-cluster-snapshot-share': async ({ id, sharedWith }, { rds }) => {
    if (!sharedWith) return
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: id,
        AttributeName: 'restore',
        ValuesToRemove: [sharedWith],
      }),
    )
  },
  'resource-share': async ({ id }, { ram }) => {
    await ram.send(new DeleteResourceShareCommand({ resourceShareArn: id }))
  },
}

function isAlreadyDeleting(error: unknown): boolean {
  const message = error instanceof Error ? error.message : ''
  return /already being deleted|is being deleted|status deleting|state deleting/i.test(message)
}

/** The AWS CLI command that removes a resource, for the summary after a failure. */
export function removalCommand(resource: CreatedResource, region: string): string {
  const r = `--region ${region}`
  switch (resource.kind) {
    case 'db-instance':
      return `aws rds delete-db-instance --db-instance-identifier ${resource.id} --skip-final-snapshot ${r}`
    case 'db-cluster':
      return `aws rds delete-db-cluster --db-cluster-identifier ${resource.id} --skip-final-snapshot ${r}  # delete its instances first`
    case 'db-cluster-snapshot':
      return `aws rds delete-db-cluster-snapshot --db-cluster-snapshot-identifier ${resource.id} ${r}`
    case 'db-snapshot':
      return `aws rds delete-db-snapshot --db-snapshot-identifier ${resource.id} ${r}`
    case 'db-snapshot-share':
      return `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ${resource.id} --attribute-name restore --values-to-remove ${resource.sharedWith ?? '<account>'} ${r}`
    case 'db-cluster-snapshot-share':
      return `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier ${resource.id} --attribute-name restore --values-to-remove ${resource.sharedWith ?? '<account>'} ${r}`
    case 'resource-share':
      return `aws ram delete-resource-share --resource-share-arn ${resource.id} ${r}`
  }
}
