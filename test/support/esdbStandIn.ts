// A TEST STAND-IN for EventStoreDB. It is NOT EventStoreDB and never will be: an in-process gRPC
// server, for tests only, that speaks just enough of EventStoreDB's gRPC protocol for
// @eventstore/db-client 6.2.1 to append, read streams, read $all and run catch-up
// subscriptions against it. It serves the client's own generated service definitions
// (node_modules/@eventstore/db-client/generated) and builds every message from those
// generated modules, because their serialisers check `instanceof`.
//
// What it implements, with EventStoreDB's documented semantics:
// - ServerFeatures.GetSupportedMethods: advertises Streams.Read and Streams.Append only, so the
//   client uses the unary-stream Append (it uses BatchAppend only when advertised).
// - Streams.Append: expected revision (exact revision, no_stream, any, stream_exists),
//   WrongExpectedVersion answers carrying the current revision, and EventStoreDB's idempotency:
//   re-appending the same event ids at the same expected revision (or, with `any`, event ids
//   already stored consecutively) succeeds without writing them twice. Event ids must be UUIDs
//   (refused otherwise) and are answered in lowercase, as a real server parses them.
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
// Not implemented: deletes, tombstones, stream metadata, BatchAppend, persistent subscriptions,
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

// The same module instances the client uses (require cache), so `instanceof` holds.
const require = createRequire(import.meta.url)
const pb: StreamsPb = require('@eventstore/db-client/generated/streams_pb.js')
const shared: SharedPb = require('@eventstore/db-client/generated/shared_pb.js')
const streamsGrpc: StreamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js')
const featuresPb: FeaturesPb = require('@eventstore/db-client/generated/serverfeatures_pb.js')
const featuresGrpc: FeaturesGrpc = require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js')

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
  /** Events the stand-in holds (system events included), for assertions. */
  readonly eventCount: number
  /** Writes one system event to $stats-…, as a real server does now and then. */
  writeSystemEvent(): void
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
    const created = (BigInt(Date.now()) * 10_000n).toString()
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

export async function startEsdbStandIn(options: { port?: number } = {}): Promise<EsdbStandIn> {
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
      const name = streamNameOf(header.getStreamIdentifier())
      const list = log.streams.get(name) ?? []
      const current = BigInt(list.length) - 1n // -1: no stream
      const E = pb.AppendReq.Options.ExpectedStreamRevisionCase
      const expectedCase = header.getExpectedStreamRevisionCase()
      // A real server parses event ids as UUIDs (and answers them in lowercase).
      const ids = proposed.map(p => (p.getId()?.getString() ?? '').toLowerCase())
      if (ids.some(id => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))) {
        return callback({ code: grpc.status.INVALID_ARGUMENT, details: 'event id is not a UUID' })
      }

      const wrong = (): void => {
        const w = new AppendRespClass.WrongExpectedVersion()
        if (current >= 0n) w.setCurrentRevision(current.toString())
        else w.setCurrentNoStream(new shared.Empty())
        if (expectedCase === E.REVISION) w.setExpectedRevision(header!.getRevision())
        else if (expectedCase === E.NO_STREAM) w.setExpectedNoStream(new shared.Empty())
        else if (expectedCase === E.STREAM_EXISTS) w.setExpectedStreamExists(new shared.Empty())
        else w.setExpectedAny(new shared.Empty())
        const resp = new AppendRespClass()
        resp.setWrongExpectedVersion(w)
        callback(null, resp)
      }
      const success = (revision: bigint, position: bigint | null): void => {
        const s = new AppendRespClass.Success()
        if (revision >= 0n) s.setCurrentRevision(revision.toString())
        else s.setNoStream(new shared.Empty())
        if (position === null) s.setNoPosition(new shared.Empty())
        else {
          const p = new AppendRespClass.Position()
          p.setCommitPosition(position.toString())
          p.setPreparePosition(position.toString())
          s.setPosition(p)
        }
        const resp = new AppendRespClass()
        resp.setSuccess(s)
        callback(null, resp)
      }
      // EventStoreDB's idempotency: the same ids already stored where this append would have put them.
      const storedAt = (from: number): 'all' | 'some' | 'none' => {
        let hit = 0
        for (let i = 0; i < ids.length; i++) if (list[from + i]?.id === ids[i]) hit++
        return hit === 0 ? 'none' : hit === ids.length ? 'all' : 'some'
      }
      const idempotent = (from: number): void => {
        const lastRec = list[from + ids.length - 1]
        success(lastRec.revision, lastRec.position)
      }

      if (expectedCase === E.REVISION || expectedCase === E.NO_STREAM) {
        const expected = expectedCase === E.NO_STREAM ? -1n : BigInt(header.getRevision())
        if (expected !== current) {
          if (expected < current && ids.length && storedAt(Number(expected + 1n)) === 'all') return idempotent(Number(expected + 1n))
          return wrong()
        }
      } else {
        if (expectedCase === E.STREAM_EXISTS && current < 0n) return wrong()
        const first = ids.length ? list.findIndex(r => r.id === ids[0]) : -1
        if (first >= 0) return storedAt(first) === 'all' ? idempotent(first) : wrong()
      }
      if (!proposed.length) return success(current, null)
      const written = log.write(
        name,
        proposed.map((p, i) => {
          const meta = p.getMetadataMap()
          return {
            id: ids[i],
            type: meta.get('type') ?? '',
            contentType: meta.get('content-type') ?? 'application/octet-stream',
            data: p.getData_asU8(),
            metadata: p.getCustomMetadata_asU8(),
          }
        }),
      )
      const lastRec = written[written.length - 1]
      success(lastRec.revision, lastRec.position)
    })
    call.on('error', () => {})
  }

  const getSupportedMethods = (_call: unknown, callback: grpc.sendUnaryData<import('@eventstore/db-client/generated/serverfeatures_pb.js').SupportedMethods>): void => {
    const methods = new featuresPb.SupportedMethods()
    methods.setEventStoreServerVersion('0.0.0-test-stand-in')
    methods.setMethodsList(
      ['read', 'append'].map(name => {
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
      s.addService(streamsGrpc.StreamsService, { read, append } as unknown as grpc.UntypedServiceImplementation)
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
    get eventCount() {
      return log.all.length
    },
    writeSystemEvent() {
      log.systemEvent()
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
