/**
 * The simulator's services: RDS, KMS and RAM resource semantics behind the transport. RDS reads
 * KMS and RAM through their views; RAM asks RDS which cluster ARNs exist and who owns them.
 */
import type { KmsView, RamView, ServiceEnv, ServiceHandlers } from '../core/types.ts'
import type { IamResourceView } from '../iam/requests.ts'
import type { ResourceFixture } from './fixture.ts'
import { createKms } from './kms/index.ts'
import { createRam } from './ram/index.ts'
import { createRds } from './rds/index.ts'
import type { Rds } from './rds/index.ts'

export interface Services {
  handlers: { rds: ServiceHandlers; kms: ServiceHandlers; ram: ServiceHandlers }
  kms: KmsView
  ram: RamView
  /** Loads a scenario's resources: KMS keys first (RDS resolves their aliases), then RDS. */
  seed(resources: ResourceFixture): void
  /**
   * Every resource of the account by type: `db-clusters`, `db-instances`,
   * `db-cluster-snapshots` and `db-snapshots` (with their restore attribute), plus the KMS and
   * RAM inventories.
   */
  inventory(account: string): Record<string, unknown[]>
  /** What IAM reads of the resources: tags, encryption keys (sim/src/iam). */
  iam: IamResourceView
}

/** Creates the services of one simulated region. */
export function createServices(env: ServiceEnv): Services {
  const kms = createKms(env)
  // RAM and RDS know each other: RAM asks RDS which ARNs exist, RDS asks RAM what is shared.
  const late: { rds?: Rds } = {}
  const ram = createRam(env, { lookup: (arn) => late.rds?.lookup(arn) })
  const created = createRds({ env, kms: kms.view, ram: ram.view })
  late.rds = created
  return {
    handlers: { rds: created.handlers, kms: kms.handlers, ram: ram.handlers },
    kms: kms.view,
    ram: ram.view,
    seed(resources) {
      kms.seed(resources.kmsKeys ?? [])
      if (resources.rds) created.seed(resources.rds)
    },
    iam: {
      tagsOf: (arn) => created.resourceFacts(arn)?.tags ?? ram.view.tagsOf(arn),
      keyOf: (arn) => created.resourceFacts(arn)?.kmsKeyArn,
      secretsManagerKeyArn: (account) => created.secretsManagerKeyArn(account),
      resolveKey: (account, ref) => kms.view.resolveKey(account, ref),
    },
    inventory: (account) => ({
      ...created.inventory(account),
      ...kms.inventory(account),
      ...ram.inventory(account),
    }),
  }
}
