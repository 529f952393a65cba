// Webhook metrics: attempts by outcome and the delivery lag, from real deliveries to a receiver
// that refuses the first attempt.
import t from 'tap'
import { createMetrics } from '../../src/app/metrics.js'
import { startHarness } from '../support/harness.js'
import { startReceiver } from './support/receiver.js'

t.test('deliveries by outcome and their lag', async t => {
  const metrics = createMetrics({ processMetrics: false })
  const h = await startHarness({ webhooks: { allowPrivate: true, observer: metrics.webhookObserver, retry: { baseMs: 10, maxDelayMs: 20, retryForMs: 60_000, disableAfterMs: 120_000 } } })
  t.teardown(() => h.close())
  const r = await startReceiver((_got, n) => (n === 0 ? 500 : 200))
  t.teardown(() => r.close())
  await h.request({ method: 'POST', url: '/v1/webhooks', payload: { url: r.url, types: ['PlanCreated'] } })
  await h.request({ method: 'POST', url: '/v1/plans', payload: { partnership: 'Ealing DAAT', year: '2008/09' } })
  await r.waitFor(2)
  let text = ''
  for (let i = 0; i < 500 && !/outcome="delivered"} 1/.test(text); i++) {
    text = await metrics.registry.metrics()
    await new Promise(res => setTimeout(res, 10))
  }
  t.match(text, /gridledger_webhook_deliveries_total\{outcome="failed"\} 1/)
  t.match(text, /gridledger_webhook_deliveries_total\{outcome="delivered"\} 1/)
  t.match(text, /gridledger_webhook_delivery_lag_seconds_count 1/)
})
