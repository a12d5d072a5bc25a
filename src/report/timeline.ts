/**
 * The run as a timeline: one bar per step on a shared time axis, a Mermaid `gantt` chart, which
 * GitHub renders in job summaries and comments. Overlapping bars are steps that ran side by side.
 */
import type { StepReport, StepStatus } from '../engine/types.js'

/** Mermaid task tags: done (grey), crit (red); a cancelled step is drawn as done. */
const TAG: Partial<Record<StepStatus, string>> = {
  succeeded: 'done',
  failed: 'crit',
  cancelled: 'done',
}

/** A fenced `mermaid` block, or undefined when no step ran. */
export function timelineChart(steps: readonly StepReport[]): string | undefined {
  const ran = steps.filter(
    (s): s is StepReport & { startedAt: Date; endedAt: Date } =>
      s.startedAt !== undefined && s.endedAt !== undefined,
  )
  if (ran.length === 0) return undefined
  const sides = [...new Set(ran.map((s) => s.side))]
  const lines = [
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %H:%M:%S',
    ...sides.flatMap((side) => [
      `  section ${side} account`,
      ...ran
        .filter((s) => s.side === side)
        .map((s, index) => {
          const tag = TAG[s.status]
          const start = s.startedAt.getTime()
          // A bar shorter than a millisecond would not be drawn at all.
          const end = Math.max(s.endedAt.getTime(), start + 1)
          return `  ${taskName(s)} :${tag ? `${tag}, ` : ''}${side[0]}${index}, ${start}, ${end}`
        }),
    ]),
    '```',
  ]
  return lines.join('\n')
}

/**
 * Step names are kebab-case; anything else (a `:` or `#` ends Mermaid's task name, a backtick
 * could end the fenced block, `<` starts HTML) becomes a space.
 */
function taskName(step: StepReport): string {
  const status = step.status === 'succeeded' ? '' : ` (${step.status})`
  return `${step.name}${status}`.replace(/[^\w .()-]/g, ' ')
}
