#!/usr/bin/env node
// CAMARA walk-through app: the hello example as one executable (a CAMARA manifest names a file, not a command line).
import '../hello/server.mjs';
