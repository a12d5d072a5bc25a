import { describe, expect, it, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import {
  INPUT_DEFAULTS,
  INPUT_NAMES,
  InputError,
  getSettings,
  parseSettings,
} from '../src/inputs.js'
import { githubContext } from '../__fixtures__/github-context.js'

const SOURCE_ROLE = 'arn:aws:iam::111111111111:role/rds-refresh-source'
const DEST_ROLE = 'arn:aws:iam::222222222222:role/ci/rds-refresh-destination'
const MINIMAL = { 'aws-region': 'us-east-1', source: 'prod-db', target: 'staging-db' }
const NO_ENV: NodeJS.ProcessEnv = {}

/** Parses MINIMAL with `overrides` (a value of undefined removes the input). */
function settingsWith(overrides: Record<string, string | undefined>, env = NO_ENV) {
  const raw = Object.fromEntries(
    Object.entries({ ...MINIMAL, ...overrides }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  )
  return parseSettings(raw, env, undefined, githubContext(env))
}

/** The InputError parseSettings throws for `overrides`. */
function errorWith(overrides: Record<string, string | undefined>, env = NO_ENV): InputError {
  try {
    settingsWith(overrides, env)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error(`no error for ${JSON.stringify(overrides)}`)
}

describe('happy paths', () => {
  it('reads allowed-account-ids as a list and plans a sweep without source or target', () => {
    const settings = settingsWith({
      operation: 'plan',
      'plan-operation': 'sweep',
      source: undefined,
      target: undefined,
      'allowed-account-ids': '111111111111\n222222222222,',
    })
    expect(settings.planOperation).toBe('sweep')
    expect(settings.allowedAccountIds).toEqual(['111111111111', '222222222222'])
  })

  it('applies every default to a minimal refresh', () => {
    expect(settingsWith({})).toEqual({
      operation: 'refresh',
      planOperation: 'refresh',
      allowedAccountIds: [],
      finalSnapshotIdentifier: undefined,
      phase: 'all',
      region: 'us-east-1',
      sourceRoleArn: undefined,
      destinationRoleArn: undefined,
      audience: 'sts.amazonaws.com',
      roleSessionName: 'rds-refresh',
      roleDurationSeconds: 3600,
      source: { identifier: 'prod-db' },
      target: 'staging-db',
      method: 'auto',
      multiAzPath: 'auto',
      ifExists: 'fail',
      replaceStrategy: 'swap',
      snapshotArn: undefined,
      kmsKeyId: undefined,
      dbSubnetGroup: undefined,
      vpcSecurityGroupIds: [],
      dbClusterParameterGroup: undefined,
      dbParameterGroup: undefined,
      tempDbSubnetGroup: undefined,
      tempVpcSecurityGroupIds: [],
      instanceClass: undefined,
      instanceCount: 1,
      serverless: undefined,
      storageType: undefined,
      iops: undefined,
      multiAz: false,
      publiclyAccessible: false,
      deletionProtection: false,
      masterPassword: 'secrets-manager',
      ttlSeconds: undefined,
      tags: [],
      keepSnapshots: false,
      allowExternalPrincipals: false,
      timeoutMinutes: 350,
      pollIntervalSeconds: 10,
      maxAttempts: 5,
      endpointUrl: undefined,
      pullRequestComment: true,
      githubToken: undefined,
      run: {
        repository: '',
        runId: '',
        runAttempt: '1',
        workflow: '',
        serverUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
      },
    })
  })

  it('reads a full cross-account configuration and the run context', () => {
    const settings = settingsWith(
      {
        operation: 'refresh',
        phase: 'all',
        'aws-region': 'eu-central-2',
        'source-role-arn': 'arn:aws:iam::111111111111:role/rds-refresh-source',
        'destination-role-arn': 'arn:aws:iam::222222222222:role/ci/rds-refresh-destination',
        audience: 'sts.example.com',
        'role-session-name': 'nightly@refresh',
        'role-duration-seconds': '43200',
        source: 'arn:aws:rds:eu-central-2:111111111111:cluster:prod-db',
        target: 'pr-123-app',
        method: 'relay',
        'multi-az-path': 'seven-step',
        'if-exists': 'replace',
        'kms-key-id': 'arn:aws:kms:eu-central-2:222222222222:alias/staging',
        'allow-external-principals': 'true',
        'db-subnet-group': 'staging-subnets',
        'vpc-security-group-ids': 'sg-0123abcd, sg-0123456789abcdef0',
        'db-cluster-parameter-group': 'staging-cluster-params',
        'db-parameter-group': 'staging-params',
        'temp-db-subnet-group': 'relay-subnets',
        'temp-vpc-security-group-ids': 'sg-89abcdef',
        'instance-class': 'db.serverless',
        'instance-count': '16',
        'serverless-min-capacity': '0',
        'serverless-max-capacity': '2.5',
        'storage-type': 'io2',
        iops: '256000',
        'multi-az': 'true',
        'publicly-accessible': 'True',
        'deletion-protection': 'TRUE',
        'master-password': 'generate',
        ttl: '72h',
        tags: 'team=data\ncost-center=42',
        'keep-snapshots': 'true',
        'deadline-minutes': '1',
        'poll-interval-seconds': '0.01',
        'max-attempts': '20',
        'endpoint-url': 'http://127.0.0.1:4566',
      },
      {
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_RUN_ID: '987654',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_WORKFLOW: 'Refresh staging',
        GITHUB_SERVER_URL: 'https://ghe.example.com',
      },
    )
    expect(settings).toEqual({
      operation: 'refresh',
      planOperation: 'refresh',
      allowedAccountIds: [],
      finalSnapshotIdentifier: undefined,
      phase: 'all',
      region: 'eu-central-2',
      sourceRoleArn: SOURCE_ROLE,
      destinationRoleArn: DEST_ROLE,
      audience: 'sts.example.com',
      roleSessionName: 'nightly@refresh',
      roleDurationSeconds: 43200,
      source: {
        identifier: 'prod-db',
        arn: 'arn:aws:rds:eu-central-2:111111111111:cluster:prod-db',
        accountId: '111111111111',
      },
      target: 'pr-123-app',
      method: 'relay',
      multiAzPath: 'seven-step',
      ifExists: 'replace',
      replaceStrategy: 'swap',
      snapshotArn: undefined,
      kmsKeyId: 'arn:aws:kms:eu-central-2:222222222222:alias/staging',
      dbSubnetGroup: 'staging-subnets',
      vpcSecurityGroupIds: ['sg-0123abcd', 'sg-0123456789abcdef0'],
      dbClusterParameterGroup: 'staging-cluster-params',
      dbParameterGroup: 'staging-params',
      tempDbSubnetGroup: 'relay-subnets',
      tempVpcSecurityGroupIds: ['sg-89abcdef'],
      instanceClass: 'db.serverless',
      instanceCount: 16,
      serverless: { minCapacity: 0, maxCapacity: 2.5 },
      storageType: 'io2',
      iops: 256000,
      multiAz: true,
      publiclyAccessible: true,
      deletionProtection: true,
      masterPassword: 'generate',
      ttlSeconds: 72 * 3600,
      tags: [
        { key: 'team', value: 'data' },
        { key: 'cost-center', value: '42' },
      ],
      keepSnapshots: true,
      allowExternalPrincipals: true,
      timeoutMinutes: 1,
      pollIntervalSeconds: 0.01,
      maxAttempts: 20,
      endpointUrl: 'http://127.0.0.1:4566',
      pullRequestComment: true,
      githubToken: undefined,
      run: {
        repository: 'acme/app',
        runId: '987654',
        runAttempt: '3',
        workflow: 'Refresh staging',
        serverUrl: 'https://ghe.example.com',
        apiUrl: 'https://api.github.com',
        sha: undefined,
        actor: undefined,
        eventName: undefined,
      },
    })
  })

  it('returns deeply frozen settings', () => {
    const settings = settingsWith({ tags: 'a=b', 'vpc-security-group-ids': 'sg-0123abcd' })
    expect(Object.isFrozen(settings)).toBe(true)
    expect(Object.isFrozen(settings.source)).toBe(true)
    expect(Object.isFrozen(settings.run)).toBe(true)
    expect(Object.isFrozen(settings.tags)).toBe(true)
    expect(Object.isFrozen(settings.tags[0])).toBe(true)
    expect(Object.isFrozen(settings.vpcSecurityGroupIds)).toBe(true)
  })

  it('defaults destination-role-arn to source-role-arn', () => {
    const settings = settingsWith({ 'source-role-arn': SOURCE_ROLE })
    expect(settings.destinationRoleArn).toBe(SOURCE_ROLE)
  })

  it('defaults role-session-name to rds-refresh-<run id>-<attempt>[-pr<number>]-<repository>', () => {
    expect(settingsWith({}, { GITHUB_RUN_ID: '42' }).roleSessionName).toBe('rds-refresh-42-1')
    const pr = githubContext(
      {
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '2',
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_EVENT_NAME: 'pull_request',
      },
      { pull_request: { number: 17 } },
    )
    expect(parseSettings(MINIMAL, {}, undefined, pr).roleSessionName).toBe(
      'rds-refresh-42-2-pr17-acme.app',
    )
    expect(settingsWith({}).roleSessionName).toBe('rds-refresh')
  })

  test.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])('accepts ARNs in partition %s', (partition, region) => {
    const settings = settingsWith({
      'aws-region': region,
      'source-role-arn': `arn:${partition}:iam::111111111111:role/source`,
      'destination-role-arn': `arn:${partition}:iam::222222222222:role/destination`,
      source: `arn:${partition}:rds:${region}:111111111111:db:prod-db`,
      'kms-key-id': `arn:${partition}:kms:${region}:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    })
    expect(settings.source).toEqual({
      identifier: 'prod-db',
      arn: `arn:${partition}:rds:${region}:111111111111:db:prod-db`,
      accountId: '111111111111',
    })
    expect(settings.destinationRoleArn).toBe(`arn:${partition}:iam::222222222222:role/destination`)
  })

  it('splits lists on commas and new lines, trims and drops empties', () => {
    const settings = settingsWith({
      'vpc-security-group-ids': ' sg-0123abcd ,\n\nsg-89abcdef,,\n  sg-0123456789abcdef0\n',
      tags: 'team = data,\n owner=db-team \n\n,empty=',
    })
    expect(settings.vpcSecurityGroupIds).toEqual([
      'sg-0123abcd',
      'sg-89abcdef',
      'sg-0123456789abcdef0',
    ])
    expect(settings.tags).toEqual([
      { key: 'team', value: 'data' },
      { key: 'owner', value: 'db-team' },
      { key: 'empty', value: '' },
    ])
  })

  test.each([
    ['60m', 3600],
    ['90m', 5400],
    ['72h', 259200],
    ['7d', 604800],
    ['2w', 1209600],
    ['365d', 31536000],
  ])('reads ttl %s as %i seconds', (ttl, seconds) => {
    expect(settingsWith({ ttl }).ttlSeconds).toBe(seconds)
  })

  it('falls back to AWS_REGION, then AWS_DEFAULT_REGION', () => {
    const noRegion = { 'aws-region': undefined }
    expect(
      settingsWith(noRegion, { AWS_REGION: 'ap-southeast-4', AWS_DEFAULT_REGION: 'us-west-2' })
        .region,
    ).toBe('ap-southeast-4')
    expect(settingsWith(noRegion, { AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe('us-west-2')
    expect(settingsWith({}, { AWS_REGION: 'us-west-2' }).region).toBe('us-east-1')
  })

  it('reads replace-strategy: swap by default, delete-first only with if-exists replace', () => {
    expect(settingsWith({ 'if-exists': 'replace' }).replaceStrategy).toBe('swap')
    expect(
      settingsWith({ 'if-exists': 'replace', 'replace-strategy': 'delete-first' }).replaceStrategy,
    ).toBe('delete-first')
    const unknown = errorWith({ 'if-exists': 'replace', 'replace-strategy': 'rename' })
    expect({ input: unknown.input, value: unknown.value }).toEqual({
      input: 'replace-strategy',
      value: 'rename',
    })
    const alone = errorWith({ 'replace-strategy': 'delete-first' })
    expect(alone.input).toBe('replace-strategy')
    expect(alone.message).toContain("if-exists is 'fail'; set if-exists: replace")
  })

  it('allows if-exists replace with operation plan', () => {
    expect(settingsWith({ operation: 'plan', 'if-exists': 'replace' }).ifExists).toBe('replace')
  })

  it('needs only snapshot-arn and target for phase destination', () => {
    const snapshotArn = 'arn:aws:rds:us-east-1:111111111111:cluster-snapshot:rds-refresh-42-1'
    const settings = settingsWith({
      phase: 'destination',
      source: undefined,
      'snapshot-arn': snapshotArn,
    })
    expect(settings.snapshotArn).toBe(snapshotArn)
    expect(settings.source).toBeUndefined()
  })

  it('needs no target for phase source', () => {
    expect(settingsWith({ phase: 'source', target: undefined }).target).toBeUndefined()
  })

  it('needs neither source nor target for sweep', () => {
    expect(
      settingsWith({ operation: 'sweep', source: undefined, target: undefined }).operation,
    ).toBe('sweep')
  })

  it('accepts a key id or alias/name in the same account', () => {
    expect(settingsWith({ 'kms-key-id': 'alias/staging' }).kmsKeyId).toBe('alias/staging')
    const sameRole = { 'source-role-arn': SOURCE_ROLE, 'destination-role-arn': SOURCE_ROLE }
    expect(
      settingsWith({ ...sameRole, 'kms-key-id': '1234abcd-12ab-34cd-56ef-1234567890ab' }).kmsKeyId,
    ).toBe('1234abcd-12ab-34cd-56ef-1234567890ab')
  })

  it('accepts a target named like the source in another account', () => {
    const settings = settingsWith({
      'source-role-arn': SOURCE_ROLE,
      'destination-role-arn': DEST_ROLE,
      target: 'prod-db',
    })
    expect(settings.target).toBe('prod-db')
  })
})

describe('rejections', () => {
  const IDENTIFIER =
    "an identifier has 1-63 letters, digits or hyphens, starts with a letter, and has no '--' and no trailing '-'."
  const ROLE =
    'a role ARN looks like arn:aws:iam::123456789012:role/name (partition aws, aws-cn or aws-us-gov; a path is allowed).'
  const SOURCE =
    'give a DB cluster or DB instance identifier, or its ARN: arn:aws:rds:<region>:<account>:cluster:<id> or arn:aws:rds:<region>:<account>:db:<id> (partition aws, aws-cn or aws-us-gov).'
  const SNAPSHOT =
    'a snapshot ARN looks like arn:aws:rds:<region>:<account>:snapshot:<name> or arn:aws:rds:<region>:<account>:cluster-snapshot:<name> (partition aws, aws-cn or aws-us-gov).'
  const KMS =
    'a KMS key is a key ARN (arn:aws:kms:<region>:<account>:key/<id>) or an alias ARN (arn:aws:kms:<region>:<account>:alias/<name>).'
  const BOOL = 'a boolean is true, True, TRUE, false, False or FALSE (YAML 1.2 core schema).'
  const TTL =
    'a duration is a whole number with a unit m, h, d or w (e.g. 90m, 72h, 7d, 2w), from 1 hour to 365 days.'
  const CROSS_REGION = 'one region serves both accounts, and cross-region copies are out of scope.'
  const SNAPSHOT_ARN = 'arn:aws:rds:us-east-1:111111111111:snapshot:rds-refresh-42-1'

  /** [rule, overrides, env, input, value, message] */
  const cases: [
    string,
    Record<string, string | undefined>,
    NodeJS.ProcessEnv,
    string,
    string,
    string,
  ][] = [
    [
      'target with --',
      { target: 'pr--123' },
      NO_ENV,
      'target',
      'pr--123',
      `Input 'target' is 'pr--123': ${IDENTIFIER}`,
    ],
    [
      'target with trailing -',
      { target: 'pr-123-' },
      NO_ENV,
      'target',
      'pr-123-',
      `Input 'target' is 'pr-123-': ${IDENTIFIER}`,
    ],
    [
      'target starting with a digit',
      { target: '1db' },
      NO_ENV,
      'target',
      '1db',
      `Input 'target' is '1db': ${IDENTIFIER}`,
    ],
    [
      'target of 64 characters',
      { target: 'a'.repeat(64) },
      NO_ENV,
      'target',
      'a'.repeat(64),
      `Input 'target' is '${'a'.repeat(64)}': ${IDENTIFIER}`,
    ],
    [
      'target with an underscore',
      { target: 'pr_1' },
      NO_ENV,
      'target',
      'pr_1',
      `Input 'target' is 'pr_1': ${IDENTIFIER}`,
    ],
    [
      'source identifier',
      { source: 'prod_db' },
      NO_ENV,
      'source',
      'prod_db',
      `Input 'source' is 'prod_db': ${IDENTIFIER}`,
    ],
    [
      'source ARN of another service',
      { source: 'arn:aws:s3:::bucket' },
      NO_ENV,
      'source',
      'arn:aws:s3:::bucket',
      `Input 'source' is 'arn:aws:s3:::bucket': ${SOURCE}`,
    ],
    [
      'source ARN with a bad identifier',
      { source: 'arn:aws:rds:us-east-1:111111111111:cluster:prod--db' },
      NO_ENV,
      'source',
      'arn:aws:rds:us-east-1:111111111111:cluster:prod--db',
      `Input 'source' is 'arn:aws:rds:us-east-1:111111111111:cluster:prod--db': in its ARN, ${IDENTIFIER}`,
    ],
    [
      'source ARN in another region',
      { source: 'arn:aws:rds:eu-west-1:111111111111:cluster:prod-db' },
      NO_ENV,
      'source',
      'arn:aws:rds:eu-west-1:111111111111:cluster:prod-db',
      `Input 'source' is 'arn:aws:rds:eu-west-1:111111111111:cluster:prod-db': its region eu-west-1 is not the region us-east-1; ${CROSS_REGION}`,
    ],
    [
      "source ARN in a partition that is not the region's",
      { source: 'arn:aws-cn:rds:us-east-1:111111111111:db:prod-db' },
      NO_ENV,
      'source',
      'arn:aws-cn:rds:us-east-1:111111111111:db:prod-db',
      "Input 'source' is 'arn:aws-cn:rds:us-east-1:111111111111:db:prod-db': its partition aws-cn is not the partition of region us-east-1 (aws).",
    ],
    [
      'source-role-arn',
      { 'source-role-arn': 'arn:aws:iam::1111:role/x' },
      NO_ENV,
      'source-role-arn',
      'arn:aws:iam::1111:role/x',
      `Input 'source-role-arn' is 'arn:aws:iam::1111:role/x': ${ROLE}`,
    ],
    [
      'destination-role-arn of a user',
      { 'destination-role-arn': 'arn:aws:iam::222222222222:user/x' },
      NO_ENV,
      'destination-role-arn',
      'arn:aws:iam::222222222222:user/x',
      `Input 'destination-role-arn' is 'arn:aws:iam::222222222222:user/x': ${ROLE}`,
    ],
    [
      'role ARN in an unknown partition',
      { 'source-role-arn': 'arn:aws-iso:iam::111111111111:role/x' },
      NO_ENV,
      'source-role-arn',
      'arn:aws-iso:iam::111111111111:role/x',
      `Input 'source-role-arn' is 'arn:aws-iso:iam::111111111111:role/x': ${ROLE}`,
    ],
    [
      'role ARN in another partition',
      { 'source-role-arn': 'arn:aws-us-gov:iam::111111111111:role/x' },
      NO_ENV,
      'source-role-arn',
      'arn:aws-us-gov:iam::111111111111:role/x',
      "Input 'source-role-arn' is 'arn:aws-us-gov:iam::111111111111:role/x': its partition aws-us-gov is not the partition of region us-east-1 (aws).",
    ],
    [
      'snapshot-arn of a cluster',
      {
        phase: 'destination',
        'snapshot-arn': 'arn:aws:rds:us-east-1:111111111111:cluster:prod-db',
      },
      NO_ENV,
      'snapshot-arn',
      'arn:aws:rds:us-east-1:111111111111:cluster:prod-db',
      `Input 'snapshot-arn' is 'arn:aws:rds:us-east-1:111111111111:cluster:prod-db': ${SNAPSHOT}`,
    ],
    [
      'snapshot-arn in another region',
      { phase: 'destination', 'snapshot-arn': 'arn:aws:rds:us-west-2:111111111111:snapshot:s1' },
      NO_ENV,
      'snapshot-arn',
      'arn:aws:rds:us-west-2:111111111111:snapshot:s1',
      `Input 'snapshot-arn' is 'arn:aws:rds:us-west-2:111111111111:snapshot:s1': its region us-west-2 is not the region us-east-1; ${CROSS_REGION}`,
    ],
    [
      'kms-key-id',
      { 'kms-key-id': 'arn:aws:kms:us-east-1:222222222222:secret/x' },
      NO_ENV,
      'kms-key-id',
      'arn:aws:kms:us-east-1:222222222222:secret/x',
      `Input 'kms-key-id' is 'arn:aws:kms:us-east-1:222222222222:secret/x': ${KMS}`,
    ],
    [
      'kms-key-id in another region',
      {
        'kms-key-id': 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
      NO_ENV,
      'kms-key-id',
      'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      `Input 'kms-key-id' is 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab': its region eu-west-1 is not the region us-east-1; ${CROSS_REGION}`,
    ],
    [
      'kms key alias across accounts',
      {
        'source-role-arn': SOURCE_ROLE,
        'destination-role-arn': DEST_ROLE,
        'kms-key-id': 'alias/staging',
      },
      NO_ENV,
      'kms-key-id',
      'alias/staging',
      "Input 'kms-key-id' is 'alias/staging': source and destination are different accounts, and a cross-account copy needs the destination key by key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>); a key id or alias/name is accepted only when both sides use the same account.",
    ],
    [
      'kms key id with only a destination role',
      { 'destination-role-arn': DEST_ROLE, 'kms-key-id': 'mrk-1234abcd12ab34cd56ef1234567890ab' },
      NO_ENV,
      'kms-key-id',
      'mrk-1234abcd12ab34cd56ef1234567890ab',
      "Input 'kms-key-id' is 'mrk-1234abcd12ab34cd56ef1234567890ab': source and destination are different accounts, and a cross-account copy needs the destination key by key ARN (arn:aws:kms:<region>:<account>:key/<id>) or alias ARN (arn:aws:kms:<region>:<account>:alias/<name>); a key id or alias/name is accepted only when both sides use the same account.",
    ],
    [
      'missing region',
      { 'aws-region': undefined },
      NO_ENV,
      'aws-region',
      '',
      "No region: set the input 'aws-region' or the environment variable AWS_REGION (one region serves both accounts).",
    ],
    [
      'region format',
      { 'aws-region': 'useast1' },
      NO_ENV,
      'aws-region',
      'useast1',
      "Input 'aws-region' is 'useast1': a region looks like us-east-1, eu-central-2, us-gov-west-1 or cn-north-1 (one region serves both accounts).",
    ],
    [
      'region format from AWS_REGION',
      { 'aws-region': undefined },
      { AWS_REGION: 'US-EAST-1' },
      'aws-region',
      'US-EAST-1',
      "Input 'aws-region' (from AWS_REGION) is 'US-EAST-1': a region looks like us-east-1, eu-central-2, us-gov-west-1 or cn-north-1 (one region serves both accounts).",
    ],
    [
      'operation',
      { operation: 'Refresh' },
      NO_ENV,
      'operation',
      'Refresh',
      "Input 'operation' is 'Refresh': allowed values are refresh, delete, sweep, plan.",
    ],
    [
      'phase',
      { phase: 'both' },
      NO_ENV,
      'phase',
      'both',
      "Input 'phase' is 'both': allowed values are all, source, destination.",
    ],
    [
      'method',
      { method: 'snapshot' },
      NO_ENV,
      'method',
      'snapshot',
      "Input 'method' is 'snapshot': allowed values are auto, clone, full-copy, relay.",
    ],
    [
      'multi-az-path',
      { 'multi-az-path': 'fast' },
      NO_ENV,
      'multi-az-path',
      'fast',
      "Input 'multi-az-path' is 'fast': allowed values are auto, direct, seven-step.",
    ],
    [
      'if-exists',
      { 'if-exists': 'overwrite' },
      NO_ENV,
      'if-exists',
      'overwrite',
      "Input 'if-exists' is 'overwrite': allowed values are fail, reuse, replace.",
    ],
    [
      'master-password',
      { 'master-password': 'random' },
      NO_ENV,
      'master-password',
      'random',
      "Input 'master-password' is 'random': allowed values are secrets-manager, generate, keep.",
    ],
    [
      'storage-type',
      { 'storage-type': 'GP3' },
      NO_ENV,
      'storage-type',
      'GP3',
      "Input 'storage-type' is 'GP3': allowed values are gp2, gp3, io1, io2, standard, aurora, aurora-iopt1.",
    ],
    [
      'publicly-accessible',
      { 'publicly-accessible': 'yes' },
      NO_ENV,
      'publicly-accessible',
      'yes',
      `Input 'publicly-accessible' is 'yes': ${BOOL}`,
    ],
    [
      'multi-az',
      { 'multi-az': 'on' },
      NO_ENV,
      'multi-az',
      'on',
      `Input 'multi-az' is 'on': ${BOOL}`,
    ],
    [
      'deletion-protection',
      { 'deletion-protection': 'tRUE' },
      NO_ENV,
      'deletion-protection',
      'tRUE',
      `Input 'deletion-protection' is 'tRUE': ${BOOL}`,
    ],
    [
      'keep-snapshots',
      { 'keep-snapshots': '1' },
      NO_ENV,
      'keep-snapshots',
      '1',
      `Input 'keep-snapshots' is '1': ${BOOL}`,
    ],
    [
      'role-duration-seconds below 900',
      { 'role-duration-seconds': '899' },
      NO_ENV,
      'role-duration-seconds',
      '899',
      "Input 'role-duration-seconds' is '899': allowed is a whole number from 900 to 43200.",
    ],
    [
      'role-duration-seconds not whole',
      { 'role-duration-seconds': '3600.5' },
      NO_ENV,
      'role-duration-seconds',
      '3600.5',
      "Input 'role-duration-seconds' is '3600.5': allowed is a whole number from 900 to 43200.",
    ],
    [
      'instance-count',
      { 'instance-count': '17' },
      NO_ENV,
      'instance-count',
      '17',
      "Input 'instance-count' is '17': allowed is a whole number from 1 to 16.",
    ],
    [
      'instance-count zero',
      { 'instance-count': '0' },
      NO_ENV,
      'instance-count',
      '0',
      "Input 'instance-count' is '0': allowed is a whole number from 1 to 16.",
    ],
    [
      'iops',
      { iops: '999' },
      NO_ENV,
      'iops',
      '999',
      "Input 'iops' is '999': allowed is a whole number from 1000 to 256000.",
    ],
    [
      'deadline-minutes',
      { 'deadline-minutes': '351' },
      NO_ENV,
      'deadline-minutes',
      '351',
      "Input 'deadline-minutes' is '351': allowed is a number from 0.1 to 350 (a GitHub job stops after 6 hours).",
    ],
    [
      'timeout-minutes (the former name) out of range',
      { 'timeout-minutes': '351' },
      NO_ENV,
      'timeout-minutes',
      '351',
      "Input 'timeout-minutes' is '351': allowed is a number from 0.1 to 350 (a GitHub job stops after 6 hours).",
    ],
    [
      'deadline-minutes and its former name timeout-minutes disagree',
      { 'deadline-minutes': '30', 'timeout-minutes': '20' },
      NO_ENV,
      'timeout-minutes',
      '20',
      "Inputs 'deadline-minutes' (30) and 'timeout-minutes' (20) disagree: 'timeout-minutes' is the former name of 'deadline-minutes'. Give only 'deadline-minutes'.",
    ],
    [
      'poll-interval-seconds',
      { 'poll-interval-seconds': '0.001' },
      NO_ENV,
      'poll-interval-seconds',
      '0.001',
      "Input 'poll-interval-seconds' is '0.001': allowed is a number from 0.01 to 300.",
    ],
    [
      'poll-interval-seconds not a number',
      { 'poll-interval-seconds': '10s' },
      NO_ENV,
      'poll-interval-seconds',
      '10s',
      "Input 'poll-interval-seconds' is '10s': allowed is a number from 0.01 to 300.",
    ],
    [
      'max-attempts',
      { 'max-attempts': '21' },
      NO_ENV,
      'max-attempts',
      '21',
      "Input 'max-attempts' is '21': allowed is a whole number from 1 to 20.",
    ],
    [
      'serverless-min-capacity off step',
      { 'serverless-min-capacity': '0.25', 'serverless-max-capacity': '4' },
      NO_ENV,
      'serverless-min-capacity',
      '0.25',
      "Input 'serverless-min-capacity' is '0.25': allowed is a number from 0 to 256 in steps of 0.5.",
    ],
    [
      'serverless-max-capacity below 1',
      { 'serverless-min-capacity': '0', 'serverless-max-capacity': '0.5' },
      NO_ENV,
      'serverless-max-capacity',
      '0.5',
      "Input 'serverless-max-capacity' is '0.5': allowed is a number from 1 to 256 in steps of 0.5.",
    ],
    [
      'serverless min above max',
      { 'serverless-min-capacity': '8', 'serverless-max-capacity': '4' },
      NO_ENV,
      'serverless-min-capacity',
      '8',
      "Input 'serverless-min-capacity' is '8': the minimum must not exceed serverless-max-capacity (4).",
    ],
    [
      'serverless min without max',
      { 'serverless-min-capacity': '1' },
      NO_ENV,
      'serverless-max-capacity',
      '',
      "Input 'serverless-max-capacity' is required with 'serverless-min-capacity': give both serverless capacities or neither.",
    ],
    [
      'serverless max without min',
      { 'serverless-max-capacity': '4' },
      NO_ENV,
      'serverless-min-capacity',
      '',
      "Input 'serverless-min-capacity' is required with 'serverless-max-capacity': give both serverless capacities or neither.",
    ],
    [
      'db.serverless without capacities',
      { 'instance-class': 'db.serverless' },
      NO_ENV,
      'instance-class',
      'db.serverless',
      "Input 'instance-class' is 'db.serverless': db.serverless needs serverless-min-capacity and serverless-max-capacity.",
    ],
    [
      'capacities with a provisioned class',
      {
        'instance-class': 'db.r6g.large',
        'serverless-min-capacity': '1',
        'serverless-max-capacity': '4',
      },
      NO_ENV,
      'instance-class',
      'db.r6g.large',
      "Input 'instance-class' is 'db.r6g.large': serverless-min-capacity and serverless-max-capacity apply only to instance class db.serverless.",
    ],
    [
      'instance-class',
      { 'instance-class': 'r6g.large' },
      NO_ENV,
      'instance-class',
      'r6g.large',
      "Input 'instance-class' is 'r6g.large': an instance class looks like db.r6g.large or db.serverless (at most 40 characters).",
    ],
    [
      'instance-class longer than any RDS class',
      { 'instance-class': `db.${'r'.repeat(38)}` },
      NO_ENV,
      'instance-class',
      `db.${'r'.repeat(38)}`,
      `Input 'instance-class' is 'db.${'r'.repeat(38)}': an instance class looks like db.r6g.large or db.serverless (at most 40 characters).`,
    ],
    ['ttl under an hour', { ttl: '59m' }, NO_ENV, 'ttl', '59m', `Input 'ttl' is '59m': ${TTL}`],
    ['ttl over 365 days', { ttl: '53w' }, NO_ENV, 'ttl', '53w', `Input 'ttl' is '53w': ${TTL}`],
    ['ttl without a unit', { ttl: '72' }, NO_ENV, 'ttl', '72', `Input 'ttl' is '72': ${TTL}`],
    [
      'security group id',
      { 'vpc-security-group-ids': 'sg-0123abcd,sg-123' },
      NO_ENV,
      'vpc-security-group-ids',
      'sg-123',
      "Input 'vpc-security-group-ids' has 'sg-123': a security group id is sg- followed by 8 or 17 lowercase hex digits; separate ids by commas or new lines.",
    ],
    [
      'temp security group id',
      { 'temp-vpc-security-group-ids': 'default' },
      NO_ENV,
      'temp-vpc-security-group-ids',
      'default',
      "Input 'temp-vpc-security-group-ids' has 'default': a security group id is sg- followed by 8 or 17 lowercase hex digits; separate ids by commas or new lines.",
    ],
    [
      'tag without =',
      { tags: 'team=data\nowner' },
      NO_ENV,
      'tags',
      'owner',
      "Input 'tags' has 'owner': a tag is key=value; separate tags by commas or new lines.",
    ],
    [
      'tag key too long',
      { tags: `${'k'.repeat(129)}=v` },
      NO_ENV,
      'tags',
      `${'k'.repeat(129)}=v`,
      `Input 'tags' has '${'k'.repeat(129)}=v': a tag key has 1-128 characters and a value 0-256.`,
    ],
    [
      'tag value too long',
      { tags: `k=${'v'.repeat(257)}` },
      NO_ENV,
      'tags',
      `k=${'v'.repeat(257)}`,
      `Input 'tags' has 'k=${'v'.repeat(257)}': a tag key has 1-128 characters and a value 0-256.`,
    ],
    [
      'empty tag key',
      { tags: '=v' },
      NO_ENV,
      'tags',
      '=v',
      "Input 'tags' has '=v': a tag key has 1-128 characters and a value 0-256.",
    ],
    [
      'tag key aws:',
      { tags: 'aws:team=data' },
      NO_ENV,
      'tags',
      'aws:team=data',
      "Input 'tags' has 'aws:team=data': tag keys starting with 'aws:' are reserved by AWS.",
    ],
    [
      'tag key rds-refresh:',
      { tags: 'rds-refresh:managed=false' },
      NO_ENV,
      'tags',
      'rds-refresh:managed=false',
      "Input 'tags' has 'rds-refresh:managed=false': tag keys starting with 'rds-refresh:' are set by the action itself.",
    ],
    [
      'duplicate tag key',
      { tags: 'team=a,team=b' },
      NO_ENV,
      'tags',
      'team=b',
      "Input 'tags' has the key 'team' twice: tag keys must be unique.",
    ],
    [
      'role-session-name characters',
      { 'role-session-name': 'my session' },
      NO_ENV,
      'role-session-name',
      'my session',
      "Input 'role-session-name' is 'my session': a session name has 2-64 letters, digits or the characters +=,.@_-.",
    ],
    [
      'role-session-name too short',
      { 'role-session-name': 'x' },
      NO_ENV,
      'role-session-name',
      'x',
      "Input 'role-session-name' is 'x': a session name has 2-64 letters, digits or the characters +=,.@_-.",
    ],
    [
      'endpoint-url',
      { 'endpoint-url': 'ftp://127.0.0.1' },
      NO_ENV,
      'endpoint-url',
      'ftp://127.0.0.1',
      "Input 'endpoint-url' is 'ftp://127.0.0.1': an endpoint is an http:// or https:// URL, e.g. http://127.0.0.1:4566.",
    ],
    [
      'endpoint-url not a URL',
      { 'endpoint-url': '127.0.0.1:4566' },
      NO_ENV,
      'endpoint-url',
      '127.0.0.1:4566',
      "Input 'endpoint-url' is '127.0.0.1:4566': an endpoint is an http:// or https:// URL, e.g. http://127.0.0.1:4566.",
    ],
    [
      'refresh without source',
      { source: undefined },
      NO_ENV,
      'source',
      '',
      "Input 'source' is required for operation refresh: the source DB cluster or DB instance, by identifier or ARN.",
    ],
    [
      'refresh without target',
      { target: undefined },
      NO_ENV,
      'target',
      '',
      "Input 'target' is required for operation refresh: the identifier of the destination cluster or instance.",
    ],
    [
      'plan without target',
      { operation: 'plan', target: undefined },
      NO_ENV,
      'target',
      '',
      "Input 'target' is required for operation plan (plan-operation refresh): the identifier of the destination cluster or instance.",
    ],
    [
      'plan of a delete without target',
      { operation: 'plan', 'plan-operation': 'delete', source: undefined, target: undefined },
      NO_ENV,
      'target',
      '',
      "Input 'target' is required for operation plan (plan-operation delete): the identifier of the destination cluster or instance.",
    ],
    [
      'allowed-account-ids with a malformed id',
      { 'allowed-account-ids': '111111111111, 2222' },
      NO_ENV,
      'allowed-account-ids',
      '2222',
      "Input 'allowed-account-ids' lists '2222': an AWS account id has exactly 12 digits (separate ids with commas or new lines).",
    ],
    [
      'phase source without source',
      { phase: 'source', source: undefined, target: undefined },
      NO_ENV,
      'source',
      '',
      "Input 'source' is required for operation refresh with phase source: the source DB cluster or DB instance, by identifier or ARN.",
    ],
    [
      'phase destination without target',
      { phase: 'destination', 'snapshot-arn': SNAPSHOT_ARN, target: undefined },
      NO_ENV,
      'target',
      '',
      "Input 'target' is required for operation refresh with phase destination: the identifier of the destination cluster or instance.",
    ],
    [
      'phase destination without snapshot-arn',
      { phase: 'destination' },
      NO_ENV,
      'snapshot-arn',
      '',
      "Input 'snapshot-arn' is required for operation refresh with phase destination: the snapshot-arn output of the phase source job.",
    ],
    [
      'delete without target',
      { operation: 'delete', source: undefined, target: undefined },
      NO_ENV,
      'target',
      '',
      "Input 'target' is required for operation delete: the identifier of the destination cluster or instance.",
    ],
    [
      'snapshot-arn with phase all',
      { 'snapshot-arn': SNAPSHOT_ARN },
      NO_ENV,
      'snapshot-arn',
      SNAPSHOT_ARN,
      `Input 'snapshot-arn' is '${SNAPSHOT_ARN}': a snapshot ARN is used only with phase destination (phase is 'all').`,
    ],
    [
      'phase with operation delete',
      { operation: 'delete', phase: 'source' },
      NO_ENV,
      'phase',
      'source',
      "Input 'phase' is 'source': phase source or destination applies only to operation refresh (operation is 'delete'); use phase all.",
    ],
    [
      'method clone with phase source',
      { method: 'clone', phase: 'source' },
      NO_ENV,
      'method',
      'clone',
      "Input 'method' is 'clone': phase source hands off a shared snapshot, which a clone does not have; use method auto or relay, or phase all.",
    ],
    [
      'method full-copy with phase destination',
      { method: 'full-copy', phase: 'destination', 'snapshot-arn': SNAPSHOT_ARN },
      NO_ENV,
      'method',
      'full-copy',
      "Input 'method' is 'full-copy': phase destination hands off a shared snapshot, which a clone does not have; use method auto or relay, or phase all.",
    ],
    [
      'target equal to source, ambient credentials',
      { target: 'prod-db' },
      NO_ENV,
      'target',
      'prod-db',
      "Input 'target' is 'prod-db': it is the source itself (same identifier in the same account); the target must be another database.",
    ],
    [
      'target equal to source, same role',
      { 'source-role-arn': SOURCE_ROLE, target: 'prod-db' },
      NO_ENV,
      'target',
      'prod-db',
      "Input 'target' is 'prod-db': it is the source itself (same identifier in the same account); the target must be another database.",
    ],
    [
      'target equal to source ARN in the destination account',
      {
        source: 'arn:aws:rds:us-east-1:222222222222:cluster:prod-db',
        'source-role-arn': SOURCE_ROLE,
        'destination-role-arn': DEST_ROLE,
        target: 'prod-db',
      },
      NO_ENV,
      'target',
      'prod-db',
      "Input 'target' is 'prod-db': it is the source itself (same identifier in the same account); the target must be another database.",
    ],
  ]

  test.each(cases)('%s', (_rule, overrides, env, input, value, message) => {
    const error = errorWith(overrides, env)
    expect(error).toBeInstanceOf(InputError)
    expect(error.name).toBe('InputError')
    expect({ input: error.input, value: error.value, message: error.message }).toEqual({
      input,
      value,
      message,
    })
  })
})

describe('timeout-minutes, the former name of deadline-minutes', () => {
  function parseLogged(overrides: Record<string, string>) {
    const warnings: { message: string; title?: string }[] = []
    const settings = parseSettings({ ...MINIMAL, ...overrides }, NO_ENV, {
      info: () => undefined,
      warning: (message, properties) => warnings.push({ message, title: properties?.title }),
    })
    return { minutes: settings.timeoutMinutes, warnings }
  }

  it('is honoured, with one titled deprecation warning', () => {
    expect(parseLogged({ 'timeout-minutes': '20' })).toEqual({
      minutes: 20,
      warnings: [
        {
          message:
            "Input 'timeout-minutes' is deprecated: rename it to 'deadline-minutes' (same meaning, 20 minutes here). The old name reads like the step keyword 'timeout-minutes', which the runner applies to the whole step; it will be removed in the next major version.",
          title: 'Deprecated input timeout-minutes (use deadline-minutes)',
        },
      ],
    })
  })

  it('may be given beside deadline-minutes when they agree (20 and 20.0)', () => {
    const { minutes, warnings } = parseLogged({
      'deadline-minutes': '20.0',
      'timeout-minutes': '20',
    })
    expect(minutes).toBe(20)
    expect(warnings).toHaveLength(1)
  })

  it('says nothing when only deadline-minutes is given, or neither (350)', () => {
    expect(parseLogged({ 'deadline-minutes': '45' })).toEqual({ minutes: 45, warnings: [] })
    expect(parseLogged({})).toEqual({ minutes: 350, warnings: [] })
  })
})

describe('getSettings', () => {
  it('reads every input through core.getInput (INPUT_<NAME> variables)', () => {
    const saved = { ...process.env }
    try {
      process.env['INPUT_AWS-REGION'] = 'eu-west-1'
      process.env['INPUT_SOURCE-ROLE-ARN'] = SOURCE_ROLE
      process.env['INPUT_DESTINATION-ROLE-ARN'] = DEST_ROLE
      process.env.INPUT_SOURCE = '  prod-db  '
      process.env.INPUT_TARGET = 'staging-db'
      process.env['INPUT_IF-EXISTS'] = 'reuse'
      process.env.INPUT_TTL = '7d'
      process.env.INPUT_TAGS = 'team=data\nowner=db'
      const settings = getSettings({}, { github: githubContext({ GITHUB_RUN_ID: '77' }) })
      expect(settings).toMatchObject({
        region: 'eu-west-1',
        sourceRoleArn: SOURCE_ROLE,
        destinationRoleArn: DEST_ROLE,
        source: { identifier: 'prod-db' },
        target: 'staging-db',
        ifExists: 'reuse',
        ttlSeconds: 7 * 86400,
        tags: [
          { key: 'team', value: 'data' },
          { key: 'owner', value: 'db' },
        ],
        roleSessionName: 'rds-refresh-77-1',
        operation: 'refresh',
      })
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
      Object.assign(process.env, saved)
    }
  })
})

describe('INPUT_DEFAULTS', () => {
  it('matches every input and default in action.yml', () => {
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
      inputs: Record<string, { default?: string }>
    }
    const fromAction = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, String(input.default ?? '')]),
    )
    expect(INPUT_DEFAULTS).toEqual(fromAction)
    expect(INPUT_NAMES).toEqual(Object.keys(action.inputs))
  })
})
