import type { Clock, RequestLogEntry, ServiceName } from './core/types.ts'

/** The per-request log: every request the simulator answered, in arrival order. */
export interface RequestLog {
  readonly entries: readonly RequestLogEntry[]
  /** Opens an entry when a request has been routed and decoded. */
  begin(fields: {
    service: ServiceName | 'oidc' | 'github'
    operation: string
    account?: string
    accessKeyId?: string
    userAgent?: string
    input: Record<string, unknown>
    /** Real ms when the request arrived (default: now). */
    startedAt?: number
  }): RequestLogEntry
  /** Closes an entry with its outcome. */
  end(
    entry: RequestLogEntry,
    outcome: { errorCode?: string; fault?: RequestLogEntry['fault'] },
  ): void
}

export function createRequestLog(clock: Clock): RequestLog {
  const entries: RequestLogEntry[] = []
  return {
    entries,
    begin(fields) {
      const { startedAt = Date.now(), ...rest } = fields
      const entry: RequestLogEntry = {
        seq: entries.length + 1,
        time: clock.now(),
        startedAt,
        ...rest,
      }
      entries.push(entry)
      return entry
    },
    end(entry, outcome) {
      if (outcome.errorCode !== undefined) entry.errorCode = outcome.errorCode
      if (outcome.fault !== undefined) entry.fault = outcome.fault
      entry.endedAt = Date.now()
    },
  }
}
