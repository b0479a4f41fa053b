import { describe, expect, test } from '@jest/globals';
import { extractBearerToken, type BearerRequest, type BearerSources } from '../../../../src/core/bearer/extract.js';
import { InvalidRequestError, MissingCredentialsError } from '../../../../src/core/errors.js';

const HEADER_ONLY: BearerSources = { query: false, body: false };
const ALL: BearerSources = { query: true, body: true };

const FORM = ['Content-Type', 'application/x-www-form-urlencoded'];

/**
 * A request as Node builds it: `headers` keeps only the first `Authorization`, `rawHeaders` keeps all. A
 * request with a body is a form POST unless its headers say otherwise.
 */
function request(
  rawHeaders: string[],
  url = '/api/private',
  body?: unknown,
  method = body === undefined ? 'GET' : 'POST',
): BearerRequest {
  const all =
    body !== undefined && !rawHeaders.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'content-type')
      ? [...rawHeaders, ...FORM]
      : rawHeaders;
  const headers: Record<string, string> = {};
  for (let i = 0; i < all.length; i += 2) {
    const name = all[i]!.toLowerCase();
    headers[name] ??= all[i + 1]!;
  }
  return { method, url, rawHeaders: all, headers, body };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('extractBearerToken', () => {
  test('returns the token of "Authorization: Bearer <token>"', () => {
    expect(extractBearerToken(request(['Authorization', 'Bearer abc.def.ghi']), HEADER_ONLY)).toBe('abc.def.ghi');
  });

  test.each(['bearer', 'BEARER', 'BeArEr'])('reads the scheme case-insensitively (%s)', (scheme) => {
    expect(extractBearerToken(request(['authorization', `${scheme} abc.def.ghi`]), HEADER_ONLY)).toBe('abc.def.ghi');
  });

  test('tolerates extra spaces around the token', () => {
    expect(extractBearerToken(request(['Authorization', '  Bearer   abc.def.ghi  ']), HEADER_ONLY)).toBe('abc.def.ghi');
  });

  test('treats no Authorization header as no credentials', () => {
    const error = thrown(() => extractBearerToken(request(['Host', 'x']), HEADER_ONLY));
    expect(error).toBeInstanceOf(MissingCredentialsError);
    expect(error).toMatchObject({
      code: 'unauthorized',
      status: 401,
      message: 'authentication required: send "Authorization: Bearer <access token>"',
    });
  });

  test.each(['Basic dXNlcjpwYXNz', 'JWT abc.def.ghi', 'Token abc', 'Bearerabc.def.ghi', ''])(
    'treats credentials of another scheme as no credentials (RFC 6750 §3.1): %p',
    (value) => {
      const error = thrown(() => extractBearerToken(request(['Authorization', value]), HEADER_ONLY));
      expect(error).toBeInstanceOf(MissingCredentialsError);
    },
  );

  test.each(['Bearer', 'Bearer ', 'bearer    '])('refuses "Bearer" with no token as invalid_request: %p', (value) => {
    const error = thrown(() => extractBearerToken(request(['Authorization', value]), HEADER_ONLY));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      code: 'invalid_request',
      status: 400,
      message: '"Authorization: Bearer" carries no token',
    });
  });

  test('refuses two Authorization headers, read from the raw headers, as invalid_request', () => {
    const error = thrown(() =>
      extractBearerToken(
        request(['Authorization', 'Bearer abc.def.ghi', 'authorization', 'Bearer other.def.ghi']),
        HEADER_ONLY,
      ),
    );
    expect(error).toMatchObject({ code: 'invalid_request', message: 'more than one "Authorization" header' });
  });

  test('refuses two Authorization headers even when the second is of another scheme', () => {
    const error = thrown(() =>
      extractBearerToken(request(['Authorization', 'Bearer abc.def.ghi', 'Authorization', 'Basic eA==']), HEADER_ONLY),
    );
    expect(error).toMatchObject({ code: 'invalid_request', message: 'more than one "Authorization" header' });
  });

  describe('with query and body tokens off (the default)', () => {
    test('treats a token only in the query as no credentials', () => {
      const error = thrown(() => extractBearerToken(request([], '/api/private?access_token=abc.def.ghi'), HEADER_ONLY));
      expect(error).toBeInstanceOf(MissingCredentialsError);
    });

    test('refuses a token in the query and the header as invalid_request', () => {
      const error = thrown(() =>
        extractBearerToken(
          request(['Authorization', 'Bearer abc.def.ghi'], '/api/private?access_token=abc.def.ghi'),
          HEADER_ONLY,
        ),
      );
      expect(error).toMatchObject({ code: 'invalid_request', message: 'the token was sent in more than one place' });
    });

    test('refuses a token in the body and the header as invalid_request', () => {
      const error = thrown(() =>
        extractBearerToken(request(['Authorization', 'Bearer abc.def.ghi'], '/', { access_token: 'x' }), HEADER_ONLY),
      );
      expect(error).toMatchObject({ code: 'invalid_request', message: 'the token was sent in more than one place' });
    });

    test('does not count an access_token field of a JSON body as a second place', () => {
      const req = request(['Authorization', 'Bearer abc.def.ghi', 'Content-Type', 'application/json'], '/x', {
        access_token: 'data, not a credential',
      });
      expect(extractBearerToken(req, HEADER_ONLY)).toBe('abc.def.ghi');
      expect(extractBearerToken(req, ALL)).toBe('abc.def.ghi');
    });

    test('treats a token only in the body as no credentials', () => {
      const error = thrown(() => extractBearerToken(request([], '/', { access_token: 'abc.def.ghi' }), HEADER_ONLY));
      expect(error).toBeInstanceOf(MissingCredentialsError);
    });

    test('ignores other query parameters', () => {
      expect(extractBearerToken(request(['Authorization', 'Bearer abc.def.ghi'], '/x?token=1&a=b'), HEADER_ONLY)).toBe(
        'abc.def.ghi',
      );
    });
  });

  describe('with query and body tokens on', () => {
    test('returns the access_token query parameter (RFC 6750 §2.3)', () => {
      expect(extractBearerToken(request([], '/x?a=1&access_token=abc.def.ghi'), ALL)).toBe('abc.def.ghi');
    });

    test('returns the access_token field of a parsed form body (RFC 6750 §2.2)', () => {
      expect(extractBearerToken(request([], '/x', { access_token: 'abc.def.ghi' }), ALL)).toBe('abc.def.ghi');
    });

    test('refuses two access_token query parameters', () => {
      const error = thrown(() => extractBearerToken(request([], '/x?access_token=a&access_token=b'), ALL));
      expect(error).toMatchObject({ code: 'invalid_request', message: 'more than one "access_token" query parameter' });
    });

    test('refuses an empty access_token query parameter', () => {
      const error = thrown(() => extractBearerToken(request([], '/x?access_token='), ALL));
      expect(error).toMatchObject({ code: 'invalid_request', message: '"access_token" query parameter is empty' });
    });

    test('refuses a token in the query and the body', () => {
      const error = thrown(() => extractBearerToken(request([], '/x?access_token=a', { access_token: 'b' }), ALL));
      expect(error).toMatchObject({ code: 'invalid_request', message: 'the token was sent in more than one place' });
    });

    test('refuses a body access_token that is not a string', () => {
      const error = thrown(() => extractBearerToken(request([], '/x', { access_token: ['a', 'b'] }), ALL));
      expect(error).toMatchObject({ code: 'invalid_request', message: '"access_token" body field is not a token' });
    });

    test('reads a form body whose content type has parameters', () => {
      const req = request(['Content-Type', 'Application/X-WWW-Form-Urlencoded; charset=utf-8'], '/x', {
        access_token: 'abc.def.ghi',
      });
      expect(extractBearerToken(req, ALL)).toBe('abc.def.ghi');
    });

    test('ignores an access_token field of a JSON body: only form-encoded bodies carry tokens (RFC 6750 §2.2)', () => {
      const req = request(['Content-Type', 'application/json'], '/x', { access_token: 'abc.def.ghi' });
      expect(thrown(() => extractBearerToken(req, ALL))).toBeInstanceOf(MissingCredentialsError);
    });

    test('ignores a form body of a GET request (RFC 6750 §2.2: "the GET method MUST NOT be used")', () => {
      const req = request([], '/x', { access_token: 'abc.def.ghi' }, 'GET');
      expect(thrown(() => extractBearerToken(req, ALL))).toBeInstanceOf(MissingCredentialsError);
    });

    test('reads only an own access_token of the body', () => {
      const body = Object.create({ access_token: 'inherited' }) as object;
      expect(thrown(() => extractBearerToken(request([], '/x', body), ALL))).toBeInstanceOf(MissingCredentialsError);
    });
  });
});
