import { IDENTIFIER_MAX } from '../../names.js'
import type { RefreshContext, RunNames } from '../common/context.js'
import { isAuroraEngine, type SourceDatabase, type SourceKind } from '../common/detect.js'

/**
 * Names of a relay's snapshots.
 *
 * The snapshot a source phase hands over says in its identifier what the destination must
 * rebuild, because a destination job sees only the shared snapshot (tags of another account's
 * snapshot are not readable):
 * - a DB cluster snapshot is an Aurora cluster's, unless its engine is not Aurora: then it is a
 *   Multi-AZ DB cluster's, named `…-multiaz-<class>` as below when the name has room;
 * - a DB snapshot named `…-multiaz-<class>` comes from a Multi-AZ DB cluster whose
 *   DBClusterInstanceClass is `<class>` with dots written as hyphens (`…-multiaz-db-m6gd-large`
 *   is `db.m6gd.large`);
 * - any other DB snapshot (the action names its own `…-instance`) is a DB instance's.
 */

const MULTI_AZ_MARK = /-multiaz-(db-[a-z0-9-]+)$/

/**
 * A Multi-AZ relay's cluster snapshot carries the class in its identifier too, when it fits in
 * the 63 characters of a DB cluster snapshot identifier: on the direct path it is the hand-off.
 * `…-cluster-snapshot` becomes `…-cluster-multiaz-<class>`, apart from the DB snapshot's name.
 */
export function withClusterSnapshotName(names: RunNames, sourceDb: SourceDatabase): RunNames {
  const instanceClass = sourceDb.cluster?.DBClusterInstanceClass
  if (sourceDb.kind !== 'multi-az-cluster' || !instanceClass) return names
  const name = names.sourceClusterSnapshot.replace(/-snapshot$/, multiAzMark(instanceClass))
  return name.length <= IDENTIFIER_MAX ? { ...names, sourceClusterSnapshot: name } : names
}

function multiAzMark(instanceClass: string): string {
  return `-multiaz-${asNamePart(instanceClass.replace(/\./g, '-'))}`
}

/** Identifier of the DB snapshot the source side shares, with the source kind encoded. */
export function handoffSnapshotName(ctx: RefreshContext): string {
  const base = ctx.names.sourceSnapshot
  if (ctx.sourceDb.kind === 'multi-az-cluster') {
    return `${base}${multiAzMark(ctx.sourceDb.cluster?.DBClusterInstanceClass ?? 'db-unknown')}`
  }
  return `${base}-instance`
}

export interface HandoffKind {
  readonly kind: SourceKind
  /** Multi-AZ: the source's DBClusterInstanceClass, when the name carries it. */
  readonly instanceClass?: string
}

/**
 * What a shared snapshot's type, identifier and engine say about the database it came from: a DB
 * cluster snapshot of an Aurora engine is an Aurora cluster's, of another engine a Multi-AZ DB
 * cluster's (the direct path's hand-off).
 */
export function kindOfHandoff(
  type: 'db-snapshot' | 'db-cluster-snapshot',
  id: string,
  engine?: string,
): HandoffKind {
  if (type === 'db-cluster-snapshot' && (engine === undefined || isAuroraEngine(engine))) {
    return { kind: 'aurora-cluster' }
  }
  const match = MULTI_AZ_MARK.exec(id)
  if (type === 'db-cluster-snapshot' && !match) return { kind: 'multi-az-cluster' }
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
