// MQTT and NATS triggers invoke a function, on the local Mosquitto and NATS, and stay inside the tenant's namespace.
import { connectAsync } from 'mqtt';
import { connect as natsConnect, StringCodec } from 'nats';
import { describe, expect, test } from 'vitest';
import { waitFor } from '../testing/harness.js';
import { DEFAULT_BROKERS } from './triggers.js';
import { fnFixture } from './testing/fixtures.js';
import { call, fnSetup, fnSpec } from './testing/setup.js';

const sc = StringCodec();
type Event = { trigger: string; topic: string; body: string };

describe('function triggers', () => {
  test('an MQTT message on the tenant topic invokes the function; another tenant with # sees nothing', async (ctx) => {
    const { d } = await fnSetup(ctx);
    const a = await d.ensure(
      fnSpec('orders', fnFixture('http-server', { maxInstances: 1, triggers: [{ mqtt: { topic: 'orders/+' } }] })),
    );
    const b = await d.ensure(
      fnSpec(
        'spy',
        fnFixture('http-server', { maxInstances: 1, triggers: [{ mqtt: { topic: '#' } }] }),
        {},
        'tenant-b',
      ),
    );
    const pub = await connectAsync(DEFAULT_BROKERS.mqttUrl);
    ctx.onTestFinished(() => pub.endAsync(true));
    // The subscription is made in the background: publish until the function has seen one.
    const seen = await waitFor(
      async () => {
        await pub.publishAsync('continuum/tenant-a/orders/42', 'order 42', { qos: 1 });
        const events = (await call(a.ports.http!, '/events')).body.events as Event[];
        return events.length > 0 && events;
      },
      'the function invoked by MQTT',
      30_000,
      200,
    );
    expect(seen[0]).toMatchObject({ trigger: 'mqtt', topic: 'continuum/tenant-a/orders/42', body: 'order 42' });
    // Tenant b subscribed to '#' in its own namespace: prove it is subscribed, then that it never saw tenant a's.
    await waitFor(
      async () => {
        await pub.publishAsync('continuum/tenant-b/ping', 'b', { qos: 1 });
        return ((await call(b.ports.http!, '/events')).body.events as Event[]).length > 0;
      },
      'tenant b invoked on its own topic',
      30_000,
      200,
    );
    const bEvents = (await call(b.ports.http!, '/events')).body.events as Event[];
    expect(bEvents.every((e) => e.topic.startsWith('continuum/tenant-b/'))).toBe(true);
    expect(bEvents.some((e) => e.body === 'order 42')).toBe(false);
  });

  test('a NATS request on the tenant subject is answered by the function (request-reply)', async (ctx) => {
    const { d } = await fnSetup(ctx);
    await d.ensure(fnSpec('quotes', fnFixture('http-server', { triggers: [{ nats: { subject: 'quotes.*' } }] })));
    const spy = await d.ensure(
      fnSpec(
        'spy',
        fnFixture('http-server', { maxInstances: 1, triggers: [{ nats: { subject: '>' } }] }),
        {},
        'tenant-b',
      ),
    );
    const nc = await natsConnect({ servers: DEFAULT_BROKERS.natsUrl });
    ctx.onTestFinished(() => nc.close());
    const ask = (subject: string, text: string) =>
      nc.request(subject, sc.encode(text), { timeout: 2000 }).then(
        (m) => JSON.parse(sc.decode(m.data)) as { echo: Event },
        () => undefined,
      );
    // Tenant b's '>' is subscribed (it answers on its own subject) before tenant a's request is sent.
    await waitFor(() => ask('continuum.tenant-b.ping', 'b'), 'tenant b answering', 30_000, 200);
    const reply = await waitFor(
      () =>
        nc.request('continuum.tenant-a.quotes.eur', sc.encode('how much?'), { timeout: 2000 }).then(
          (m) => JSON.parse(sc.decode(m.data)) as { echo: Event },
          () => undefined,
        ),
      'a NATS reply from the function',
      30_000,
      200,
    );
    expect(reply.echo).toMatchObject({ trigger: 'nats', topic: 'continuum.tenant-a.quotes.eur', body: 'how much?' });
    const spyEvents = (await call(spy.ports.http!, '/events')).body.events as Event[];
    expect(spyEvents.some((e) => e.topic.startsWith('continuum.tenant-a.'))).toBe(false);
  });

  test('an unreachable broker is retried in the background and does not hold up remove', async (ctx) => {
    const warnings: string[] = [];
    const { d } = await fnSetup(ctx, { natsUrl: 'nats://127.0.0.1:1', onWarning: (m) => warnings.push(m) });
    const sp = fnSpec('lonely', fnFixture('http-server', { triggers: [{ nats: { subject: 'x' } }] }));
    const s = await d.ensure(sp);
    await waitFor(() => warnings.some((w) => /NATS: .*retrying/.test(w)), 'a NATS retry warning');
    expect((await call(s.ports.http!)).status).toBe(200);
    await d.remove(sp.id, 1);
    expect(d.list()).toEqual([]);
  });
});
