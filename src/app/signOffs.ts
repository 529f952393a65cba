// Signing off quarterly reports and reading them back. The report is folded here, as recorded
// now, and hashed; the sign-off command carries it to the decider, which records it in the
// plan's stream. Reading a sign-off answers the report frozen in that event, whatever later
// corrections a fresh report for the quarter now shows.
import type { Principal } from '../domain/actor.js'
import type { SignOffReport } from '../domain/commands.js'
import { NotFoundError } from '../domain/errors.js'
import type { QuarterNumber } from '../domain/values/financialYear.js'
import { quarterlyReport } from '../projections/folds/quarterlyReport.js'
import { contentHashOf, signedReports, summaryOf, type SignedReport, type SignOff } from '../projections/folds/signOffs.js'
import type { Clock } from './clock.js'
import { newId } from './ids.js'
import { readInstant, type PlanQueries } from './planQueries.js'
import type { ChainHeads } from './signing/chainHeads.js'

export class SignOffService {
  constructor(private readonly plans: PlanQueries, private readonly heads: ChainHeads, private readonly clock: Clock) {}

  /**
   * The command that signs off the quarter's report as the principal sees it now: folded from
   * the plan's events as read, so `reportVersion` says exactly which events it covers even if
   * others are appended before the sign-off.
   */
  async command(planId: string, principal: Principal, input: { quarter: QuarterNumber; signedBy: string; note?: string }): Promise<SignOffReport> {
    const events = await this.plans.events(planId, principal)
    const asOf = readInstant(events, this.clock())
    const report = quarterlyReport(events, { quarter: input.quarter, asOf })
    if (!report) throw new NotFoundError('plan', planId)
    return {
      type: 'SignOffReport',
      signoffId: newId(),
      quarter: input.quarter,
      signedBy: input.signedBy,
      note: input.note ?? null,
      asOf,
      reportVersion: events.length,
      contentHash: contentHashOf(report),
      report: report as unknown as Record<string, unknown>,
      // The server's signature over the head of exactly the events the report was folded from.
      signedHead: (await this.heads.sign(planId, events.length)) as unknown as Record<string, unknown>,
    }
  }

  async list(planId: string, principal: Principal): Promise<SignOff[]> {
    return signedReports(await this.plans.events(planId, principal)).map(summaryOf)
  }

  async get(planId: string, principal: Principal, signoffId: string): Promise<SignedReport> {
    const found = signedReports(await this.plans.events(planId, principal)).find(s => s.id === signoffId)
    if (!found) throw new NotFoundError('sign-off', signoffId)
    return found
  }
}
