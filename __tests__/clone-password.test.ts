import { describe, expect, it, jest } from '@jest/globals'
import {
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  type DBCluster,
} from '@aws-sdk/client-rds'

const events: string[] = []
const setSecret = jest.fn((value: string) => {
  events.push(`setSecret:${value}`)
})
jest.unstable_mockModule('@actions/core', () => ({
  setSecret,
  info: jest.fn(),
  warning: jest.fn(),
  debug: jest.fn(),
}))

const { generatePassword, passwordStep } = await import('../src/methods/common/finish.js')
const { runtime, world } = await import('./clone-context.js')

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!cluster-abc'

function cluster(overrides: Partial<DBCluster> = {}): DBCluster {
  return { DBClusterIdentifier: 'pr-123', Status: 'available', ...overrides }
}

describe('generatePassword', () => {
  it('makes 32 printable ASCII characters without / " @ or space, different each time', () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword())
    for (const p of passwords) {
      expect(p).toHaveLength(32)
      expect(p).toMatch(/^[!-~]+$/)
      expect(p).not.toMatch(/[/"@ ]/)
    }
    expect(new Set(passwords).size).toBe(200)
  })

  it('honours RDS length limits', () => {
    expect(generatePassword(8)).toHaveLength(8)
    expect(generatePassword(41)).toHaveLength(41)
  })
})

describe('set-password', () => {
  const step = passwordStep(['create-instances'])

  it('generate: masks the password before any call, sets it, and never logs or outputs it', async () => {
    events.length = 0
    const w = world({ sameAccount: true, settings: { masterPassword: 'generate' } })
    w.destination.rds
      .on(ModifyDBClusterCommand)
      .callsFake((input: { MasterUserPassword?: string }) => {
        events.push(`modify:${input.MasterUserPassword ?? ''}`)
        return {}
      })
    w.destination.rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({
        DBClusters: [cluster({ PendingModifiedValues: { MasterUserPassword: '****' } })],
      })
      .resolves({ DBClusters: [cluster()] })
    const rt = runtime('set-password')
    await step.run(w.ctx, rt)
    const input = w.destination.rds.commandCalls(ModifyDBClusterCommand)[0]?.args[0].input
    const password = input?.MasterUserPassword ?? ''
    expect(password).toHaveLength(32)
    expect(input).toEqual({
      DBClusterIdentifier: 'pr-123',
      ApplyImmediately: true,
      MasterUserPassword: password,
    })
    expect(events).toEqual([`setSecret:${password}`, `modify:${password}`])
    expect(w.destination.rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(2)
    expect(JSON.stringify([rt.infos, rt.warnings, rt.notes, w.ctx.values])).not.toContain(password)
    expect(w.ctx.values.masterUserSecretArn.peek()).toBeUndefined()
    expect(rt.notes).toEqual(['generated, masked'])
  })

  it("generate: keeps AWS's message out of the error, since the request held the password", async () => {
    const w = world({ sameAccount: true, settings: { masterPassword: 'generate' } })
    w.destination.rds
      .on(ModifyDBClusterCommand)
      .callsFake((input: { MasterUserPassword?: string }) => {
        throw Object.assign(new Error(`bad value ${input.MasterUserPassword ?? ''}`), {
          name: 'InvalidParameterValue',
        })
      })
    const error = await step.run(w.ctx, runtime('set-password')).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    const password =
      w.destination.rds.commandCalls(ModifyDBClusterCommand)[0]?.args[0].input.MasterUserPassword ??
      ''
    expect(error?.message).toContain('Could not set the generated master password on pr-123')
    expect(error?.message).toContain('InvalidParameterValue')
    expect(error?.message).not.toContain(password)
  })

  it('secrets-manager: turns on the managed password and hands over the secret ARN once active', async () => {
    const w = world({ sameAccount: true })
    w.destination.rds.on(ModifyDBClusterCommand).resolves({})
    w.destination.rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [cluster({ Status: 'modifying' })] })
      .resolvesOnce({ DBClusters: [cluster()] })
      .resolvesOnce({
        DBClusters: [
          cluster({ MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'creating' } }),
        ],
      })
      .resolves({
        DBClusters: [
          cluster({ MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' } }),
        ],
      })
    const rt = runtime('set-password')
    await step.run(w.ctx, rt)
    expect(w.destination.rds.commandCalls(ModifyDBClusterCommand)[0]?.args[0].input).toEqual({
      DBClusterIdentifier: 'pr-123',
      ApplyImmediately: true,
      ManageMasterUserPassword: true,
    })
    expect(w.ctx.values.masterUserSecretArn.peek()).toBe(SECRET_ARN)
    expect(rt.infos).toContain('master user secret of pr-123: active (0s)')
  })

  it('keep: changes nothing and warns that the source password still works', async () => {
    const w = world({ sameAccount: true, settings: { masterPassword: 'keep' } })
    const rt = runtime('set-password')
    await step.run(w.ctx, rt)
    expect(w.destination.rds.calls()).toHaveLength(0)
    expect(rt.warnings).toEqual([
      "master-password is keep: the copy still has the source database's master password. Anyone who can reach the copy with it can read production data.",
    ])
  })
})
