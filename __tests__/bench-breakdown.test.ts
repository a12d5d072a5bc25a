import { describe, expect, it } from '@jest/globals'
import { overheadBreakdown } from '../scripts/bench-breakdown.ts'
import type { RequestLogEntry, TimelineEvent } from '../sim/src/core/types.ts'

let seq = 0
/** A request the simulator logged at simulated second `at`. */
function request(at: number, operation: string, input: Record<string, unknown> = {}) {
  seq += 1
  return {
    seq,
    time: at * 1000,
    service: 'rds',
    operation,
    input,
    startedAt: 10_000 + at,
    endedAt: 10_000 + at + 2,
  } satisfies RequestLogEntry
}

function event(at: number, identifier: string, status: string): TimelineEvent {
  const resourceType = identifier.endsWith('-1') ? 'db-instance' : 'db-cluster'
  return { time: at * 1000, account: '1', service: 'rds', resourceType, identifier, status }
}

describe('scripts/bench-breakdown.ts (where the time beyond the critical path went)', () => {
  it('splits each gap into the lag until a describe saw the settling and the calls after it', () => {
    const b = overheadBreakdown({
      ok: true,
      probe: { timeOrigin: 10_000 - 500, maxRssKb: 0 },
      requests: [
        request(0, 'AssumeRoleWithWebIdentity'),
        request(1, 'DescribeDBClusters', { DBClusterIdentifier: 'c' }),
        request(2, 'RestoreDBClusterToPointInTime', { DBClusterIdentifier: 'c' }),
        // The clone settles at 302; a poll of another resource does not count as seeing it.
        request(305, 'DescribeDBInstances', { DBInstanceIdentifier: 'other' }),
        request(308, 'DescribeDBClusters', { DBClusterIdentifier: 'c' }),
        request(309, 'CreateDBInstance', { DBInstanceIdentifier: 'c-1' }),
        request(795, 'DescribeDBInstances', { DBInstanceIdentifier: 'c-1' }),
        request(796, 'AddTagsToResource', { ResourceName: 'arn:aws:rds:x:1:cluster:c' }),
      ],
      events: [
        event(2, 'c', 'creating'),
        event(302, 'c', 'available'),
        event(309, 'c-1', 'creating'),
        event(789, 'c-1', 'available'),
      ],
    })
    expect(b.startupSeconds).toBeCloseTo(0.5)
    expect(b.gaps).toEqual([
      expect.objectContaining({ after: 'start', lagSeconds: 0, calls: 3, callSeconds: 2 }),
      expect.objectContaining({
        after: 'db-cluster c → available',
        before: 'db-instance c-1 → creating',
        lagSeconds: 6,
        calls: 2,
        callSeconds: 1,
      }),
      expect.objectContaining({ before: 'end', lagSeconds: 6, calls: 2, callSeconds: 1 }),
    ])
    expect(b).toMatchObject({ lagSeconds: 12, callSeconds: 4, calls: 7, serverMs: 16 })
  })
})
