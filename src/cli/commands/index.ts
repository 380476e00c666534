// Every CLI command, in the order `continuum --help` lists them.
import type { Command } from '../command.js';
import { agentCommand } from './agent.js';
import { applyCommand } from './apply.js';
import { auditCommand } from './audit.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { explainCommand } from './explain.js';
import { getCommand } from './get.js';
import { logsCommand } from './logs.js';
import { secretsCommand } from './secrets.js';
import { serverCommand } from './server.js';
import { tokenCommand } from './token.js';
import { upCommand } from './up.js';
import { versionCommand } from './version.js';
import { imagesCommand } from './images.js';
import { whoamiCommand } from './whoami.js';

export const commands: Command[] = [
  upCommand,
  applyCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  createCommand,
  logsCommand,
  explainCommand,
  serverCommand,
  agentCommand,
  tokenCommand,
  whoamiCommand,
  auditCommand,
  secretsCommand,
  versionCommand,
  imagesCommand,
];
