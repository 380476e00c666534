// Runs the store contract suite on the SQLite engine.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from '../testing/contract.js';
import { SqliteBackend } from './backend.js';

let path = '';
describeStoreContract('sqlite', {
  async make() {
    path = join(mkdtempSync(join(tmpdir(), 'continuum-sqlite-')), 'state.db');
    return new SqliteBackend({ path, synchronous: 'NORMAL' });
  },
  async reopen() {
    return new SqliteBackend({ path, synchronous: 'NORMAL' });
  },
});
