import { describe, expect, it } from '@jest/globals'
import { fails, handlerCaller } from './handler-calls.ts'
import { type Scenario, type ServiceEnv, type TimelineEvent } from '../src/core/types.ts'
import { createKms } from '../src/services/kms/index.ts'

const REGION = 'eu-west-1'
const SOURCE = '111111111111'
const DEST = '222222222222'
const OTHER = '333333333333'
const KEY_ID = '0b6e5a4e-1111-4c2b-9a4d-000000000001'
const KEY_ARN = `arn:aws:kms:${REGION}:${SOURCE}:key/${KEY_ID}`

function harness() {
  let now = Date.parse('2026-11-01T00:00:00Z')
  const events: TimelineEvent[] = []
  const env: ServiceEnv = {
    region: REGION,
    clock: { now: () => now, scale: 1, toRealMs: (s) => s * 1000 },
    timeline: { record: (e) => events.push(e), events },
    accounts: new Map([
      [SOURCE, { id: SOURCE, name: 'prod' }],
      [DEST, { id: DEST, name: 'dev' }],
      [OTHER, { id: OTHER, name: 'other' }],
    ]),
    scenario: {} as Scenario,
  }
  const kms = createKms(env)
  const call = handlerCaller({ service: 'kms', handlers: kms.handlers, region: REGION })
  return { kms, call, fails, advance: (ms: number) => (now += ms) }
}

function seeded() {
  const h = harness()
  h.kms.seed([
    { account: SOURCE, keyId: KEY_ID, alias: 'prod-db', allowAccounts: [DEST] },
    { account: SOURCE, alias: 'private' },
    { account: DEST, alias: 'dev-db' },
    { account: SOURCE, alias: 'off', enabled: false, allowAccounts: [DEST] },
  ])
  return h
}

const metadata = (out: Record<string, unknown>) => out.KeyMetadata as Record<string, unknown>

describe('KMS key resolution', () => {
  it('DescribeKey finds a key by id, key ARN, alias name and alias ARN', async () => {
    const { call } = seeded()
    for (const ref of [
      KEY_ID,
      KEY_ARN,
      'alias/prod-db',
      `arn:aws:kms:${REGION}:${SOURCE}:alias/prod-db`,
    ]) {
      const key = metadata(await call(SOURCE, 'DescribeKey', { KeyId: ref }))
      expect(key).toMatchObject({
        KeyId: KEY_ID,
        Arn: KEY_ARN,
        AWSAccountId: SOURCE,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
        Enabled: true,
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'SYMMETRIC_DEFAULT',
        Origin: 'AWS_KMS',
        MultiRegion: false,
      })
      expect(key.CreationDate).toBeInstanceOf(Date)
    }
  })

  it('answers NotFoundException with KMS messages for unknown ids, ARNs and aliases', async () => {
    const { call, fails } = seeded()
    const missing = '0b6e5a4e-1111-4c2b-9a4d-00000000ffff'
    await fails(
      call(SOURCE, 'DescribeKey', { KeyId: missing }),
      'NotFoundException',
      `Key 'arn:aws:kms:${REGION}:${SOURCE}:key/${missing}' does not exist`,
    )
    await fails(
      call(SOURCE, 'DescribeKey', { KeyId: 'nope' }),
      'NotFoundException',
      "Invalid keyId 'nope'",
    )
    await fails(
      call(SOURCE, 'DescribeKey', { KeyId: 'alias/nope' }),
      'NotFoundException',
      `Alias 'arn:aws:kms:${REGION}:${SOURCE}:alias/nope' is not found.`,
    )
    await fails(
      call(SOURCE, 'DescribeKey', { KeyId: 'arn:aws:s3:::bucket' }),
      'InvalidArnException',
    )
  })

  it('looks up ids and alias names in the caller account only', async () => {
    const { call, fails, kms } = seeded()
    await fails(call(DEST, 'DescribeKey', { KeyId: KEY_ID }), 'NotFoundException')
    await fails(call(DEST, 'DescribeKey', { KeyId: 'alias/prod-db' }), 'NotFoundException')
    expect(kms.view.resolveKey(DEST, KEY_ID)).toBeUndefined()
    expect(kms.view.resolveKey(DEST, 'alias/dev-db')?.account).toBe(DEST)
    expect(kms.view.resolveKey(DEST, KEY_ARN)).toEqual({
      arn: KEY_ARN,
      keyId: KEY_ID,
      account: SOURCE,
      manager: 'CUSTOMER',
      enabled: true,
    })
    expect(kms.view.resolveKey(DEST, `arn:aws:kms:${REGION}:${SOURCE}:alias/prod-db`)?.arn).toBe(
      KEY_ARN,
    )
    expect(kms.view.resolveKey(DEST, 'arn:aws:kms:bad')).toBeUndefined()
  })

  it('lets another account describe a key only when the key policy allows it', async () => {
    const { call, fails } = seeded()
    expect(metadata(await call(DEST, 'DescribeKey', { KeyId: KEY_ARN })).KeyId).toBe(KEY_ID)
    await fails(
      call(OTHER, 'DescribeKey', { KeyId: KEY_ARN }),
      'AccessDeniedException',
      `User: arn:aws:sts::${OTHER}:assumed-role/deployer/session is not authorized to perform: ` +
        `kms:DescribeKey on resource: ${KEY_ARN} because no resource-based policy allows the ` +
        'kms:DescribeKey action',
    )
  })
})

describe('KMS canUse and the aws/rds key', () => {
  it('canUse: owner, policy-allowed accounts, and only while enabled', () => {
    const { kms } = seeded()
    const off = kms.view.resolveKey(SOURCE, 'alias/off')!
    const priv = kms.view.resolveKey(SOURCE, 'alias/private')!
    expect(kms.view.canUse(SOURCE, KEY_ARN)).toBe(true)
    expect(kms.view.canUse(DEST, KEY_ARN)).toBe(true)
    expect(kms.view.canUse(OTHER, KEY_ARN)).toBe(false)
    expect(kms.view.canUse(DEST, priv.arn)).toBe(false)
    expect(kms.view.canUse(SOURCE, priv.arn)).toBe(true)
    expect(off.enabled).toBe(false)
    expect(kms.view.canUse(SOURCE, off.arn)).toBe(false)
    expect(kms.view.canUse(DEST, off.arn)).toBe(false)
    expect(kms.view.canUse(SOURCE, `arn:aws:kms:${REGION}:${SOURCE}:key/unknown`)).toBe(false)
  })

  it('creates alias/aws/rds lazily, once, and never lets another account use it', async () => {
    const { kms, call, fails } = seeded()
    const before = await call(SOURCE, 'ListAliases')
    expect((before.Aliases as { AliasName: string }[]).map((a) => a.AliasName)).toEqual([
      'alias/off',
      'alias/private',
      'alias/prod-db',
    ])
    const managed = kms.view.awsManagedRdsKey(SOURCE)
    expect(managed).toMatchObject({ account: SOURCE, manager: 'AWS', enabled: true })
    expect(kms.view.awsManagedRdsKey(SOURCE)).toEqual(managed)
    expect(kms.view.resolveKey(SOURCE, 'alias/aws/rds')).toEqual(managed)
    expect(kms.view.canUse(SOURCE, managed.arn)).toBe(true)
    expect(kms.view.canUse(DEST, managed.arn)).toBe(false)
    const after = await call(SOURCE, 'ListAliases')
    expect(after.Aliases).toContainEqual(
      expect.objectContaining({ AliasName: 'alias/aws/rds', TargetKeyId: managed.keyId }),
    )
    await fails(call(DEST, 'DescribeKey', { KeyId: managed.arn }), 'AccessDeniedException')
    await fails(
      call(SOURCE, 'PutKeyPolicy', {
        KeyId: managed.arn,
        Policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: DEST }, Action: 'kms:*' }],
        }),
      }),
      'AccessDeniedException',
    )
    await fails(
      call(SOURCE, 'CreateGrant', {
        KeyId: managed.arn,
        GranteePrincipal: DEST,
        Operations: ['Decrypt'],
      }),
      'AccessDeniedException',
    )
    expect(kms.view.canUse(DEST, managed.arn)).toBe(false)
  })

  it('DescribeKey of alias/aws/rds creates the AWS-managed key, like KMS for predefined aliases', async () => {
    const { kms, call } = seeded()
    const key = metadata(await call(DEST, 'DescribeKey', { KeyId: 'alias/aws/rds' }))
    expect(key).toMatchObject({ KeyManager: 'AWS', AWSAccountId: DEST })
    expect(kms.view.awsManagedRdsKey(DEST).keyId).toBe(key.KeyId)
    expect(kms.inventory(DEST)['kms-keys']).toHaveLength(2)
  })
})

describe('KMS key policy', () => {
  const policyFor = (...statements: object[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements })
  const ownerAdmin = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
    Action: 'kms:*',
  }

  it('GetKeyPolicy returns the default policy naming allowed accounts', async () => {
    const { call } = seeded()
    const out = await call(SOURCE, 'GetKeyPolicy', { KeyId: 'alias/prod-db' })
    expect(out.PolicyName).toBe('default')
    const doc = JSON.parse(out.Policy as string)
    expect(doc.Statement[0]).toMatchObject({
      Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
      Action: 'kms:*',
    })
    expect(doc.Statement[1].Principal).toEqual({ AWS: [`arn:aws:iam::${DEST}:root`] })
    expect(doc.Statement[1].Action).toContain('kms:Decrypt')
  })

  const rdsUse = ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']

  it('PutKeyPolicy grants and withdraws RDS use by account root ARN or bare id', async () => {
    const { call, kms } = seeded()
    const priv = kms.view.resolveKey(SOURCE, 'alias/private')!
    await call(SOURCE, 'PutKeyPolicy', {
      KeyId: priv.keyId,
      Policy: policyFor(ownerAdmin, {
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${DEST}:root`, OTHER] },
        Action: [...rdsUse, 'kms:DescribeKey'],
      }),
    })
    expect(kms.view.canUse(DEST, priv.arn)).toBe(true)
    expect(kms.view.canUse(OTHER, priv.arn)).toBe(true)
    expect(kms.inventory(SOURCE)['kms-keys']).toContainEqual(
      expect.objectContaining({ arn: priv.arn, allowAccounts: [DEST, OTHER] }),
    )
    const policy = policyFor(
      ownerAdmin,
      { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'kms:*' },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEST}:role/x` }, Action: 'kms:*' },
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${DEST}:root` }, Action: 'kms:Encrypt' },
    )
    await call(SOURCE, 'PutKeyPolicy', { KeyId: priv.arn, Policy: policy, PolicyName: 'default' })
    expect(kms.view.canUse(DEST, priv.arn)).toBe(false)
    expect(kms.view.canUse(OTHER, priv.arn)).toBe(true)
    expect((await call(SOURCE, 'GetKeyPolicy', { KeyId: priv.arn })).Policy).toBe(policy)
    await call(SOURCE, 'PutKeyPolicy', {
      KeyId: priv.arn,
      Policy: policyFor(
        ownerAdmin,
        { Effect: 'Allow', Principal: { AWS: OTHER }, Action: 'kms:*' },
        { Effect: 'Deny', Principal: { AWS: OTHER }, Action: 'kms:Decrypt' },
      ),
    })
    expect(kms.view.canUse(OTHER, priv.arn)).toBe(false)
  })

  it('evaluates each action on its own: DescribeKey and RDS use are separate grants', async () => {
    const { call, fails, kms } = seeded()
    const priv = kms.view.resolveKey(SOURCE, 'alias/private')!
    const describeOnly = policyFor(ownerAdmin, {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${DEST}:root` },
      Action: 'kms:DescribeKey',
    })
    await call(SOURCE, 'PutKeyPolicy', { KeyId: priv.arn, Policy: describeOnly })
    expect(metadata(await call(DEST, 'DescribeKey', { KeyId: priv.arn })).Arn).toBe(priv.arn)
    expect(kms.view.canUse(DEST, priv.arn)).toBe(false)

    // Every action but one of what RDS needs: still not usable; and no DescribeKey.
    for (const missing of rdsUse) {
      await call(SOURCE, 'PutKeyPolicy', {
        KeyId: priv.arn,
        Policy: policyFor(ownerAdmin, {
          Effect: 'Allow',
          Principal: { AWS: DEST },
          Action: rdsUse.filter((a) => a !== missing),
        }),
      })
      expect(kms.view.canUse(DEST, priv.arn)).toBe(false)
    }
    await call(SOURCE, 'PutKeyPolicy', {
      KeyId: priv.arn,
      Policy: policyFor(ownerAdmin, { Effect: 'Allow', Principal: { AWS: DEST }, Action: rdsUse }),
    })
    expect(kms.view.canUse(DEST, priv.arn)).toBe(true)
    await fails(call(DEST, 'DescribeKey', { KeyId: priv.arn }), 'AccessDeniedException')
  })

  it('a grant condition (kms:GrantIsForAWSResource) holds for RDS, not for a direct CreateGrant', async () => {
    const { call, fails, kms } = seeded()
    const priv = kms.view.resolveKey(SOURCE, 'alias/private')!
    await call(SOURCE, 'PutKeyPolicy', {
      KeyId: priv.arn,
      Policy: policyFor(
        ownerAdmin,
        {
          Effect: 'Allow',
          Principal: { AWS: DEST },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        },
        {
          Effect: 'Allow',
          Principal: { AWS: DEST },
          Action: 'kms:CreateGrant',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      ),
    })
    expect(kms.view.canUse(DEST, priv.arn)).toBe(true)
    await fails(
      call(DEST, 'CreateGrant', {
        KeyId: priv.arn,
        GranteePrincipal: `arn:aws:iam::${DEST}:root`,
        Operations: ['Decrypt'],
      }),
      'AccessDeniedException',
    )
  })

  it('PutKeyPolicy refuses malformed documents and owner lockout unless bypassed', async () => {
    const { call, fails, kms } = seeded()
    await fails(
      call(SOURCE, 'PutKeyPolicy', { KeyId: KEY_ID, Policy: '{not json' }),
      'MalformedPolicyDocumentException',
    )
    const lockout = policyFor({
      Effect: 'Allow',
      Principal: { AWS: DEST },
      Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
    })
    await fails(
      call(SOURCE, 'PutKeyPolicy', { KeyId: KEY_ID, Policy: lockout }),
      'MalformedPolicyDocumentException',
      'The new key policy will not allow you to update the key policy in the future.',
    )
    await call(SOURCE, 'PutKeyPolicy', {
      KeyId: KEY_ID,
      Policy: lockout,
      BypassPolicyLockoutSafetyCheck: true,
    })
    expect(kms.view.canUse(DEST, KEY_ARN)).toBe(true)
  })

  it('key policies cannot be read or changed from another account', async () => {
    const { call, fails } = seeded()
    await fails(call(DEST, 'GetKeyPolicy', { KeyId: KEY_ARN }), 'AccessDeniedException')
    await fails(
      call(DEST, 'PutKeyPolicy', { KeyId: KEY_ARN, Policy: '{}' }),
      'AccessDeniedException',
    )
  })
})

describe('KMS keys and aliases', () => {
  it('CreateKey and CreateAlias make a usable customer key', async () => {
    const { call, fails, kms } = seeded()
    const key = metadata(await call(DEST, 'CreateKey', { Description: 'dev refresh key' }))
    expect(key).toMatchObject({
      AWSAccountId: DEST,
      KeyManager: 'CUSTOMER',
      Description: 'dev refresh key',
    })
    await call(DEST, 'CreateAlias', { AliasName: 'alias/refresh', TargetKeyId: key.Arn })
    expect(kms.view.resolveKey(DEST, 'alias/refresh')?.keyId).toBe(key.KeyId)
    await fails(
      call(DEST, 'CreateAlias', { AliasName: 'alias/refresh', TargetKeyId: key.KeyId }),
      'AlreadyExistsException',
      `An alias with the name arn:aws:kms:${REGION}:${DEST}:alias/refresh already exists`,
    )
    await fails(
      call(DEST, 'CreateAlias', { AliasName: 'alias/aws/x', TargetKeyId: key.KeyId }),
      'InvalidAliasNameException',
    )
    await fails(
      call(DEST, 'CreateAlias', { AliasName: 'refresh2', TargetKeyId: key.KeyId }),
      'ValidationException',
    )
    await fails(
      call(DEST, 'CreateAlias', { AliasName: 'alias/mine', TargetKeyId: KEY_ARN }),
      'AccessDeniedException',
    )
    await fails(call(DEST, 'CreateKey', { Origin: 'EXTERNAL' }), 'UnsupportedOperationException')
  })

  it('ListAliases pages with Limit and Marker and filters by key', async () => {
    const { call, fails } = seeded()
    const first = await call(SOURCE, 'ListAliases', { Limit: 2 })
    expect(first).toMatchObject({ Truncated: true, NextMarker: '2' })
    expect((first.Aliases as unknown[]).length).toBe(2)
    const second = await call(SOURCE, 'ListAliases', { Limit: 2, Marker: first.NextMarker })
    expect(second.Truncated).toBe(false)
    expect(second.NextMarker).toBeUndefined()
    expect((second.Aliases as { AliasName: string }[]).map((a) => a.AliasName)).toEqual([
      'alias/prod-db',
    ])
    const byKey = await call(SOURCE, 'ListAliases', { KeyId: KEY_ID })
    expect(byKey.Aliases).toEqual([
      expect.objectContaining({
        AliasName: 'alias/prod-db',
        AliasArn: `arn:aws:kms:${REGION}:${SOURCE}:alias/prod-db`,
        TargetKeyId: KEY_ID,
      }),
    ])
    await fails(call(SOURCE, 'ListAliases', { Marker: 'garbage' }), 'InvalidMarkerException')
  })
})

describe('KMS grants', () => {
  it('creates, lists, retires and revokes grants, visible in inventory', async () => {
    const { call, fails, kms } = seeded()
    const grantee = `arn:aws:iam::${DEST}:role/rds-refresh`
    const created = await call(DEST, 'CreateGrant', {
      KeyId: KEY_ARN,
      GranteePrincipal: grantee,
      Operations: ['Decrypt', 'CreateGrant'],
      Name: 'refresh',
    })
    expect(created.GrantId).toMatch(/^[0-9a-f]{64}$/)
    expect(typeof created.GrantToken).toBe('string')
    const again = await call(DEST, 'CreateGrant', {
      KeyId: KEY_ARN,
      GranteePrincipal: grantee,
      Operations: ['CreateGrant', 'Decrypt'],
      Name: 'refresh',
    })
    expect(again.GrantId).toBe(created.GrantId)
    const other = await call(SOURCE, 'CreateGrant', {
      KeyId: KEY_ID,
      GranteePrincipal: `arn:aws:iam::${SOURCE}:role/app`,
      Operations: ['Encrypt'],
    })
    const listed = await call(SOURCE, 'ListGrants', { KeyId: KEY_ID })
    expect(listed.Truncated).toBe(false)
    expect(listed.Grants).toEqual([
      expect.objectContaining({
        GrantId: created.GrantId,
        KeyId: KEY_ARN,
        GranteePrincipal: grantee,
        IssuingAccount: `arn:aws:iam::${DEST}:root`,
        Operations: ['Decrypt', 'CreateGrant'],
        Name: 'refresh',
      }),
      expect.objectContaining({ GrantId: other.GrantId }),
    ])
    expect(kms.inventory(SOURCE)['kms-grants']).toHaveLength(2)
    expect(kms.inventory(DEST)['kms-grants']).toEqual([
      expect.objectContaining({ grantId: created.GrantId, keyArn: KEY_ARN, issuingAccount: DEST }),
    ])

    await fails(
      call(OTHER, 'RetireGrant', { KeyId: KEY_ARN, GrantId: created.GrantId }),
      'AccessDeniedException',
    )
    await call(DEST, 'RetireGrant', { KeyId: KEY_ARN, GrantId: created.GrantId })
    await fails(
      call(DEST, 'RetireGrant', { KeyId: KEY_ARN, GrantId: created.GrantId }),
      'NotFoundException',
      `Grant ID ${created.GrantId} not found for key ${KEY_ARN}`,
    )
    await fails(
      call(SOURCE, 'RevokeGrant', { KeyId: KEY_ID, GrantId: 'short' }),
      'InvalidGrantIdException',
    )
    await fails(
      call(SOURCE, 'RevokeGrant', { KeyId: KEY_ID, GrantId: other.GrantId, DryRun: true }),
      'DryRunOperationException',
    )
    await call(SOURCE, 'RevokeGrant', { KeyId: KEY_ID, GrantId: other.GrantId })
    expect((await call(SOURCE, 'ListGrants', { KeyId: KEY_ID })).Grants).toEqual([])
    expect(kms.inventory(SOURCE)['kms-grants']).toEqual([])
  })

  it('refuses grants on disabled keys and keys the caller may not use', async () => {
    const { call, fails, kms } = seeded()
    const off = kms.view.resolveKey(SOURCE, 'alias/off')!
    await fails(
      call(DEST, 'CreateGrant', {
        KeyId: off.arn,
        GranteePrincipal: DEST,
        Operations: ['Decrypt'],
      }),
      'DisabledException',
      `${off.arn} is disabled.`,
    )
    await fails(
      call(OTHER, 'CreateGrant', {
        KeyId: KEY_ARN,
        GranteePrincipal: OTHER,
        Operations: ['Decrypt'],
      }),
      'AccessDeniedException',
    )
    await fails(
      call(DEST, 'CreateGrant', { KeyId: KEY_ARN, Operations: ['Decrypt'] }),
      'ValidationException',
    )
    await fails(call(DEST, 'ListGrants', { KeyId: KEY_ID }), 'NotFoundException')
  })
})
