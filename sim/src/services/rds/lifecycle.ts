/** Status sequences AWS documents, as scheduled transitions. */
import type { RdsStore } from './store.ts'
import type { Transition } from './records.ts'

/** creating → backing-up → available over `seconds`, or creating → failure status at the end. */
export function creation(
  store: RdsStore,
  seconds: number,
  final: string,
  start = store.now(),
): Transition[] {
  const end = store.after(seconds, start)
  if (final !== 'available') return [{ at: end, status: final }]
  const backup = Math.round(start + (end - start) * 0.9)
  return [
    { at: backup, status: 'backing-up' },
    { at: end, status: 'available' },
  ]
}

/** creating/copying → available (snapshots), or → failure status. */
export function snapshotCompletion(store: RdsStore, seconds: number, final: string): Transition[] {
  return [{ at: store.after(seconds), status: final }]
}

/** deleting → gone after `seconds`. */
export function deletion(store: RdsStore, seconds: number): Transition[] {
  return [{ at: store.after(seconds), status: 'deleted' }]
}
