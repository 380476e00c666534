// Test helper: `node --import register-ts.mjs` installs the .ts module hooks of ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
