// The operation table covers the spec exactly, and the validator catches mismatching traffic.
import { describe, expect, it } from 'vitest';
import { EwbiValidator } from '../testing/ewbi-validator.js';
import { CALLBACK_OPERATIONS, EWBI_PREFIX, PARTNER_OPERATIONS, ewbiPath } from './index.js';
import { decodeMultipart, encodeMultipart, multipartBoundary } from './multipart.js';

const v = new EwbiValidator();

describe('EWBI operation table', () => {
  it('lists every operation of the spec once, with the spec method and path', () => {
    const ours = [...PARTNER_OPERATIONS, ...CALLBACK_OPERATIONS];
    expect(v.operationCount).toBe(37);
    expect(ours.map((o) => o.id).sort()).toEqual(v.operationIds().sort());
    for (const o of ours) {
      const params = Object.fromEntries([...o.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'x1']));
      expect(v.match(o.method, ewbiPath(o.path, params))?.id, o.id).toBe(o.id);
    }
  });

  it('flags a request missing a required member and a response with an unlisted status', () => {
    const before = v.violations.length;
    v.checkRequest('POST', `${EWBI_PREFIX}/partner`, 'application/json', { origOPFederationId: 'a' });
    v.checkResponse('DELETE', `${EWBI_PREFIX}/f1/partner`, 418, '');
    v.checkRequest('POST', `${EWBI_PREFIX}/nope/nope/nope/nope`, 'application/json', {});
    expect(v.violations.length - before).toBe(3);
    expect(v.violations.at(-3)?.errors).toMatch(/initialDate|partnerStatusLink/);
  });

  it('checks callbacks against both the top-level and the per-operation definition', () => {
    const before = v.violations.length;
    const body = { appId: 'a1', appInstanceId: 'i1', zoneId: 'z1', appInstanceInfo: { appInstanceState: 'READY' } };
    // Valid for the top-level definition, but the per-operation one requires federationContextId.
    v.checkRequest('POST', `${EWBI_PREFIX}/cb1/appInstCallbackLink`, 'application/json', body);
    expect(v.violations.length - before).toBe(1);
    v.checkRequest('POST', `${EWBI_PREFIX}/cb1/appInstCallbackLink`, 'application/json', {
      ...body,
      federationContextId: 'f1',
    });
    expect(v.violations.length - before).toBe(1);
  });

  it('round-trips multipart bodies with JSON object parts and validates them as form fields', () => {
    const fields = {
      fileId: 'f1',
      appProviderId: 'p1',
      fileName: 'web',
      fileVersionInfo: '1',
      fileType: 'DOCKER',
      imgOSType: { architecture: 'x86_64', distribution: 'UBUNTU', version: 'OTHER', license: 'NOT_SPECIFIED' },
      imgInsSetArch: 'ISA_X86_64',
    };
    const { body, contentType } = encodeMultipart(fields, { file: { filename: 'img.tar', data: 'xyz' } });
    const back = decodeMultipart(body, multipartBoundary(contentType) ?? '');
    expect(back.fields).toEqual(fields);
    expect(back.files.file.data.toString()).toBe('xyz');
    expect(v.checkRequest('POST', `${EWBI_PREFIX}/f1/files`, contentType, body)).toEqual([]);
    const bad = encodeMultipart({ ...fields, imgInsSetArch: 'SPARC' });
    expect(v.checkRequest('POST', `${EWBI_PREFIX}/f1/files`, bad.contentType, bad.body)).toHaveLength(1);
  });
});
