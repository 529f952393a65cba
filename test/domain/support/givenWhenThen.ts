// Given events / when command / then events (or then an error), on the real decider: the
// command as a caller writes it, parsed at the edge as the command handler does, then decided.
import type { Test } from 'tap'
import type { Principal } from '../../../src/domain/actor.js'
import type { PlanCommand } from '../../../src/domain/commands.js'
import type { PlanEvent } from '../../../src/domain/events.js'
import { decideCommand, fold } from '../../../src/domain/planDecider.js'

export const commissioner: Principal = { tokenId: 'tok-c', role: 'commissioner', label: 'DAAT', owners: [] }
export const TODAY = '2008-07-20'

export function given(t: Test, history: PlanEvent[]) {
  return {
    when(command: PlanCommand, actor: Principal = commissioner, today = TODAY) {
      const run = () => decideCommand(command, fold(history), { actor, today })
      return {
        then(expected: PlanEvent[], message?: string) {
          t.same(run(), expected, message ?? 'then these events')
        },
        thenThrows(errorClass: new (...args: never[]) => Error, match?: RegExp | Record<string, unknown>, message?: string) {
          let caught: unknown
          try {
            run()
          } catch (e) {
            caught = e
          }
          t.type(caught, errorClass, message ?? `throws ${errorClass.name}`)
          if (match instanceof RegExp) t.match((caught as Error | undefined)?.message ?? '', match)
          else if (match) t.match(caught, match)
        },
      }
    },
  }
}
