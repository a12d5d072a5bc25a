/** Scenario defaults: how long AWS takes for each transition, in simulated seconds. */
import type { Durations, Faults, MultiAzSnapshotSharing, Scenario } from './core/types.ts'

/**
 * Realistic durations, roughly what AWS takes for a small database (minutes, not the hours a
 * large restore can take). Tests scale them with `clockScale` rather than shortening them.
 */
export const defaultDurations: Durations = {
  clusterCreate: 600,
  clusterClone: 300,
  clusterFullCopy: 1800,
  clusterRestoreFromSnapshot: 1200,
  clusterDelete: 300,
  clusterModify: 60,
  instanceCreate: 480,
  instanceRestore: 900,
  instanceDelete: 360,
  instanceModify: 120,
  clusterSnapshotCreate: 300,
  clusterSnapshotCopy: 900,
  snapshotCreate: 300,
  snapshotCopy: 900,
  snapshotDelete: 30,
  shareActivate: 5,
  renameStale: 180,
}

export interface ScenarioOptions {
  readonly clockScale?: number
  readonly credentialTimeScale?: number
  readonly durations?: Partial<Durations>
  readonly faults?: Faults
  /** See Scenario.multiAzSnapshotSharing (default `refused`). */
  readonly multiAzSnapshotSharing?: MultiAzSnapshotSharing
}

/** A complete scenario from partial options: real-time credentials, unscaled clock, no faults. */
export function createScenario(options: ScenarioOptions = {}): Scenario {
  return {
    clockScale: options.clockScale ?? 1,
    credentialTimeScale: options.credentialTimeScale ?? 1,
    durations: { ...defaultDurations, ...options.durations },
    faults: options.faults ?? {},
    multiAzSnapshotSharing: options.multiAzSnapshotSharing ?? 'refused',
  }
}
