import type { RefreshContext } from '../common/context.js'
import type { SourceKind } from '../common/detect.js'

/**
 * Names of a relay's snapshots.
 *
 * The snapshot a source phase hands over says in its identifier what the destination must
 * rebuild, because a destination job sees only the shared snapshot (tags of another account's
 * snapshot are not readable):
 * - a DB cluster snapshot is an Aurora cluster's;
 * - a DB snapshot named `…-multiaz-<class>` comes from a Multi-AZ DB cluster whose
 *   DBClusterInstanceClass is `<class>` with dots written as hyphens (`…-multiaz-db-m6gd-large`
 *   is `db.m6gd.large`);
 * - any other DB snapshot (the action names its own `…-instance`) is a DB instance's.
 */

const MULTI_AZ_MARK = /-multiaz-(db-[a-z0-9-]+)$/

/** Identifier of the DB snapshot the source side shares, with the source kind encoded. */
export function handoffSnapshotName(ctx: RefreshContext): string {
  const base = ctx.names.sourceSnapshot
  if (ctx.sourceDb.kind === 'multi-az-cluster') {
    const instanceClass = ctx.sourceDb.cluster?.DBClusterInstanceClass ?? 'db-unknown'
    return `${base}-multiaz-${asNamePart(instanceClass.replace(/\./g, '-'))}`
  }
  return `${base}-instance`
}

export interface HandoffKind {
  readonly kind: SourceKind
  /** Multi-AZ: the source's DBClusterInstanceClass, when the name carries it. */
  readonly instanceClass?: string
}

/** What a shared snapshot's type and identifier say about the database it came from. */
export function kindOfHandoff(
  type: 'db-snapshot' | 'db-cluster-snapshot',
  id: string,
): HandoffKind {
  if (type === 'db-cluster-snapshot') return { kind: 'aurora-cluster' }
  const match = MULTI_AZ_MARK.exec(id)
  if (!match?.[1] || match[1] === 'db-unknown') {
    return match ? { kind: 'multi-az-cluster' } : { kind: 'instance' }
  }
  return { kind: 'multi-az-cluster', instanceClass: match[1].replace(/-/g, '.') }
}

/** Letters, digits and single hyphens in lower case: what every RDS name may hold. */
function asNamePart(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
}
