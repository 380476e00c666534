// Tests for the bundled carbon intensity table and its lookup helpers.
import { describe, expect, it } from 'vitest';
import {
  gridIntensityFilePath,
  loadGridIntensity,
  parseGridIntensityCsv,
  siteCarbonIntensity,
  staticCarbonSource,
} from './carbon.js';

describe('carbon intensity table', () => {
  it('loads the bundled file from the package, not ../shared', () => {
    expect(gridIntensityFilePath()).toMatch(/src[/\\]sustainability[/\\]data[/\\]eu-grid-carbon-intensity-2020\.csv$/);
    expect(gridIntensityFilePath()).not.toContain('shared');
    const t = loadGridIntensity();
    expect(t.get('SE')).toBe(13);
    expect(t.get('PL')).toBe(724);
    expect(t.get('EU27')).toBe(226);
  });

  it.each([
    [
      'header and rows',
      'country,gco2_per_kwh\nAT,83\nse,13\n',
      [
        ['AT', 83],
        ['SE', 13],
      ],
    ],
    [
      'no header, CRLF, blank lines',
      'FR,55\r\n\r\nDE,301',
      [
        ['FR', 55],
        ['DE', 301],
      ],
    ],
  ] as const)('parses %s', (_name, text, expected) => {
    expect([...parseGridIntensityCsv(text)]).toEqual(expected);
  });

  it.each([
    ['missing value', 'AT,'],
    ['negative', 'AT,-1'],
    ['extra column', 'AT,1,2'],
    ['not a number', 'AT,x'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseGridIntensityCsv(text)).toThrow(/malformed/);
  });

  it.each([
    ['known country', 'SE', 1.2, 13 * 1.2],
    ['lower-case code', 'fr', 1, 55],
    ['unknown country takes the EU-27 average', 'CH', 1.5, 226 * 1.5],
  ])('site intensity: %s', (_name, country, pue, expected) => {
    expect(siteCarbonIntensity(staticCarbonSource(), country, pue)).toBeCloseTo(expected, 9);
  });
});
