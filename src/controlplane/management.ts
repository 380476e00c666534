// The management domain inside one control plane: usage store, its routes, roll-up/retention timer, cost controller.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { IntensitySeries } from '../sustainability/index.js';
import { managementRoutes } from '../api/management/index.js';
import { costController, SpendLedger } from '../controllers/index.js';
import type { Logger } from '../lib/index.js';
import {
  DEFAULT_RETENTION,
  PostgresUsageStore,
  SqliteUsageStore,
  type Retention,
  type UsageStore,
} from '../management/index.js';
import type { ControllerFactory } from '../runtime/index.js';
import type { Security } from '../security/index.js';
import type { Store } from '../store/index.js';

export interface ManagementOptions {
  /** Retention of raw records and roll-ups (default: raw 7 days, hourly 400 days, daily for ever). */
  retention?: Retention;
  /** Roll-up and retention period (default 60 s). */
  rollupIntervalMs?: number;
  /** How often each Deployment's running cost is re-rated (default 60 s). */
  costIntervalMs?: number;
}

export interface Management {
  usage: UsageStore;
  ledger: SpendLedger;
  controller: ControllerFactory;
  plugin(
    app: FastifyInstance,
    deps: { store: Store; security: Security; zones?: () => ReadonlyMap<string, IntensitySeries> },
  ): void;
  start(log?: Logger): void;
  close(): Promise<void>;
}

/** Opens the usage store on the control plane's engine (PostgreSQL schema, or usage.db beside continuum.db). */
export async function openManagement(
  o: { dataDir: string; postgresUrl?: string; postgresSchema?: string; synchronous?: 'FULL' | 'NORMAL' },
  m: ManagementOptions = {},
): Promise<Management> {
  const usage: UsageStore = o.postgresUrl
    ? await PostgresUsageStore.open({ connectionString: o.postgresUrl, schema: o.postgresSchema })
    : new SqliteUsageStore(join(o.dataDir, 'usage.db'), { synchronous: o.synchronous });
  const ledger = new SpendLedger();
  let timer: NodeJS.Timeout | undefined;
  return {
    usage,
    ledger,
    controller: costController({ usage, intervalMs: m.costIntervalMs }, ledger),
    plugin: (app, deps) => managementRoutes(app, { ...deps, usage }),
    start(log) {
      timer = setInterval(() => {
        usage.prune(Date.now(), m.retention ?? DEFAULT_RETENTION).catch((e: unknown) => {
          log?.warn(`usage roll-up failed: ${(e as Error).message}`);
        });
      }, m.rollupIntervalMs ?? 60_000);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      await usage.close();
    },
  };
}
