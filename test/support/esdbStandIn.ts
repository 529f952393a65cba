// A TEST STAND-IN for EventStoreDB. It is NOT EventStoreDB and never will be: an in-process gRPC
// server, for tests only, that speaks just enough of EventStoreDB's gRPC protocol for
// @eventstore/db-client 6.2.1 to append, read streams, read $all and run catch-up
// subscriptions against it. It serves the client's own generated service definitions
// (node_modules/@eventstore/db-client/generated) and builds every message from those
// generated modules, because their serialisers check `instanceof`.
//
// What it implements, with EventStoreDB's documented semantics:
// - ServerFeatures.GetSupportedMethods: advertises Streams.Read, Streams.Append and, as every
//   server since 21.10 does, Streams.BatchAppend, which the client then uses for every append.
//   `batchAppend: false` advertises only Read and Append, as older servers do: the client then
//   uses the unary Append. Tests of the append path run in both modes (APPEND_MODES).
// - Streams.Append and Streams.BatchAppend, one decision for both: expected revision (exact
//   revision, no_stream, any, stream_exists), WrongExpectedVersion carrying the current
//   revision, and EventStoreDB's idempotency: re-appending the same event ids at the same
//   expected revision (or, with `any`, event ids already stored consecutively) succeeds without
//   writing them twice. Event ids must be UUIDs (refused otherwise) and are answered in
//   lowercase, as a real server parses them. The maximum append size (1 MiB by default, as
//   EventStoreDB's; counted as data + metadata + type per event, an approximation of the
//   server's own count) refuses larger appends whole: Append with the maximum-append-size
//   exception in the trailers, BatchAppend with a MaximumAppendSizeExceeded status.
// - BatchAppend: one bidirectional call carries many appends, each split by the client into
//   requests with one correlation id, the last marked final; answers carry the correlation id in
//   the structured UUID form and the stream; failures are google.rpc.Status messages with the
//   reason packed in `details`, and the call stays open. A per-append deadline already passed
//   is answered with Timeout.
// - Streams.Read of a stream: forwards/backwards from start/end/revision (inclusive), count;
//   a missing stream is a `stream_not_found` response, not a gRPC error.
// - Streams.Read of $all: forwards from a position (inclusive) or backwards (exclusive); each
//   event has commit = prepare = its byte offset in the log (as in EventStoreDB 20+, where
//   every event of a multi-event append gets its own log position); gaps between positions.
//   Reading or subscribing from a position that is not where a record starts (nor the start or
//   end of the log) fails, as a real server's "invalid position".
//   $all holds system events ($stats-… streams) as a real server's does.
// - Subscriptions to $all and to a stream: confirmation, catch-up strictly after the given
//   position/revision, `caught_up`, then live events; stream-name/event-type filters (prefixes
//   or regex) with a checkpoint after catch-up.
// - `created` metadata: ticks since the Unix epoch (ms × 10,000) as a string; uint64 fields as
//   strings (the generated messages use jstype = JS_STRING).
// Not implemented: deletes, tombstones, stream metadata, persistent subscriptions,
// projections, gossip, users, TLS, authentication, link resolution, max-age/max-count.
//
// stop() forcefully stops serving (live calls are cut, the port closes): a down server.
// restart() serves again on the same port with the same in-memory state, as a real server
// comes back with its log. hang(true) accepts calls but never answers: an unresponsive server.
// notLeader(true) answers reads and appends as a follower does after a leader change
// (not-leader, naming this same node as the leader, so the client's reconnection lands here).
import * as grpc from '@grpc/grpc-js'
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'

type StreamsPb = typeof import('@eventstore/db-client/generated/streams_pb.js')
type SharedPb = typeof import('@eventstore/db-client/generated/shared_pb.js')
type StreamsGrpc = typeof import('@eventstore/db-client/generated/streams_grpc_pb.js')
type FeaturesPb = typeof import('@eventstore/db-client/generated/serverfeatures_pb.js')
type FeaturesGrpc = typeof import('@eventstore/db-client/generated/serverfeatures_grpc_pb.js')
type ReadReq = import('@eventstore/db-client/generated/streams_pb.js').ReadReq
type ReadResp = import('@eventstore/db-client/generated/streams_pb.js').ReadResp
type AppendReq = import('@eventstore/db-client/generated/streams_pb.js').AppendReq
type AppendReqOptions = import('@eventstore/db-client/generated/streams_pb.js').AppendReq.Options
type ProposedMessage = import('@eventstore/db-client/generated/streams_pb.js').AppendReq.ProposedMessage
type AppendResp = import('@eventstore/db-client/generated/streams_pb.js').AppendResp
type FilterOptions = import('@eventstore/db-client/generated/streams_pb.js').ReadReq.Options.FilterOptions
type BatchAppendReq = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendReq
type BatchAppendReqOptions = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendReq.Options
type BatchProposed = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendReq.ProposedMessage
type BatchAppendResp = import('@eventstore/db-client/generated/streams_pb.js').BatchAppendResp
type StatusPb = typeof import('@eventstore/db-client/generated/status_pb.js')
type AnyPb = typeof import('google-protobuf/google/protobuf/any_pb.js')
type EmptyPb = typeof import('google-protobuf/google/protobuf/empty_pb.js')

// The same module instances the client uses (require cache), so `instanceof` holds.
const require = createRequire(import.meta.url)
const pb: StreamsPb = require('@eventstore/db-client/generated/streams_pb.js')
const shared: SharedPb = require('@eventstore/db-client/generated/shared_pb.js')
const streamsGrpc: StreamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js')
const featuresPb: FeaturesPb = require('@eventstore/db-client/generated/serverfeatures_pb.js')
const featuresGrpc: FeaturesGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js')
const statusPb: StatusPb = require('@eventstore/db-client/generated/status_pb.js')
const anyPb: AnyPb = require('google-protobuf/google/protobuf/any_pb.js')
const emptyPb: EmptyPb = require('google-protobuf/google/protobuf/empty_pb.js')
const batchPb = pb

const { ReadReq: ReadReqClass, ReadResp: ReadRespClass, AppendResp: AppendRespClass } = pb
const Options = ReadReqClass.Options

export interface EsdbStandIn {
  /** esdb://127.0.0.1:PORT?tls=false */
  url: string
  port: number
  /** Forcefully stops serving (simulates a down server); the state is kept. */
  stop(): Promise<void>
  /** Serves again on the same port with the same state. */
  restart(): Promise<void>
  /** While on, calls are accepted and never answered (an unresponsive server). */
  hang(on: boolean): void
  /** While on, reads and appends are refused with EventStoreDB's not-leader error naming this node (a leader change). */
  notLeader(on: boolean): void
  /** Appends answered, by protocol, for assertions on which path the client took. */
  readonly appends: { unary: number; batch: number }
  /** Events the stand-in holds (system events included), for assertions. */
  readonly eventCount: number
  /** Writes one system event to $stats-…, as a real server does now and then. */
  writeSystemEvent(): void
  /** Moves the server's clock on: later events are `created` that much later (records ageing, without waiting). */
  advanceClock(ms: number): void
  /** Writes events straight into the log, as if appended earlier (benchmarks fill it with a large history this way). */
  seed(stream: string, events: { id: string; type: string; data: Uint8Array; metadata: Uint8Array }[]): void
}

/** EventStoreDB's default maximum append size (EVENTSTORE_MAX_APPEND_SIZE): 1 MiB. */
export const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024

export interface EsdbStandInOptions {
  port?: number
  /**
   * Advertise and serve Streams.BatchAppend, as every server since 21.10 does (default true);
   * false: only the unary Append, as older servers.
   */
  batchAppend?: boolean
  /** The server's maximum append size in bytes (default 1 MiB, EventStoreDB's default). */
  maxAppendSize?: number
}

/** The two ways the client appends, for tests that run in both. */
export const APPEND_MODES = [
  { name: 'BatchAppend advertised', batchAppend: true },
  { name: 'unary Append only (servers before 21.10)', batchAppend: false },
] as const

type Expected = { kind: 'revision'; revision: bigint } | { kind: 'no_stream' } | { kind: 'any' } | { kind: 'stream_exists' }

interface Proposed {
  id: string
  type: string
  contentType: string
  data: Uint8Array
  metadata: Uint8Array
}

type AppendOutcome =
  | { kind: 'success'; revision: bigint; position: bigint | null }
  | { kind: 'wrong'; current: bigint }
  | { kind: 'too-big' }
  | { kind: 'invalid'; details: string }

function proposedOf(p: ProposedMessage | BatchProposed): Proposed {
  const meta = p.getMetadataMap()
  return {
    id: p.getId()?.getString() ?? '',
    type: meta.get('type') ?? '',
    contentType: meta.get('content-type') ?? 'application/octet-stream',
    data: p.getData_asU8(),
    metadata: p.getCustomMetadata_asU8(),
  }
}

/** A UUID in the structured form (two signed 64-bit halves) a real server answers with. */
function structuredUuid(id: string): import('@eventstore/db-client/generated/shared_pb.js').UUID {
  const hex = id.replace(/-/g, '').padEnd(32, '0')
  const signed = (h: string) => BigInt.asIntN(64, BigInt(`0x${h}`)).toString()
  const structured = new shared.UUID.Structured()
  structured.setMostSignificantBits(signed(hex.slice(0, 16)))
  structured.setLeastSignificantBits(signed(hex.slice(16, 32)))
  const uuid = new shared.UUID()
  uuid.setStructured(structured)
  return uuid
}

interface StoredRecord {
  stream: string
  revision: bigint
  id: string
  type: string
  contentType: string
  data: Uint8Array
  metadata: Uint8Array
  created: string
  position: bigint
}

class StandInLog {
  readonly all: StoredRecord[] = []
  readonly streams = new Map<string, StoredRecord[]>()
  readonly listeners = new Set<(r: StoredRecord) => void>()
  // A real log starts with epoch and system records; our first byte offset is not 0.
  private next = 256n
  /** How far the server's clock is ahead of the machine's (advanceClock). */
  clockOffsetMs = 0

  /** The log's end: where the next record will be written. */
  get end(): bigint {
    return this.next
  }

  /** A readable $all position: the log's start or end, or where a record starts. */
  isRecordStart(position: bigint): boolean {
    if (position === 0n || position === this.next) return true
    const i = firstIndex(this.all, p => p >= position)
    return this.all[i]?.position === position
  }

  write(stream: string, events: Omit<StoredRecord, 'stream' | 'revision' | 'position' | 'created'>[]): StoredRecord[] {
    const list = this.streams.get(stream) ?? []
    this.streams.set(stream, list)
    const created = (BigInt(Date.now() + this.clockOffsetMs) * 10_000n).toString()
    const written = events.map(e => {
      const r: StoredRecord = { ...e, stream, revision: BigInt(list.length), position: this.next, created }
      // A log record's size: header, names, payload; positions are byte offsets with gaps.
      this.next += BigInt(96 + Buffer.byteLength(stream) + Buffer.byteLength(e.type) + e.data.length + e.metadata.length)
      list.push(r)
      this.all.push(r)
      return r
    })
    for (const r of written) for (const l of [...this.listeners]) l(r)
    return written
  }

  systemEvent(): void {
    const stats = { 'proc-startTime': new Date().toISOString(), 'proc-mem': 123456789, 'es-queue-count': 0 }
    this.write('$stats-127.0.0.1:2113', [
      { id: randomUUID(), type: '$statsCollected', contentType: 'application/json', data: Buffer.from(JSON.stringify(stats)), metadata: new Uint8Array() },
    ])
  }
}

function streamNameOf(identifier: { getStreamName_asU8(): Uint8Array } | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : ''
}

function eventResp(r: StoredRecord): ReadResp {
  const rec = new ReadRespClass.ReadEvent.RecordedEvent()
  const id = new shared.UUID()
  id.setString(r.id)
  rec.setId(id)
  const sid = new shared.StreamIdentifier()
  sid.setStreamName(Uint8Array.from(Buffer.from(r.stream, 'utf8')))
  rec.setStreamIdentifier(sid)
  rec.setStreamRevision(r.revision.toString())
  rec.setCommitPosition(r.position.toString())
  rec.setPreparePosition(r.position.toString())
  const meta = rec.getMetadataMap()
  meta.set('type', r.type)
  meta.set('content-type', r.contentType)
  meta.set('created', r.created)
  rec.setCustomMetadata(r.metadata)
  rec.setData(r.data)
  const ev = new ReadRespClass.ReadEvent()
  ev.setEvent(rec)
  ev.setCommitPosition(r.position.toString())
  const resp = new ReadRespClass()
  resp.setEvent(ev)
  return resp
}

function filterOf(filter: FilterOptions | undefined): ((r: StoredRecord) => boolean) | null {
  if (!filter) return null
  const onStream = filter.hasStreamIdentifier()
  const expr = onStream ? filter.getStreamIdentifier() : filter.getEventType()
  if (!expr) return null
  const prefixes = expr.getPrefixList()
  const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : null
  return r => {
    const subject = onStream ? r.stream : r.type
    if (prefixes.length) return prefixes.some(p => subject.startsWith(p))
    return regex ? regex.test(subject) : true
  }
}

export async function startEsdbStandIn(options: EsdbStandInOptions = {}): Promise<EsdbStandIn> {
  const batchAppendOn = options.batchAppend ?? true
  const maxAppendSize = options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE
  const log = new StandInLog()
  // A real server's $all is never only ours.
  for (let i = 0; i < 3; i++) log.systemEvent()
  let hanging = false
  let leaderElsewhere = false
  let port = 0
  const notLeaderError = (): Partial<grpc.StatusObject> => {
    // As a follower answers: NOT_FOUND with exception not-leader and the leader's endpoint.
    const metadata = new grpc.Metadata()
    metadata.set('exception', 'not-leader')
    metadata.set('leader-endpoint-host', '127.0.0.1')
    metadata.set('leader-endpoint-port', String(port))
    return { code: grpc.status.NOT_FOUND, details: 'Leader info available', metadata }
  }
  let server: grpc.Server | null = null
  const liveCalls = new Set<grpc.ServerWritableStream<ReadReq, ReadResp>>()
  const liveBatchCalls = new Set<grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>>()

  const read = (call: grpc.ServerWritableStream<ReadReq, ReadResp>): void => {
    if (hanging) return // never answered; the client's deadline or our stop() ends it
    if (leaderElsewhere) {
      call.emit('error', notLeaderError())
      return
    }
    const options = call.request.getOptions()
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'options missing' })
      return
    }
    const backwards = options.getReadDirection() === ReadReqClass.Options.ReadDirection.BACKWARDS
    const matches = options.hasFilter() ? filterOf(options.getFilter()) : null
    const subscription = options.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION
    const count = options.hasCount() ? BigInt(options.getCount()) : BigInt(Number.MAX_SAFE_INTEGER)

    let source: StoredRecord[]
    let startIndex: number // first index to consider, walking in the read direction
    let live: (r: StoredRecord) => boolean

    if (options.getStreamOptionCase() === Options.StreamOptionCase.STREAM) {
      const so = options.getStream()!
      const name = streamNameOf(so.getStreamIdentifier())
      const list = log.streams.get(name)
      if (!subscription && !list) {
        const nf = new ReadRespClass.StreamNotFound()
        const sid = new shared.StreamIdentifier()
        sid.setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')))
        nf.setStreamIdentifier(sid)
        const resp = new ReadRespClass()
        resp.setStreamNotFound(nf)
        call.write(resp)
        call.end()
        return
      }
      source = list ?? []
      const rc = so.getRevisionOptionCase()
      const R = Options.StreamOptions.RevisionOptionCase
      if (subscription) {
        // A subscription from revision N starts after N.
        startIndex = rc === R.START ? 0 : rc === R.END ? source.length : Number(BigInt(so.getRevision())) + 1
      } else if (backwards) {
        // Backwards from a revision: that revision inclusive; from the start: only event 0.
        const last = source.length - 1
        startIndex = rc === R.START ? Math.min(0, last) : rc === R.END ? last : Math.min(Number(BigInt(so.getRevision())), last)
      } else {
        startIndex = rc === R.END ? source.length : rc === R.START ? 0 : Number(BigInt(so.getRevision()))
      }
      live = r => r.stream === name
    } else {
      const ao = options.getAll()!
      source = log.all
      const ac = ao.getAllOptionCase()
      const A = Options.AllOptions.AllOptionCase
      const pos = ac === A.POSITION ? BigInt(ao.getPosition()!.getCommitPosition()) : 0n
      if (ac === A.POSITION && !log.isRecordStart(pos)) {
        // As a real server: a position inside a log record (or past the end) cannot be read from.
        call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `invalid position ${pos}` })
        return
      }
      if (subscription) {
        // A subscription from position P starts after P.
        startIndex = ac === A.START ? 0 : ac === A.END ? source.length : firstIndex(source, p => p > pos)
      } else if (backwards) {
        // Backwards from a position: events before it.
        startIndex = ac === A.POSITION ? firstIndex(source, p => p >= pos) - 1 : source.length - 1
        if (ac === A.START) startIndex = -1
      } else {
        // Forwards from a position: that position inclusive.
        startIndex = ac === A.START ? 0 : ac === A.END ? source.length : firstIndex(source, p => p >= pos)
      }
      live = () => true
    }

    if (subscription) {
      const confirmation = new ReadRespClass.SubscriptionConfirmation()
      confirmation.setSubscriptionId(randomUUID())
      const resp = new ReadRespClass()
      resp.setConfirmation(confirmation)
      call.write(resp)
      let last: StoredRecord | undefined
      for (let i = Math.max(0, startIndex); i < source.length; i++) {
        last = source[i]
        if (!matches || matches(source[i])) call.write(eventResp(source[i]))
      }
      if (matches && last) {
        const cp = new ReadRespClass.Checkpoint()
        cp.setCommitPosition(last.position.toString())
        cp.setPreparePosition(last.position.toString())
        const r = new ReadRespClass()
        r.setCheckpoint(cp)
        call.write(r)
      }
      const caughtUp = new ReadRespClass()
      caughtUp.setCaughtUp(new ReadRespClass.CaughtUp())
      call.write(caughtUp)
      const listener = (r: StoredRecord) => {
        if (live(r) && (!matches || matches(r))) call.write(eventResp(r))
      }
      log.listeners.add(listener)
      liveCalls.add(call)
      const done = () => {
        log.listeners.delete(listener)
        liveCalls.delete(call)
      }
      call.on('cancelled', done)
      call.on('close', done)
      call.on('error', done)
      return
    }

    let sent = 0n
    for (let i = startIndex; i >= 0 && i < source.length && sent < count; backwards ? i-- : i++) {
      if (matches && !matches(source[i])) continue
      call.write(eventResp(source[i]))
      sent++
    }
    call.end()
  }

  /**
   * One append, as EventStoreDB decides it, whichever protocol carried it: the size limit, event
   * ids that must be UUIDs, the expected revision and EventStoreDB's idempotency (the same ids
   * already stored where this append would have put them succeed without being written twice).
   */
  const appends = { unary: 0, batch: 0 }
  const appendCore = (name: string, expected: Expected, proposed: Proposed[]): AppendOutcome => {
    const list = log.streams.get(name) ?? []
    const current = BigInt(list.length) - 1n // -1: no stream
    // A real server counts each event's data, metadata and type against its maximum append size.
    const size = proposed.reduce((n, p) => n + p.data.length + p.metadata.length + Buffer.byteLength(p.type), 0)
    if (size > maxAppendSize) return { kind: 'too-big' }
    // A real server parses event ids as UUIDs (and answers them in lowercase).
    const ids = proposed.map(p => p.id.toLowerCase())
    if (ids.some(id => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))) return { kind: 'invalid', details: 'event id is not a UUID' }
    const wrong: AppendOutcome = { kind: 'wrong', current }
    const storedAt = (from: number): 'all' | 'some' | 'none' => {
      let hit = 0
      for (let i = 0; i < ids.length; i++) if (list[from + i]?.id === ids[i]) hit++
      return hit === 0 ? 'none' : hit === ids.length ? 'all' : 'some'
    }
    const idempotent = (from: number): AppendOutcome => {
      const lastRec = list[from + ids.length - 1]
      return { kind: 'success', revision: lastRec.revision, position: lastRec.position }
    }
    if (expected.kind === 'revision' || expected.kind === 'no_stream') {
      const want = expected.kind === 'no_stream' ? -1n : expected.revision
      if (want !== current) {
        if (want < current && ids.length && storedAt(Number(want + 1n)) === 'all') return idempotent(Number(want + 1n))
        return wrong
      }
    } else {
      if (expected.kind === 'stream_exists' && current < 0n) return wrong
      const first = ids.length ? list.findIndex(r => r.id === ids[0]) : -1
      if (first >= 0) return storedAt(first) === 'all' ? idempotent(first) : wrong
    }
    if (!proposed.length) return { kind: 'success', revision: current, position: null }
    const written = log.write(name, proposed.map((p, i) => ({ ...p, id: ids[i] })))
    const lastRec = written[written.length - 1]
    return { kind: 'success', revision: lastRec.revision, position: lastRec.position }
  }

  /** Streams.Append (client-streaming, one append per call): what servers before 21.10 offer. */
  const append = (call: grpc.ServerReadableStream<AppendReq, AppendResp>, callback: grpc.sendUnaryData<AppendResp>): void => {
    let header: AppendReqOptions | undefined
    const proposed: ProposedMessage[] = []
    call.on('data', (req: AppendReq) => {
      if (req.hasOptions()) header = req.getOptions()
      else if (req.hasProposedMessage()) proposed.push(req.getProposedMessage()!)
    })
    call.on('end', () => {
      if (hanging) return
      if (leaderElsewhere) return callback(notLeaderError())
      if (!header) return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'options missing' })
      const E = pb.AppendReq.Options.ExpectedStreamRevisionCase
      const expectedCase = header.getExpectedStreamRevisionCase()
      const expected: Expected =
        expectedCase === E.REVISION ? { kind: 'revision', revision: BigInt(header.getRevision()) }
        : expectedCase === E.NO_STREAM ? { kind: 'no_stream' }
        : expectedCase === E.STREAM_EXISTS ? { kind: 'stream_exists' }
        : { kind: 'any' }
      appends.unary++
      const outcome = appendCore(streamNameOf(header.getStreamIdentifier()), expected, proposed.map(proposedOf))
      switch (outcome.kind) {
        case 'too-big': {
          // As a real server: an RPC error whose trailers name the exception and the limit.
          const metadata = new grpc.Metadata()
          metadata.set('exception', 'maximum-append-size-exceeded')
          metadata.set('maximum-append-size', String(maxAppendSize))
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: `Maximum Append Size of ${maxAppendSize} Exceeded.`, metadata })
        }
        case 'invalid':
          return callback({ code: grpc.status.INVALID_ARGUMENT, details: outcome.details })
        case 'wrong': {
          const w = new AppendRespClass.WrongExpectedVersion()
          if (outcome.current >= 0n) w.setCurrentRevision(outcome.current.toString())
          else w.setCurrentNoStream(new shared.Empty())
          if (expected.kind === 'revision') w.setExpectedRevision(expected.revision.toString())
          else if (expected.kind === 'no_stream') w.setExpectedNoStream(new shared.Empty())
          else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new shared.Empty())
          else w.setExpectedAny(new shared.Empty())
          const resp = new AppendRespClass()
          resp.setWrongExpectedVersion(w)
          return callback(null, resp)
        }
        case 'success': {
          const ok = new AppendRespClass.Success()
          if (outcome.revision >= 0n) ok.setCurrentRevision(outcome.revision.toString())
          else ok.setNoStream(new shared.Empty())
          if (outcome.position === null) ok.setNoPosition(new shared.Empty())
          else {
            const position = new AppendRespClass.Position()
            position.setCommitPosition(outcome.position.toString())
            position.setPreparePosition(outcome.position.toString())
            ok.setPosition(position)
          }
          const resp = new AppendRespClass()
          resp.setSuccess(ok)
          return callback(null, resp)
        }
      }
    })
    call.on('error', () => {})
  }

  /**
   * Streams.BatchAppend (bidirectional; EventStoreDB 21.10 and later, and what the client uses
   * whenever the server advertises it): one long-lived call carries many appends, each a run of
   * requests with one correlation id (the client splits a large append into several requests,
   * the last marked final). Each append is answered once, after its final request, with the
   * correlation id (structured, as a real server sends it) and the stream; a failure is a
   * google.rpc.Status whose details pack the reason (WrongExpectedVersion,
   * MaximumAppendSizeExceeded), while the call itself stays open for the next append.
   */
  const batchAppend = (call: grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void => {
    const pending = new Map<string, { options: BatchAppendReqOptions | undefined; proposed: Proposed[] }>()
    liveBatchCalls.add(call)
    const forget = () => liveBatchCalls.delete(call)
    call.on('cancelled', forget)
    call.on('close', forget)
    call.on('error', forget)
    call.on('end', () => {
      forget()
      call.end()
    })
    call.on('data', (req: BatchAppendReq) => {
      const correlation = req.getCorrelationId()?.getString() ?? ''
      const entry = pending.get(correlation) ?? { options: undefined, proposed: [] }
      pending.set(correlation, entry)
      if (req.hasOptions()) entry.options = req.getOptions()
      for (const m of req.getProposedMessagesList()) entry.proposed.push(proposedOf(m))
      if (!req.getIsFinal()) return
      pending.delete(correlation)
      if (hanging) return // never answered: the client's own timeout ends the wait
      const options = entry.options
      const resp = new batchPb.BatchAppendResp()
      resp.setCorrelationId(structuredUuid(correlation))
      if (options?.hasStreamIdentifier()) resp.setStreamIdentifier(options.getStreamIdentifier())
      const fail = (code: number, message: string, detail?: { typeName: string; bytes: Uint8Array }) => {
        const status = new statusPb.Status()
        status.setCode(code)
        status.setMessage(message)
        if (detail) {
          const any = new anyPb.Any()
          any.pack(detail.bytes, detail.typeName)
          status.setDetails(any)
        }
        resp.setError(status)
        call.write(resp)
      }
      if (leaderElsewhere) {
        // A follower ends the whole call with not-leader; the client fails every append waiting
        // on it and reconnects to the leader it names.
        pending.clear()
        call.emit('error', notLeaderError())
        return
      }
      if (!options) return fail(grpc.status.INVALID_ARGUMENT, 'options missing')
      const deadline = options.getDeadline()
      if (deadline && deadline.toDate().getTime() < Date.now()) {
        return fail(grpc.status.DEADLINE_EXCEEDED, 'Timeout', { typeName: 'event_store.client.Timeout', bytes: new shared.Timeout().serializeBinary() })
      }
      const C = batchPb.BatchAppendReq.Options.ExpectedStreamPositionCase
      const expectedCase = options.getExpectedStreamPositionCase()
      const expected: Expected =
        expectedCase === C.STREAM_POSITION ? { kind: 'revision', revision: BigInt(options.getStreamPosition()) }
        : expectedCase === C.NO_STREAM ? { kind: 'no_stream' }
        : expectedCase === C.STREAM_EXISTS ? { kind: 'stream_exists' }
        : { kind: 'any' }
      // The answer echoes the expected position, as a real server's does.
      if (expectedCase === C.STREAM_POSITION) resp.setStreamPosition(options.getStreamPosition())
      else if (expectedCase === C.NO_STREAM) resp.setNoStream(new emptyPb.Empty())
      else if (expectedCase === C.STREAM_EXISTS) resp.setStreamExists(new emptyPb.Empty())
      else resp.setAny(new emptyPb.Empty())
      appends.batch++
      const outcome = appendCore(streamNameOf(options.getStreamIdentifier()), expected, entry.proposed)
      switch (outcome.kind) {
        case 'too-big': {
          const detail = new shared.MaximumAppendSizeExceeded()
          detail.setMaxappendsize(maxAppendSize)
          return fail(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
            typeName: 'event_store.client.MaximumAppendSizeExceeded',
            bytes: detail.serializeBinary(),
          })
        }
        case 'invalid':
          return fail(grpc.status.INVALID_ARGUMENT, outcome.details)
        case 'wrong': {
          const w = new shared.WrongExpectedVersion()
          if (outcome.current >= 0n) w.setCurrentStreamRevision(outcome.current.toString())
          else w.setCurrentNoStream(new emptyPb.Empty())
          if (expected.kind === 'revision') w.setExpectedStreamPosition(expected.revision.toString())
          else if (expected.kind === 'no_stream') w.setExpectedNoStream(new emptyPb.Empty())
          else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new emptyPb.Empty())
          else w.setExpectedAny(new emptyPb.Empty())
          return fail(grpc.status.FAILED_PRECONDITION, 'Wrong expected version', { typeName: 'event_store.client.WrongExpectedVersion', bytes: w.serializeBinary() })
        }
        case 'success': {
          const ok = new batchPb.BatchAppendResp.Success()
          if (outcome.revision >= 0n) ok.setCurrentRevision(outcome.revision.toString())
          else ok.setNoStream(new emptyPb.Empty())
          if (outcome.position === null) ok.setNoPosition(new emptyPb.Empty())
          else {
            const position = new shared.AllStreamPosition()
            position.setCommitPosition(outcome.position.toString())
            position.setPreparePosition(outcome.position.toString())
            ok.setPosition(position)
          }
          resp.setSuccess(ok)
          call.write(resp)
        }
      }
    })
  }

  const getSupportedMethods = (_call: unknown, callback: grpc.sendUnaryData<import('@eventstore/db-client/generated/serverfeatures_pb.js').SupportedMethods>): void => {
    const methods = new featuresPb.SupportedMethods()
    methods.setEventStoreServerVersion('0.0.0-test-stand-in')
    methods.setMethodsList(
      [...['read', 'append'], ...(batchAppendOn ? ['batchappend'] : [])].map(name => {
        const m = new featuresPb.SupportedMethod()
        m.setServiceName('event_store.client.streams.streams')
        m.setMethodName(name)
        return m
      }),
    )
    callback(null, methods)
  }

  port = await listen(options.port ?? 0)

  async function listen(wanted: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const s = new grpc.Server()
      s.addService(streamsGrpc.StreamsService, { read, append, ...(batchAppendOn ? { batchAppend } : {}) } as unknown as grpc.UntypedServiceImplementation)
      s.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods } as unknown as grpc.UntypedServiceImplementation)
      try {
        const bound = await new Promise<number>((resolve, reject) =>
          s.bindAsync(`127.0.0.1:${wanted}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
        )
        server = s
        return bound
      } catch (error) {
        s.forceShutdown()
        if (attempt >= 20) throw error
        await new Promise(r => setTimeout(r, 50)) // the port may still be closing after stop()
      }
    }
  }

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    async stop() {
      const s = server
      server = null
      if (!s) return
      for (const call of liveCalls) call.destroy(new Error('stand-in stopped'))
      liveCalls.clear()
      for (const call of liveBatchCalls) call.destroy(new Error('stand-in stopped'))
      liveBatchCalls.clear()
      s.forceShutdown()
      await new Promise(r => setImmediate(r))
    },
    async restart() {
      if (server) return
      await listen(port)
      log.systemEvent() // a real server writes system events as it comes up
    },
    hang(on: boolean) {
      hanging = on
    },
    notLeader(on: boolean) {
      leaderElsewhere = on
    },
    appends,
    get eventCount() {
      return log.all.length
    },
    writeSystemEvent() {
      log.systemEvent()
    },
    advanceClock(ms) {
      log.clockOffsetMs += ms
    },
    seed(stream, events) {
      log.write(stream, events.map(e => ({ ...e, contentType: 'application/json' })))
    },
  }
}

function firstIndex(records: StoredRecord[], test: (position: bigint) => boolean): number {
  // Positions increase along the log: binary search for the first record that passes.
  let lo = 0
  let hi = records.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (test(records[mid].position)) hi = mid
    else lo = mid + 1
  }
  return lo
}
