// Tests of `continuum agent` flag parsing: --runtimes, and --driver as its older single-runtime form.
import { describe, expect, it } from 'vitest';
import { runtimesFromFlags } from './agent.js';

describe('continuum agent --runtimes', () => {
  it.each<[string | undefined, string | undefined, string[] | undefined]>([
    [undefined, undefined, undefined],
    ['process', undefined, ['process']],
    ['process, container,process', undefined, ['process', 'container']],
    [undefined, 'process', ['process']],
  ])('--runtimes %j --driver %j → %j', (runtimes, driver, expected) => {
    expect(runtimesFromFlags(runtimes, driver)).toEqual(expected);
  });

  it.each<[string | undefined, string | undefined, RegExp]>([
    [
      'process,docker',
      undefined,
      /--runtimes: unknown runtime "docker" \(known: process, function, kubernetes, container\)/,
    ],
    [' , ', undefined, /--runtimes needs at least one of/],
    [undefined, 'docker', /--driver must be one of process, function, container, kubernetes/],
    ['process', 'process', /give --runtimes or --driver/],
  ])('refuses --runtimes %j --driver %j', (runtimes, driver, message) => {
    expect(() => runtimesFromFlags(runtimes, driver)).toThrow(message);
  });
});
