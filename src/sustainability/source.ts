// Carbon-intensity series from a JSON file (re-read when it changes) or an HTTP source (polled), both in the
// Carbon Aware SDK's shapes; a failed read keeps the last good data and says why.
import { readFile, stat } from 'node:fs/promises';
import { parseCarbonAwareJson, type IntensitySeries } from './series.js';

export interface CarbonDataSource {
  /** Series by zone (site name or country code); empty until the first successful read. */
  zones(): ReadonlyMap<string, IntensitySeries>;
  /** Reads now (also done on a timer); resolves when done, rejects with the reason it failed. */
  refresh(): Promise<void>;
  /** The last failure, if the last read failed. */
  readonly lastError: string | undefined;
  close(): void;
}

export interface CarbonDataOptions {
  /** How often a file's modification time is checked, or a URL fetched (default 60 s for files, 15 min for URLs). */
  intervalMs?: number;
  /** Called with a message when a read fails (the last good data stays in use). */
  onError?: (message: string) => void;
  /** Bearer token or other headers for an HTTP source. */
  headers?: Record<string, string>;
}

/** A source for `location`: an http(s) URL or a file path. The first read starts at once (await `refresh()`). */
export function carbonDataSource(location: string, o: CarbonDataOptions = {}): CarbonDataSource {
  const http = /^https?:\/\//.test(location);
  let zones: ReadonlyMap<string, IntensitySeries> = new Map();
  let lastError: string | undefined;
  let mtime = -1;
  const read = async (): Promise<void> => {
    try {
      let doc: unknown;
      if (http) {
        const res = await fetch(location, { headers: o.headers ?? {}, signal: AbortSignal.timeout(30_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        doc = await res.json();
      } else {
        const m = (await stat(location)).mtimeMs;
        if (m === mtime) return;
        doc = JSON.parse(await readFile(location, 'utf8'));
        mtime = m;
      }
      zones = parseCarbonAwareJson(doc);
      lastError = undefined;
    } catch (e) {
      lastError = `carbon data ${location}: ${(e as Error).message}`;
      o.onError?.(lastError);
      throw new Error(lastError);
    }
  };
  const timer = setInterval(() => void read().catch(() => undefined), o.intervalMs ?? (http ? 900_000 : 60_000));
  timer.unref();
  return {
    zones: () => zones,
    refresh: read,
    get lastError() {
      return lastError;
    },
    close: () => clearInterval(timer),
  };
}
