/**
 * Which inputs apply to the method this run takes. Some inputs only make sense for one kind of
 * source or one method, and that is known only once the source is read and the method resolved.
 * This runs then, once, before the plan creates anything: an input that contradicts the source
 * or method is refused (the user asked for something the copy cannot have); an input that merely
 * has no effect is named in one warning, never ignored silently.
 */
import { invalid, InputError } from '../../inputs/parsers.js'
import { sourceAccountKeyMessage } from '../../inputs/rules.js'
import { accountFromArn } from '../../aws/arn.js'
import type { CopyMethod } from '../../result.js'
import type { Settings } from '../../settings.js'
import type { SourceDatabase } from './detect.js'
import { describeKind } from '../choose-method.js'

export interface ApplicabilityInput {
  readonly settings: Settings
  readonly sourceDb: SourceDatabase
  readonly method: CopyMethod
  readonly sameAccount: boolean
  /** The source's account (a destination job: the shared snapshot's owner) and the destination's. */
  readonly accounts: { readonly source: string; readonly destination: string }
  readonly log: { warning(message: string): void }
}

type Contradiction = (input: ApplicabilityInput) => InputError | undefined
/** An input given that has no effect here: its name and why. */
type Ignored = (input: ApplicabilityInput) => [string, string] | undefined

const AURORA_STORAGE = new Set(['aurora', 'aurora-iopt1'])

/**
 * CreateDBCluster DBClusterIdentifier: "Must contain from 1 to 63 (for Aurora DB clusters) or
 * 1 to 52 (for Multi-AZ DB clusters) letters, numbers, or hyphens."
 */
const MULTI_AZ_CLUSTER_ID_MAX = 52

const isAurora = ({ sourceDb }: ApplicabilityInput): boolean => sourceDb.kind === 'aurora-cluster'
const isClone = ({ method }: ApplicabilityInput): boolean =>
  method === 'clone' || method === 'full-copy'
/** A source-phase job makes no copy: what shapes the copy does not apply to it. */
const copiesHere = ({ settings }: ApplicabilityInput): boolean => settings.phase !== 'source'
const what = ({ sourceDb }: ApplicabilityInput): string =>
  `${sourceDb.identifier} is a ${describeKind(sourceDb)}`

const CONTRADICTIONS: readonly Contradiction[] = [
  (input) => {
    const storage = input.settings.storageType
    if (storage === undefined || !copiesHere(input)) return undefined
    if (!isAurora(input) && AURORA_STORAGE.has(storage)) {
      return invalid(
        'storage-type',
        storage,
        `Aurora storage applies only to an Aurora copy, and ${what(input)}; use gp2, gp3, io1 or io2, or leave it empty to keep the source's.`,
      )
    }
    if (isAurora(input) && !AURORA_STORAGE.has(storage)) {
      return invalid(
        'storage-type',
        storage,
        `${what(input)}, whose storage is aurora or aurora-iopt1, never ${storage}; leave storage-type empty.`,
      )
    }
    return undefined
  },
  (input) => {
    const iops = input.settings.iops
    if (iops === undefined || !isAurora(input) || !copiesHere(input)) return undefined
    return invalid(
      'iops',
      String(iops),
      `${what(input)}, and Aurora storage has no provisioned IOPS; leave iops empty.`,
    )
  },
  (input) => {
    if (!input.settings.multiAz || !isAurora(input) || !copiesHere(input)) return undefined
    return invalid(
      'multi-az',
      'true',
      `multi-az applies to a DB instance copy, and ${what(input)}: an Aurora copy spreads over Availability Zones with instance-count 2 or more.`,
    )
  },
  (input) => {
    const count = input.settings.instanceCount
    if (count === 1 || isAurora(input) || !copiesHere(input)) return undefined
    return invalid(
      'instance-count',
      String(count),
      `${what(input)}, whose copy has ${input.sourceDb.kind === 'instance' ? 'one instance (use multi-az for a standby)' : 'the writer and two readers AWS makes for every Multi-AZ DB cluster'}; instance-count applies only to an Aurora copy.`,
    )
  },
  (input) => {
    const s = input.settings
    if (isAurora(input) || !copiesHere(input)) return undefined
    if (s.instanceClass === 'db.serverless') {
      return invalid(
        'instance-class',
        s.instanceClass,
        `db.serverless is an Aurora instance class, and ${what(input)}.`,
      )
    }
    if (s.serverless === undefined) return undefined
    return invalid(
      'serverless-min-capacity',
      String(s.serverless.minCapacity),
      `Serverless v2 capacity applies only to an Aurora copy, and ${what(input)}.`,
    )
  },
  (input) => {
    const target = input.settings.target
    if (input.sourceDb.kind !== 'multi-az-cluster' || !target || !copiesHere(input)) {
      return undefined
    }
    if (target.length <= MULTI_AZ_CLUSTER_ID_MAX) return undefined
    return invalid(
      'target',
      target,
      `${what(input)}, and AWS allows at most ${MULTI_AZ_CLUSTER_ID_MAX} characters for a Multi-AZ DB cluster identifier (${target.length} given).`,
    )
  },
  (input) => {
    const key = input.settings.kmsKeyId
    const account = accountFromArn(key ?? '')
    if (!key || input.sameAccount || account !== input.accounts.source || !copiesHere(input)) {
      return undefined
    }
    return invalid('kms-key-id', key, sourceAccountKeyMessage(input.accounts))
  },
]

const TEMP_INSTANCE_ONLY = 'only the Multi-AZ DB cluster relay makes a temporary instance'

const IGNORED: readonly Ignored[] = [
  (input) =>
    input.settings.keepSnapshots && isClone(input)
      ? ['keep-snapshots', 'a clone makes no snapshots']
      : undefined,
  (input) => {
    const usesTemp = input.sourceDb.kind === 'multi-az-cluster' && !isClone(input)
    const here = usesTemp && input.settings.phase !== 'destination'
    if (here || input.settings.tempDbSubnetGroup === undefined) return undefined
    return [
      'temp-db-subnet-group',
      usesTemp ? 'a destination job restores no temporary instance' : TEMP_INSTANCE_ONLY,
    ]
  },
  (input) => {
    const usesTemp = input.sourceDb.kind === 'multi-az-cluster' && !isClone(input)
    const here = usesTemp && input.settings.phase !== 'destination'
    if (here || input.settings.tempVpcSecurityGroupIds.length === 0) return undefined
    return [
      'temp-vpc-security-group-ids',
      usesTemp ? 'a destination job restores no temporary instance' : TEMP_INSTANCE_ONLY,
    ]
  },
  (input) =>
    isAurora(input) && copiesHere(input) && input.settings.storageType !== undefined
      ? ['storage-type', 'an Aurora copy keeps the storage configuration AWS gives the restore']
      : undefined,
  (input) =>
    input.settings.multiAz && input.sourceDb.kind === 'multi-az-cluster' && copiesHere(input)
      ? ['multi-az', 'a Multi-AZ DB cluster copy is always across three Availability Zones']
      : undefined,
  (input) =>
    input.settings.dbClusterParameterGroup !== undefined &&
    input.sourceDb.kind === 'instance' &&
    copiesHere(input)
      ? ['db-cluster-parameter-group', 'a DB instance has no DB cluster parameter group']
      : undefined,
  (input) =>
    input.settings.dbParameterGroup !== undefined &&
    input.sourceDb.kind === 'multi-az-cluster' &&
    copiesHere(input)
      ? ['db-parameter-group', 'a Multi-AZ DB cluster copy takes db-cluster-parameter-group']
      : undefined,
  (input) => {
    const s = input.settings
    if (!isAurora(input) || s.serverless === undefined || !copiesHere(input)) return undefined
    const instanceClass = s.instanceClass ?? input.sourceDb.writerInstanceClass
    if (instanceClass === 'db.serverless') return undefined
    return [
      'serverless-min-capacity, serverless-max-capacity',
      `the copy's instances are ${instanceClass ?? 'not db.serverless'}, not db.serverless`,
    ]
  },
  (input) => {
    if (copiesHere(input)) return undefined
    const s = input.settings
    const given = [
      s.dbSubnetGroup !== undefined && 'db-subnet-group',
      s.vpcSecurityGroupIds.length > 0 && 'vpc-security-group-ids',
      s.dbClusterParameterGroup !== undefined && 'db-cluster-parameter-group',
      s.dbParameterGroup !== undefined && 'db-parameter-group',
      s.instanceClass !== undefined && 'instance-class',
      s.instanceCount !== 1 && 'instance-count',
      s.serverless !== undefined && 'serverless-min-capacity, serverless-max-capacity',
      s.storageType !== undefined && 'storage-type',
      s.iops !== undefined && 'iops',
      s.multiAz && 'multi-az',
    ].filter((name): name is string => typeof name === 'string')
    return given.length > 0
      ? [given.join(', '), 'a source-phase job makes no copy; give them to the destination job']
      : undefined
  },
]

/**
 * Refuses the first input that contradicts the resolved source and method, then warns once
 * about every input that has no effect. Makes no AWS call.
 */
export function checkApplicability(input: ApplicabilityInput): void {
  for (const contradiction of CONTRADICTIONS) {
    const error = contradiction(input)
    if (error) throw error
  }
  const ignored = IGNORED.map((rule) => rule(input)).filter(
    (entry): entry is [string, string] => entry !== undefined,
  )
  if (ignored.length === 0) return
  const phase = input.settings.phase === 'all' ? '' : `, phase ${input.settings.phase}`
  input.log.warning(
    `Inputs that do not apply to method ${input.method}${phase} (${describeKind(input.sourceDb)} ${input.sourceDb.identifier}) are ignored: ${ignored.map(([name, why]) => `${name} (${why})`).join('; ')}.`,
  )
}
