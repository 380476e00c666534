// Every CLI command, in the order `continuum --help` lists them.
import type { Command } from '../command.js';
import { agentCommand } from './agent.js';
import { applyCommand } from './apply.js';
import { auditCommand } from './audit.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { diffCommand } from './diff.js';
import { editCommand } from './edit.js';
import { explainCommand } from './explain.js';
import { getCommand } from './get.js';
import { logsCommand } from './logs.js';
import { rolloutCommand } from './rollout.js';
import { scaleCommand } from './scale.js';
import { secretsCommand } from './secrets.js';
import { serverCommand } from './server.js';
import { siteCommand } from './site.js';
import { tokenCommand } from './token.js';
import { upCommand } from './up.js';
import { versionCommand } from './version.js';
import { kubeconfigCommand } from './kubeconfig.js';
import { imagesCommand } from './images.js';
import { whoamiCommand } from './whoami.js';
import { billCommand } from './bill.js';
import { carbonCommand } from './carbon.js';
import { syncCommand } from './sync.js';

export const commands: Command[] = [
  upCommand,
  applyCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  createCommand,
  diffCommand,
  editCommand,
  scaleCommand,
  rolloutCommand,
  logsCommand,
  explainCommand,
  siteCommand,
  serverCommand,
  agentCommand,
  tokenCommand,
  whoamiCommand,
  auditCommand,
  secretsCommand,
  versionCommand,
  kubeconfigCommand,
  imagesCommand,
  billCommand,
  carbonCommand,
  syncCommand,
];
