// Countries without grid carbon data (CH, NO in the bundled table) are flagged in explanations, not passed off as data.
import { describe, expect, it } from 'vitest';
import type { ApplicationSpec } from '../model/index.js';
import { place } from './engine.js';
import { buildRequest } from './request.js';
import { bundledSnapshot } from './testing/bundled.js';

const snapshot = bundledSnapshot();
const decide = (pinned: string) => {
  const app: ApplicationSpec = { components: [{ name: 'web', artifact: { command: 'web' } }] };
  return place(
    snapshot,
    buildRequest('default', 'x', app, { application: 'x', placement: { pinned: { web: pinned } } }),
  );
};

describe('carbon data gaps', () => {
  it('the bundled table has no figure for CH and NO: those sites are marked as assumed', () => {
    const assumed = snapshot.sites.filter((s) => s.gridIntensityAssumed).map((s) => s.country);
    expect([...new Set(assumed)].sort()).toEqual(['CH', 'NO']);
    expect(snapshot.sites.filter((s) => s.country === 'DE').every((s) => !s.gridIntensityAssumed)).toBe(true);
  });

  it.each<[string, string | undefined]>([
    ['hexa-geneva-near', 'CH'],
    ['polaris-oslo-cloud', 'NO'],
    ['hexa-paris-metro', undefined],
  ])('a replica on %s: the explanation flags %s', (site, country) => {
    const summary = decide(site).explanation[0].summary;
    if (country)
      expect(summary).toMatch(
        new RegExp(`; no grid carbon data for ${country}: 226 gCO2/kWh \\(EU-27 average\\) assumed$`),
      );
    else expect(summary).not.toMatch(/no grid carbon data/);
  });
});
