// Event triggers of a function: MQTT topics and NATS subjects whose messages become calls (POST) of the function.
import { Agent, request } from 'node:http';
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { connect as natsConnect, type NatsConnection } from 'nats';
import type { FunctionRun } from './run.js';

/** Where the site's brokers are (agent driver options `mqttUrl`, `natsUrl`). */
export interface BrokerOptions {
  mqttUrl: string;
  natsUrl: string;
}

export const DEFAULT_BROKERS: BrokerOptions = { mqttUrl: 'mqtt://127.0.0.1:1883', natsUrl: 'nats://127.0.0.1:4222' };

/** One event call: POST / with the message as the body; resolves with the function's answer. */
export async function invokeEvent(
  run: FunctionRun,
  agent: Agent,
  headers: Record<string, string>,
  body: Uint8Array,
): Promise<{ status: number; body: Buffer }> {
  const { inst, port } = await run.acquire();
  try {
    return await new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { ...headers, 'content-length': String(body.byteLength) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  } finally {
    run.release(inst);
  }
}

/** The broker subscriptions of one function; closing them ends its event calls. */
export class Triggers {
  private mqtt?: MqttClient;
  private nats?: NatsConnection;
  private closed = false;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    private readonly run: FunctionRun,
    private readonly brokers: BrokerOptions,
    private readonly warn: (m: string) => void,
  ) {}

  private call(headers: Record<string, string>, body: Uint8Array): Promise<{ status: number; body: Buffer }> {
    return invokeEvent(this.run, this.agent, headers, body);
  }

  /** Subscribes (the clients keep reconnecting in the background; a broker that is down is retried). */
  open(): void {
    const { mqttTopics, natsSubjects } = this.run.plan;
    const id = this.run.spec.id;
    if (mqttTopics.length) {
      const client = mqttConnect(this.brokers.mqttUrl, { reconnectPeriod: 1000, connectTimeout: 5000 });
      this.mqtt = client;
      client.on('connect', () => {
        client.subscribe(mqttTopics, { qos: 1 }, (e) => {
          if (e) this.warn(`function ${id}: MQTT subscribe: ${e.message}`);
        });
      });
      client.on('error', (e) => this.warn(`function ${id}: MQTT: ${e.message}`));
      client.on('message', (topic, payload) => {
        this.call({ 'x-continuum-trigger': 'mqtt', 'x-continuum-topic': topic }, payload).catch((e: Error) =>
          this.warn(`function ${id}: MQTT call failed: ${e.message}`),
        );
      });
    }
    if (natsSubjects.length) void this.openNats(natsSubjects);
  }

  private async openNats(subjects: string[]): Promise<void> {
    const id = this.run.spec.id;
    try {
      const nc = await this.connectNats();
      if (!nc) return;
      if (this.closed) return void (await nc.close());
      this.nats = nc;
      // One queue group per function: where several sites run it, each message is handled once.
      const queue = `continuum-fn.${id.replace(/[^A-Za-z0-9-]/g, '_')}`;
      for (const subject of subjects)
        nc.subscribe(subject, {
          queue,
          callback: (err, msg) => {
            if (err) return this.warn(`function ${id}: NATS: ${err.message}`);
            this.call({ 'x-continuum-trigger': 'nats', 'x-continuum-subject': msg.subject }, msg.data).then(
              (r) => (msg.reply ? msg.respond(r.body) : undefined),
              (e: Error) => this.warn(`function ${id}: NATS call failed: ${e.message}`),
            );
          },
        });
      await nc.flush();
    } catch (e) {
      this.warn(`function ${id}: NATS: ${(e as Error).message}`);
    }
  }

  /** Connects to NATS, retrying with back-off while the broker is unreachable; undefined once closed. */
  private async connectNats(): Promise<NatsConnection | undefined> {
    for (let delay = 250; !this.closed; delay = Math.min(delay * 2, 10_000)) {
      try {
        return await natsConnect({ servers: this.brokers.natsUrl, maxReconnectAttempts: -1 });
      } catch (e) {
        if (delay === 250) this.warn(`function ${this.run.spec.id}: NATS: ${(e as Error).message}; retrying`);
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.agent.destroy();
    await Promise.allSettled([
      this.mqtt ? this.mqtt.endAsync(true) : Promise.resolve(),
      this.nats ? this.nats.close() : Promise.resolve(),
    ]);
  }
}
