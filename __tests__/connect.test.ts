import { describe, expect, it } from '@jest/globals'
import { connectExample, passwordCommand, type Connection } from '../src/report/connect.js'
import { timelineChart } from '../src/report/timeline.js'
import type { StepReport } from '../src/engine/types.js'

const SECRET = 'arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!db-1234-AbCdEf'
const base: Connection = {
  endpoint: 'pr-1.abc.us-east-1.rds.amazonaws.com',
  port: '3306',
  user: 'admin',
  secretArn: SECRET,
  region: 'us-east-1',
}

describe('how to connect', () => {
  it('reads the password from Secrets Manager, handing it to each client through its environment', () => {
    const read = passwordCommand(base)
    expect(read).toBe(
      `aws secretsmanager get-secret-value --region 'us-east-1' --secret-id '${SECRET}' --query SecretString --output text | jq -r '.password'`,
    )
    expect(connectExample({ ...base, engine: 'aurora-mysql' })).toBe(
      `MYSQL_PWD="$(${read})" \\\n  mysql --host='pr-1.abc.us-east-1.rds.amazonaws.com' --port=3306 --user='admin' --ssl-mode=REQUIRED`,
    )
    expect(connectExample({ ...base, engine: 'sqlserver-se' })).toContain('SQLCMDPASSWORD="$(')
    expect(connectExample({ ...base, engine: 'postgres', port: '5432' })).toContain(
      'psql "host=pr-1.abc.us-east-1.rds.amazonaws.com port=5432 user=admin',
    )
    // An engine without a usual client: the password command alone.
    expect(connectExample({ ...base, engine: 'oracle-ee' })).toBe(read)
  })

  it('without a secret (keep, generate) there is nothing to read and no example', () => {
    expect(passwordCommand({ ...base, secretArn: undefined })).toBeUndefined()
    expect(connectExample({ ...base, secretArn: undefined })).toBeUndefined()
  })

  it('quotes what it does not trust for the shell', () => {
    expect(passwordCommand({ ...base, secretArn: "arn:x'; rm -rf /'" })).toContain(
      `--secret-id 'arn:x'\\''; rm -rf /'\\'''`,
    )
  })
})

describe('timeline', () => {
  const step = (
    name: string,
    status: StepReport['status'],
    from?: number,
    to?: number,
  ): StepReport => ({
    name,
    title: name,
    side: 'destination',
    status,
    notes: [],
    startedAt: from === undefined ? undefined : new Date(from),
    endedAt: to === undefined ? undefined : new Date(to),
  })

  it('draws the steps that ran, failed ones as critical, on one axis', () => {
    const chart = timelineChart([
      step('copy', 'succeeded', 1000, 5000),
      step('restore', 'failed', 5000, 5000),
      step('later', 'not-run'),
    ])
    expect(chart?.split('\n')).toEqual([
      '```mermaid',
      'gantt',
      '  dateFormat x',
      '  axisFormat %H:%M:%S',
      '  section destination account',
      '  copy :done, d0, 1000, 5000',
      '  restore (failed) :crit, d1, 5000, 5001',
      '```',
    ])
    expect(timelineChart([step('later', 'not-run')])).toBeUndefined()
  })

  it('keeps a name from ending the task or the block', () => {
    const chart = timelineChart([step('a:b`#<x>', 'succeeded', 0, 1)]) ?? ''
    expect(chart).toContain('  a b   x  :done, d0, 0, 1')
  })
})
