import {
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  type DBClusterMember,
  type RDSClient,
} from '@aws-sdk/client-rds'
import type { CreatedResource } from '../engine/types.js'
import type { AwsClients } from './clients.js'
import { isAlreadyDeleting, isNotFound } from './error-codes.js'
import { deleteShare } from './ram.js'
import { modifyDatabase, type DatabaseKind } from './rds-databases.js'
import { findCluster } from './rds-read.js'
import { snapshotApi, type SnapshotType } from './rds-snapshots.js'

/**
 * The calls that remove what the action made, and the order AWS accepts them in. None of them
 * proves ownership: callers do (cleanup.ts, the delete and replace steps) before calling.
 */

export interface DatabaseRef {
  readonly kind: DatabaseKind
  readonly id: string
}

export async function disableDeletionProtection(
  rds: RDSClient,
  target: DatabaseRef,
): Promise<void> {
  await modifyDatabase(rds, target, { DeletionProtection: false })
}

/**
 * An Aurora cluster's members in the order they can go: the readers together, then the writer
 * (deleting the writer first would fail over to a reader that is going anyway).
 */
export function auroraMemberWaves(members: readonly DBClusterMember[]): string[][] {
  const ids = (wave: readonly DBClusterMember[]): string[] =>
    wave.flatMap((m) => (m.DBInstanceIdentifier ? [m.DBInstanceIdentifier] : []))
  const waves = [
    ids(members.filter((m) => !m.IsClusterWriter)),
    ids(members.filter((m) => m.IsClusterWriter)),
  ]
  return waves.filter((wave) => wave.length > 0)
}

/**
 * Delete Aurora members wave by wave (auroraMemberWaves), no final snapshot; a member already gone
 * or being deleted counts as deleted. AWS refuses to delete an Aurora cluster before its members.
 */
export async function deleteMembers(
  rds: RDSClient,
  waves: readonly (readonly string[])[],
  onDeleting: (id: string) => void = () => undefined,
): Promise<void> {
  for (const wave of waves) {
    await Promise.all(
      wave.map(async (id) => {
        try {
          await deleteDatabase(rds, { kind: 'instance', id }, {})
          onDeleting(id)
        } catch (error) {
          if (!isNotFound(error) && !isAlreadyDeleting(error)) throw error
        }
      }),
    )
  }
}

/** DeleteDBCluster or DeleteDBInstance: with a final snapshot when one is named, else none. */
export async function deleteDatabase(
  rds: RDSClient,
  target: DatabaseRef,
  options: { readonly finalSnapshot?: string; readonly deleteAutomatedBackups?: boolean },
): Promise<void> {
  const snapshot = options.finalSnapshot
    ? { SkipFinalSnapshot: false, FinalDBSnapshotIdentifier: options.finalSnapshot }
    : { SkipFinalSnapshot: true }
  if (target.kind === 'cluster') {
    await rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: target.id, ...snapshot }))
    return
  }
  await rds.send(
    new DeleteDBInstanceCommand({
      DBInstanceIdentifier: target.id,
      ...snapshot,
      ...(options.deleteAutomatedBackups && { DeleteAutomatedBackups: true }),
    }),
  )
}

type Remover = (resource: CreatedResource, clients: AwsClients) => Promise<void>

function deleteSnapshot(type: SnapshotType): Remover {
  return async ({ id }, { rds }) => {
    await snapshotApi(type).delete(rds, id)
  }
}

/** Withdraw the snapshot's share with the account it was made for. */
function unshareSnapshot(type: SnapshotType): Remover {
  return async ({ id, sharedWith }, { rds }) => {
    if (!sharedWith) return
    await snapshotApi(type).setShared(rds, id, { account: sharedWith, shared: false })
  }
}

/** How each kind of resource the action creates is removed (an intermediate, or a failed copy). */
export const REMOVERS: Readonly<Record<CreatedResource['kind'], Remover>> = {
  'db-instance': async ({ id }, { rds }) => {
    await deleteDatabase(rds, { kind: 'instance', id }, { deleteAutomatedBackups: true })
  },
  'db-cluster': async ({ id }, { rds }) => {
    const cluster = await findCluster(rds, id)
    if (!cluster || cluster.Status === 'deleting') return
    if (cluster.DeletionProtection) await disableDeletionProtection(rds, { kind: 'cluster', id })
    // Multi-AZ DB clusters take their members with them (aws-reference E6).
    if (cluster.Engine?.startsWith('aurora')) {
      await deleteMembers(rds, auroraMemberWaves(cluster.DBClusterMembers ?? []))
    }
    await deleteDatabase(rds, { kind: 'cluster', id }, {})
  },
  'db-cluster-snapshot': deleteSnapshot('db-cluster-snapshot'),
  'db-snapshot': deleteSnapshot('db-snapshot'),
  'db-snapshot-share': unshareSnapshot('db-snapshot'),
  'db-cluster-snapshot-share': unshareSnapshot('db-cluster-snapshot'),
  'resource-share': async ({ id }, { ram }) => {
    await deleteShare(ram, id)
  },
}
