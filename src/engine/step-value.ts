/**
 * A value one step learns and later steps read (a share's ARN, the snapshot a restore reads).
 * Typed, named for the error a plan bug would raise, and set by the step that produces it; a
 * step that reads it comes `after` that step. Plans declare their values in their context, so
 * what flows between steps is visible in one place and checked by the compiler.
 */
export class StepValue<T> {
  private value: T | undefined

  constructor(readonly name: string) {}

  /** Set by the step that produces it (a later step may refine it, e.g. the copy once renamed). */
  set(value: T): void {
    this.value = value
  }

  /** For the steps that need it: a missing value means a step runs before its producer. */
  get(): T {
    if (this.value === undefined) {
      throw new Error(`Plan bug: ${this.name} is read before any step produced it`)
    }
    return this.value
  }

  /** For readers that can do without it (messages, a step that may have been skipped). */
  peek(): T | undefined {
    return this.value
  }
}
