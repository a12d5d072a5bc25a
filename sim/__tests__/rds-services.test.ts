/** RDS composed with the real KMS and RAM services through createServices. */
import { describe, expect, it } from '@jest/globals'
import type {
  CallContext,
  ServiceEnv,
  ServiceName,
  TimelineEvent,
  World,
} from '../src/core/types.ts'
import { createServices } from '../src/services/index.ts'
import type { Services } from '../src/services/index.ts'
import {
  AURORA_CLUSTER,
  AURORA_DEFAULT_KEY_CLUSTER,
  DESTINATION_ACCOUNT,
  DESTINATION_KEY_ARN,
  SOURCE_ACCOUNT,
  SOURCE_KEY_ARN,
  auroraClusterArn,
  productionFixture,
} from '../fixtures/production.ts'
import { DURATIONS, T0, expectAwsError } from './rds-harness.ts'

function world() {
  let time = T0
  const events: TimelineEvent[] = []
  const fixture = productionFixture()
  const env: ServiceEnv = {
    region: fixture.region,
    clock: { now: () => time, scale: 1, toRealMs: (s) => s * 1000 },
    timeline: { record: (e) => void events.push(e), events },
    accounts: new Map(
      fixture.accounts.map((a) => [
        a.id,
        { id: a.id, name: a.name, organizationId: a.organizationId },
      ]),
    ),
    scenario: {
      durations: DURATIONS,
      faults: {},
      clockScale: 1,
      credentialTimeScale: 1,
      multiAzSnapshotSharing: 'refused',
    },
  }
  const services: Services = createServices(env)
  services.seed(fixture.resources)
  let seq = 0
  const call = async (
    service: ServiceName & keyof Services['handlers'],
    account: string,
    operation: string,
    input: Record<string, unknown>,
  ) => {
    const handler = services.handlers[service][operation]
    if (!handler) throw new Error(`no ${service} handler ${operation}`)
    const ctx: CallContext = {
      service,
      operation,
      account,
      principalArn: `arn:aws:iam::${account}:user/test`,
      region: fixture.region,
      input,
      requestId: `r${++seq}`,
      world: {} as World,
    }
    return handler(ctx)
  }
  return { services, call, events, advance: (s: number) => void (time += s * 1000) }
}

describe('RDS with the real KMS and RAM', () => {
  it('clones a cluster shared through a RAM resource share into the destination key', async () => {
    const w = world()
    const cloneInput = {
      DBClusterIdentifier: 'stg',
      SourceDBClusterIdentifier: auroraClusterArn,
      RestoreType: 'copy-on-write',
      UseLatestRestorableTime: true,
      KmsKeyId: DESTINATION_KEY_ARN,
    }
    await expectAwsError(
      w.call('rds', DESTINATION_ACCOUNT, 'RestoreDBClusterToPointInTime', cloneInput),
      'DBClusterNotFoundFault',
      404,
    )
    await w.call('ram', SOURCE_ACCOUNT, 'CreateResourceShare', {
      name: 'prod-aurora',
      resourceArns: [auroraClusterArn],
      principals: [DESTINATION_ACCOUNT],
    })
    w.advance(DURATIONS.shareActivate)
    const out = await w.call(
      'rds',
      DESTINATION_ACCOUNT,
      'RestoreDBClusterToPointInTime',
      cloneInput,
    )
    expect(out.DBCluster).toMatchObject({
      CrossAccountClone: true,
      KmsKeyId: DESTINATION_KEY_ARN,
      DBClusterMembers: [],
    })
    const inventory = w.services.inventory(DESTINATION_ACCOUNT)
    expect(
      (inventory['db-clusters'] as Record<string, unknown>[]).map((c) => c.DBClusterIdentifier),
    ).toEqual(['stg'])
  })

  it('resolves fixture keys: customer key for prod-aurora, AWS-managed aws/rds for the default-key cluster', async () => {
    const w = world()
    const clusters = w.services.inventory(SOURCE_ACCOUNT)['db-clusters'] as Record<
      string,
      unknown
    >[]
    const byId = Object.fromEntries(clusters.map((c) => [c.DBClusterIdentifier, c.KmsKeyId]))
    expect(byId[AURORA_CLUSTER]).toBe(SOURCE_KEY_ARN)
    const defaultKey = w.services.kms.resolveKey(
      SOURCE_ACCOUNT,
      byId[AURORA_DEFAULT_KEY_CLUSTER] as string,
    )
    expect(defaultKey?.manager).toBe('AWS')
  })
})
