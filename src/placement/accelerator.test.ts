// Requesting an accelerator model and count (`resources.gpu` + `resources.gpuModel`) on the bundled topology.
import { describe, expect, it } from 'vitest';
import type { ApplicationSpec, ComponentResources, DeploymentSpec } from '../model/index.js';
import { place } from './engine.js';
import { buildRequest } from './request.js';
import { bundledSnapshot } from './testing/bundled.js';

const snapshot = bundledSnapshot();
const decide = (resources: ComponentResources, override?: ComponentResources) => {
  const app: ApplicationSpec = { components: [{ name: 'infer', artifact: { command: 'infer' }, resources }] };
  const dep: DeploymentSpec = {
    application: 'ai',
    ...(override ? { overrides: { infer: { resources: override } } } : {}),
  };
  return place(snapshot, buildRequest('default', 'ai', app, dep));
};
const modelOf = (site: string) => snapshot.siteByName(site)!.gpuModel;

describe('accelerator model and count', () => {
  it.each(['NVIDIA L4', 'AMD MI300X', 'NVIDIA L40S'])(
    'gpu: 1, gpuModel: %s lands on a site with that model',
    (model) => {
      const d = decide({ cpu: '2', memory: '4Gi', gpu: 1, gpuModel: model });
      expect(d.unplaced).toEqual([]);
      expect(modelOf(d.assignments[0].site)).toBe(model);
    },
  );

  it('a deployment override can change the model', () => {
    const d = decide({ gpu: 1, gpuModel: 'NVIDIA H100' }, { gpu: 1, gpuModel: 'NVIDIA L4' });
    expect(modelOf(d.assignments[0].site)).toBe('NVIDIA L4');
  });

  it('a model no site has is unplaceable, and the explanation says why', () => {
    const d = decide({ gpu: 1, gpuModel: 'Imaginary X1' });
    expect(d.unplaced).toEqual(['infer/0']);
    expect(d.explanation[0].summary).toMatch(/Imaginary X1/);
  });

  it('more GPUs than any one site of that model has is unplaceable', () => {
    const d = decide({ gpu: 1000, gpuModel: 'NVIDIA L4' });
    expect(d.unplaced).toEqual(['infer/0']);
  });
});
