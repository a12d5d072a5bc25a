/**
 * Hostile and unusual inputs (issue 7, "Bad input"): every free-text input checked by AWS's own
 * naming rules before any AWS call, identifiers lower-cased as AWS stores them, and nothing a
 * workflow command could ride on (line breaks, `::`).
 */
import { describe, expect, it } from '@jest/globals'
import { InputError, parseSettings, type SettingsLog } from '../src/inputs.js'
import { githubContext } from '../__fixtures__/github-context.js'

const SOURCE_ROLE = 'arn:aws:iam::111111111111:role/rds-refresh-source'
const DEST_ROLE = 'arn:aws:iam::222222222222:role/rds-refresh-destination'
const CROSS = { 'source-role-arn': SOURCE_ROLE, 'destination-role-arn': DEST_ROLE }
const MINIMAL = { 'aws-region': 'us-east-1', source: 'prod-db', target: 'staging-db' }
const STAGING_KEY = 'arn:aws:kms:us-east-1:222222222222:key/2222bbbb-0000-4000-8000-000000000002'
const PROD_KEY = 'arn:aws:kms:us-east-1:111111111111:key/1111aaaa-0000-4000-8000-000000000001'

function settingsWith(overrides: Record<string, string>, log?: SettingsLog) {
  return parseSettings({ ...MINIMAL, ...overrides }, {}, log, githubContext())
}

function errorWith(overrides: Record<string, string>): InputError {
  try {
    settingsWith(overrides)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error(`no error for ${JSON.stringify(overrides)}`)
}

describe('identifiers are lower-cased as AWS stores them', () => {
  it('lower-cases target, source and the identifier part of ARNs, and says so', () => {
    const lines: string[] = []
    const settings = settingsWith(
      {
        ...CROSS,
        target: 'Staging-DB',
        source: 'arn:aws:rds:us-east-1:111111111111:cluster:Prod-Aurora',
        'db-subnet-group': 'Staging Subnets',
      },
      { info: (message) => lines.push(message), warning: () => undefined },
    )
    expect(settings.target).toBe('staging-db')
    expect(settings.source).toEqual({
      identifier: 'prod-aurora',
      arn: 'arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora',
      accountId: '111111111111',
    })
    expect(settings.dbSubnetGroup).toBe('staging subnets')
    expect(lines).toEqual([
      "Input 'source' is 'arn:aws:rds:us-east-1:111111111111:cluster:Prod-Aurora': AWS stores it in lower case and matches it case-insensitively, so the action uses 'arn:aws:rds:us-east-1:111111111111:cluster:prod-aurora'.",
      "Input 'target' is 'Staging-DB': AWS stores it in lower case and matches it case-insensitively, so the action uses 'staging-db'.",
      "Input 'db-subnet-group' is 'Staging Subnets': AWS stores it in lower case and matches it case-insensitively, so the action uses 'staging subnets'.",
    ])
  })

  it('lower-cases the snapshot name in snapshot-arn', () => {
    const settings = settingsWith({
      phase: 'destination',
      source: '',
      'snapshot-arn': 'arn:aws:rds:us-east-1:111111111111:snapshot:RDS-Refresh-42-1-Snapshot',
    })
    expect(settings.snapshotArn).toBe(
      'arn:aws:rds:us-east-1:111111111111:snapshot:rds-refresh-42-1-snapshot',
    )
  })

  it('refuses a target that differs from the source only in case, in one account', () => {
    const error = errorWith({ source: 'prod-aurora', target: 'Prod-Aurora' })
    expect(error.input).toBe('target')
    expect(error.message).toContain('it is the source itself')
  })
})

describe('line breaks and workflow commands', () => {
  it.each([
    ['db-subnet-group', 'staging\n::warning::pwned'],
    ['db-cluster-parameter-group', 'pg\r\nx'],
    ['audience', 'sts.amazonaws.com\n::set-output name=x::y'],
    ['target', 'pr\n1'],
    ['kms-key-id', `${STAGING_KEY}\n`.repeat(2).trim()],
  ])('refuses a line break in %s without echoing it', (input, value) => {
    const error = errorWith({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toContain(`Input '${input}' contains a line break`)
    expect(error.message).not.toMatch(/[\r\n]/)
  })

  it.each([
    ['audience', '::add-mask::x'],
    ['tags', 'note=::warning::x'],
  ])("refuses '::' in %s", (input, value) => {
    const error = errorWith({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toContain("'::'")
  })

  it.each([
    ['db-subnet-group', 'a::b'],
    ['db-parameter-group', 'a::b'],
    ['target', 'a::b'],
    ['role-session-name', '::x'],
  ])("refuses '::' in %s by the input's own syntax", (input, value) => {
    expect(errorWith({ [input]: value }).input).toBe(input)
  })

  it("accepts '::' where the value's syntax has it (role ARNs)", () => {
    expect(settingsWith(CROSS).sourceRoleArn).toBe(SOURCE_ROLE)
  })
})

describe('DB subnet group names (CreateDBSubnetGroup)', () => {
  it('accepts letters, digits, periods, underscores, spaces and hyphens', () => {
    expect(settingsWith({ 'db-subnet-group': 'staging_db.subnets 2-a' }).dbSubnetGroup).toBe(
      'staging_db.subnets 2-a',
    )
    expect(settingsWith({ 'temp-db-subnet-group': 'relay-subnets' }).tempDbSubnetGroup).toBe(
      'relay-subnets',
    )
  })

  it.each([
    ['db-subnet-group', 'default'],
    ['db-subnet-group', 'Default'],
    ['db-subnet-group', 's'.repeat(256)],
    ['db-subnet-group', 'staging/db'],
    ['db-subnet-group', '<script>'],
    ['temp-db-subnet-group', 'x;y'],
  ])('refuses %s %j', (input, value) => {
    const error = errorWith({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toContain(
      "a DB subnet group name has at most 255 letters, digits, periods, underscores, spaces or hyphens, and is not 'default'",
    )
  })
})

describe('parameter group names', () => {
  it("accepts custom names and AWS's default groups", () => {
    const settings = settingsWith({
      'db-cluster-parameter-group': 'default.aurora-postgresql16',
      'db-parameter-group': 'Staging-PG16',
    })
    expect(settings.dbClusterParameterGroup).toBe('default.aurora-postgresql16')
    expect(settings.dbParameterGroup).toBe('staging-pg16')
    expect(settingsWith({ 'db-parameter-group': 'default.aurora-mysql8.0' }).dbParameterGroup).toBe(
      'default.aurora-mysql8.0',
    )
  })

  it.each([
    ['db-cluster-parameter-group', 'bad--name'],
    ['db-cluster-parameter-group', 'bad-'],
    ['db-parameter-group', '1pg'],
    ['db-parameter-group', 'pg_16'],
    ['db-parameter-group', 'p'.repeat(256)],
    ['db-parameter-group', 'custom.group'],
  ])('refuses %s %j', (input, value) => {
    const error = errorWith({ [input]: value })
    expect(error.input).toBe(input)
    expect(error.message).toContain(
      "a parameter group name has 1-255 letters, digits or hyphens, starts with a letter, and has no '--' and no trailing '-' (or is one of AWS's default.<family> groups",
    )
  })
})

describe('snapshot ARNs', () => {
  it.each([
    `arn:aws:rds:us-east-1:111111111111:snapshot:bad--name`,
    `arn:aws:rds:us-east-1:111111111111:snapshot:bad-`,
    `arn:aws:rds:us-east-1:111111111111:snapshot:${'s'.repeat(256)}`,
    `arn:aws:rds:us-east-1:111111111111:cluster-snapshot:${'s'.repeat(64)}`,
    `arn:aws:rds:us-east-1:111111111111:snapshot:1abc`,
  ])('refuses %s', (arn) => {
    const error = errorWith({ phase: 'destination', source: '', 'snapshot-arn': arn })
    expect(error.input).toBe('snapshot-arn')
  })

  it('accepts a 255-character DB snapshot name and a 63-character cluster snapshot name', () => {
    const db = `arn:aws:rds:us-east-1:111111111111:snapshot:${'s'.repeat(255)}`
    const cluster = `arn:aws:rds:us-east-1:111111111111:cluster-snapshot:${'s'.repeat(63)}`
    for (const arn of [db, cluster]) {
      expect(
        settingsWith({ phase: 'destination', source: '', 'snapshot-arn': arn }).snapshotArn,
      ).toBe(arn)
    }
  })
})

describe('KMS keys', () => {
  it.each([
    'foo',
    'alias/',
    'alias/bad name',
    'arn:aws:kms:us-east-1:222222222222:key/not-a-key-id',
    'arn:aws:kms:us-east-1:222222222222:alias/',
  ])('refuses %j', (value) => {
    const error = errorWith({ 'kms-key-id': value })
    expect(error.input).toBe('kms-key-id')
  })

  it('accepts key ids, multi-Region key ids and aliases in one account', () => {
    for (const value of [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      'alias/aws/rds',
      'alias/staging_key-1',
    ]) {
      expect(settingsWith({ 'kms-key-id': value }).kmsKeyId).toBe(value)
    }
  })

  it("refuses the source account's key on a cross-account copy", () => {
    const error = errorWith({ ...CROSS, 'kms-key-id': PROD_KEY })
    expect(error.input).toBe('kms-key-id')
    expect(error.message).toBe(
      `Input 'kms-key-id' is '${PROD_KEY}': this key belongs to the source account 111111111111, so the copy in account 222222222222 would be encrypted with the production key (readable by whoever the production key policy lets in, and broken when that policy changes). Pass a customer-managed key of the destination account 222222222222 (arn:aws:kms:<region>:222222222222:key/<id> or an alias ARN), which the copy is re-encrypted with.`,
    )
    const alias = errorWith({
      ...CROSS,
      'kms-key-id': 'arn:aws:kms:us-east-1:111111111111:alias/rds-prod',
    })
    expect(alias.input).toBe('kms-key-id')
  })

  it("accepts the destination's key across accounts, and any key in one account", () => {
    expect(settingsWith({ ...CROSS, 'kms-key-id': STAGING_KEY }).kmsKeyId).toBe(STAGING_KEY)
    expect(settingsWith({ 'source-role-arn': SOURCE_ROLE, 'kms-key-id': PROD_KEY }).kmsKeyId).toBe(
      PROD_KEY,
    )
  })
})

describe('tags (the AWS tag character set)', () => {
  it('accepts Unicode letters, digits, spaces and _ . : / = + - @', () => {
    expect(settingsWith({ tags: 'équipe=données 2,owner=db@acme.io,path=a/b:c+d=e' }).tags).toEqual(
      [
        { key: 'équipe', value: 'données 2' },
        { key: 'owner', value: 'db@acme.io' },
        { key: 'path', value: 'a/b:c+d=e' },
      ],
    )
  })

  it.each([
    ['team=<b>data</b>', "'team=<b>data</b>'"],
    ['team=data;rm', "'team=data;rm'"],
    ['te$m=data', "'te$m=data'"],
    ['team=🚀', "'team=🚀'"],
  ])('refuses %j', (value, shown) => {
    const error = errorWith({ tags: value })
    expect(error.input).toBe('tags')
    expect(error.message).toBe(
      `Input 'tags' has ${shown}: tag keys and values may contain only Unicode letters, digits, spaces and the characters _ . : / = + - @ (AWS's tag character set).`,
    )
  })

  it.each(['rds:team=data', 'team=aws:data', 'team=rds:x'])(
    'refuses the reserved prefixes aws: and rds: (%j)',
    (value) => {
      const error = errorWith({ tags: value })
      expect(error.input).toBe('tags')
      expect(error.message).toContain('reserved by AWS')
    },
  )

  it('counts Unicode characters, not UTF-16 units, against the lengths', () => {
    expect(settingsWith({ tags: `${'é'.repeat(128)}=${'ü'.repeat(256)}` }).tags).toHaveLength(1)
    expect(errorWith({ tags: `${'𝒜'.repeat(129)}=v` }).input).toBe('tags')
  })
})

describe('storage inputs that contradict each other', () => {
  it.each(['gp2', 'standard', 'aurora'])('refuses iops with storage-type %s', (storageType) => {
    const error = errorWith({ 'storage-type': storageType, iops: '3000' })
    expect(error.input).toBe('iops')
    expect(error.message).toContain(`storage-type ${storageType} has no provisioned IOPS`)
  })
})
