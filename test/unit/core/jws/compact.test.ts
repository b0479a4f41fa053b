import { describe, expect, test } from '@jest/globals';
import { decodeBase64url, decodeCompactJws } from '../../../../src/core/jws/compact.js';
import { InvalidTokenError } from '../../../../src/core/errors.js';
import { b64, craft } from '../../../helpers/tokens.js';

const HEADER = { alg: 'RS256', kid: 'k1' };
const PAYLOAD = { iss: 'https://idp.example/realms/myorg', sub: 'u' };
const MAX = 16384;

function refusal(token: string, max = MAX): unknown {
  try {
    decodeCompactJws(token, max);
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('decodeCompactJws', () => {
  test('decodes the header and payload of a compact JWS', () => {
    expect(decodeCompactJws(craft(HEADER, PAYLOAD), MAX)).toEqual({ header: HEADER, payload: PAYLOAD });
  });

  const notCompact: Array<[string, string]> = [
    ['padding', `${b64(HEADER)}.${b64(PAYLOAD)}.c2ln==`],
    ['a space inside', `${b64(HEADER)}.${b64(PAYLOAD)} .c2ln`],
    ['a trailing newline', `${craft(HEADER, PAYLOAD)}\n`],
    ['base64 "+" and "/"', `${b64(HEADER)}.${b64(PAYLOAD)}.a+b/c`],
    ['two parts', `${b64(HEADER)}.${b64(PAYLOAD)}`],
    ['an empty signature (alg none style)', `${b64(HEADER)}.${b64(PAYLOAD)}.`],
    ['four parts', `${craft(HEADER, PAYLOAD)}.eHh4`],
    ['five parts (a JWE)', `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a2V5.aXY.Y2lwaGVy.dGFn`],
    ['an empty string', ''],
  ];
  test.each(notCompact)('refuses a token with %s as not a compact JWS', (_what, token) => {
    const error = refusal(token);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({
      code: 'invalid_token',
      message: 'token is not a compact JWS (three base64url parts)',
    });
  });

  test('refuses a part whose length cannot be base64url', () => {
    expect(refusal(`abcde.${b64(PAYLOAD)}.c2ln`)).toMatchObject({
      code: 'invalid_token',
      message: 'token header is not valid base64url',
    });
    expect(refusal(`${b64(HEADER)}.abcde.c2ln`)).toMatchObject({ message: 'token payload is not valid base64url' });
  });

  test('refuses a header that is not JSON', () => {
    expect(refusal(`${b64('{not json')}.${b64(PAYLOAD)}.c2ln`)).toMatchObject({
      code: 'invalid_token',
      message: 'token header is not valid JSON',
    });
  });

  test('refuses a payload that is not JSON', () => {
    expect(refusal(`${b64(HEADER)}.${b64('plain text')}.c2ln`)).toMatchObject({
      message: 'token payload is not valid JSON',
    });
  });

  test.each([
    ['an array', [1, 2]],
    ['a string', 'RS256'],
    ['a number', 42],
    ['null', null],
  ])('refuses a header that is %s, not a JSON object', (_what, header) => {
    expect(refusal(craft(header === 'RS256' ? JSON.stringify(header) : header, PAYLOAD))).toMatchObject({
      code: 'invalid_token',
      message: 'token header is not a JSON object',
    });
  });

  test.each([
    ['an array', ['sub']],
    ['a number', 7],
    ['true', true],
  ])('refuses a payload that is %s, not a JSON object', (_what, payload) => {
    expect(refusal(craft(HEADER, payload))).toMatchObject({ message: 'token payload is not a JSON object' });
  });

  test('refuses a token longer than the limit before decoding it', () => {
    const token = craft(HEADER, { ...PAYLOAD, pad: 'x'.repeat(200) });
    expect(refusal(token, 100)).toMatchObject({
      code: 'invalid_token',
      message: 'token is longer than 100 characters',
    });
  });

  test('accepts a token exactly as long as the limit', () => {
    const token = craft(HEADER, PAYLOAD);
    expect(decodeCompactJws(token, token.length).payload).toEqual(PAYLOAD);
  });
});

describe('decodeBase64url', () => {
  test('decodes the canonical spelling', () => {
    expect(decodeBase64url('aGk', 'signature')).toEqual(Buffer.from('hi'));
  });

  test('refuses a spelling with set spare bits, which Node would decode to the same bytes', () => {
    expect(Buffer.from('aGl', 'base64url')).toEqual(Buffer.from('hi')); // the ambiguity this check removes
    expect(() => decodeBase64url('aGl', 'signature')).toThrow(
      new InvalidTokenError('token signature is not valid base64url', { reason: 'malformed' }),
    );
  });

  test('refuses a stray trailing character and padding', () => {
    expect(() => decodeBase64url('aGk=', 'payload')).toThrow(
      new InvalidTokenError('token payload is not valid base64url', { reason: 'malformed' }),
    );
    expect(() => decodeBase64url('aGlhaGlh' + 'a', 'header')).toThrow(InvalidTokenError);
  });
});
