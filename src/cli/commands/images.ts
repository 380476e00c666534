// `continuum images build`: builds the examples image into a site's podman home and writes the container example.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildExamplesImage,
  detectContainerRuntime,
  Podman,
  podmanHome,
  threeTierContainerManifest,
} from '../../agent/drivers/container/index.js';
import { UsageError, type Command } from '../command.js';

export const imagesCommand: Command = {
  name: 'images',
  summary: 'Build the container images of the examples into a site agent podman store (no registry)',
  usage: 'continuum images build [--state-dir DIR | --podman-home DIR] [--out FILE]',
  options: {
    'state-dir': {
      type: 'string',
      description: "The site agent's state dir; its podman home is <dir>/drivers/container/podman",
      placeholder: 'DIR',
      defaultText: '.continuum-agent',
    },
    'podman-home': { type: 'string', description: 'A podman home to build into directly', placeholder: 'DIR' },
    out: {
      type: 'string',
      short: 'o',
      description: 'Where to write the three-tier example manifest that runs the image',
      placeholder: 'FILE',
    },
    help: { type: 'boolean', short: 'h' },
  },
  async run(v, positionals, io) {
    if (positionals[0] !== 'build') throw new UsageError(`usage: ${this.usage}`);
    if (v['state-dir'] && v['podman-home']) throw new UsageError('give --state-dir or --podman-home, not both');
    // An agent's container driver keeps its podman home in <state dir>/drivers/container/podman; `up` shares
    // <data dir>/podman between its agents.
    const home = resolve(
      v['podman-home'] ?? join(v['state-dir'] ?? '.continuum-agent', 'drivers', 'container', 'podman'),
    );
    const d = await detectContainerRuntime({ home });
    if (!d.available) throw new Error(`the container runtime is not available here: ${d.reason}`);
    const image = await buildExamplesImage(new Podman(podmanHome(home)));
    io.err(`built ${image} in ${home}\n`);
    const manifest = threeTierContainerManifest(image);
    if (v.out) {
      writeFileSync(resolve(v.out), manifest);
      io.out(`${image}\nthe three-tier example as containers: continuum apply -f ${resolve(v.out)}\n`);
    } else io.out(manifest);
  },
};
