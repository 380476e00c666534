// `continuum logs WORKLOAD [-f]`: a workload's stdout and stderr, fetched from its site's agent.
import { CONNECTION, UsageError, clientFrom, type Command } from '../command.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Print the logs of a workload',
  usage: 'continuum logs WORKLOAD [-n NS] [-f] [--tail N]',
  options: {
    ...CONNECTION,
    follow: { type: 'boolean', short: 'f', description: 'Keep streaming new output' },
    tail: { type: 'string', description: 'Only the last N lines', placeholder: 'N', defaultText: 'all' },
  },
  async run(v, positionals, io) {
    const name = positionals[0]?.replace(/^(workload|workloads|wl)\//, '');
    if (!name) throw new UsageError(`a workload name is required\nusage: ${this.usage}`);
    const tail = v.tail !== undefined ? Number(v.tail) : undefined;
    if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
      throw new UsageError('--tail must be a non-negative integer');
    const { client, namespace } = clientFrom(v);
    try {
      for await (const chunk of client.logs(namespace, name, { follow: v.follow, tailLines: tail }, io.signal))
        io.out(chunk);
    } catch (e) {
      if (!io.signal.aborted) throw e;
    }
  },
};
