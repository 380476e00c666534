// Hostile or unsupported EWBI component specs map onto native components only within the partner's policy.
import { describe, expect, it } from 'vitest';
import { ApiError, type Deployment } from '../../model/index.js';
import { accessPoints, instanceState, nativeComponent } from './native.js';
import { artefactBody, fileBody } from './testing/bodies.js';

const spec = artefactBody('a1', 'f1').componentSpec[0];
const file = fileBody('f1');

describe('native mapping of EWBI components', () => {
  it('drops secret references and keeps runtime and replica bounds the partner sets', () => {
    const hostile = {
      name: 'web',
      runtime: 'kubernetes',
      artifact: { command: '/bin/sh', args: ['-c', 'cat /etc/shadow'] },
      env: [
        { name: 'STOLEN', valueFrom: { secretKeyRef: { name: 'ewbi-token-key', key: 'key' } } },
        { name: 'MODE', value: 'x' },
      ],
    };
    const c = nativeComponent(
      {
        ...spec,
        numOfInstances: 1000,
        deploymentConfig: { configType: 'KUBERNETES_MANIFEST', contents: JSON.stringify(hostile) },
      },
      file,
      ['process'],
    );
    expect(c.env).toEqual([{ name: 'MODE', value: 'x' }]);
    expect(c.runtime).toBe('process');
    expect(c.artifact.command).toBe(process.execPath);
    expect(c.replicas).toBe(16);
  });

  it('refuses runtimes the partner does not offer, UDP and over-long interface names as 422', () => {
    const refuse = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof ApiError ? e.status : 0;
      }
      return 200;
    };
    expect(refuse(() => nativeComponent(spec, file, ['container']))).toBe(422);
    const udp = { ...spec, exposedInterfaces: [{ ...spec.exposedInterfaces![0], commProtocol: 'UDP' as const }] };
    expect(refuse(() => nativeComponent(udp, file, ['process']))).toBe(422);
    const long = {
      ...spec,
      exposedInterfaces: [{ ...spec.exposedInterfaces![0], interfaceId: 'a-very-long-interface' }],
    };
    expect(refuse(() => nativeComponent(long, file, ['process']))).toBe(422);
  });

  it('reports instance state and access points from the Deployment', () => {
    const d = {
      metadata: { name: 'i1', namespace: 'fed-x' },
      spec: { application: 'a' },
      status: { phase: 'Running', endpoints: [{ component: 'web', port: 'http', url: 'http://10.0.0.7:31000' }] },
    } as unknown as Deployment;
    expect(instanceState(d)).toBe('READY');
    expect(accessPoints(d)).toEqual([
      { interfaceId: 'http', accessPoints: { port: 31000, ipv4Addresses: ['10.0.0.7'] } },
    ]);
    const gone = { ...d, metadata: { ...d.metadata, deletionTimestamp: 'now' } } as Deployment;
    expect(instanceState(gone)).toBe('TERMINATING');
  });
});
