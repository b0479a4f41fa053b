/**
 * Reads the `error` parameter of the Bearer challenge in a `WWW-Authenticate` header (RFC 6750 §3).
 */

/** token = 1*tchar (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * Returns the `error` auth-param of the `Bearer` challenge, or `undefined` when there is no Bearer challenge
 * or it has no `error`. Handles several challenges in one header and quoted values with escapes.
 */
export function bearerChallengeError(header: string): string | undefined {
  return challengeParam(header, 'bearer', 'error');
}

/** The same for the `DPoP` challenge (RFC 9449 §7.1), which may stand beside a Bearer one. */
export function dpopChallengeError(header: string): string | undefined {
  return challengeParam(header, 'dpop', 'error');
}

/** Any auth-param of the `Bearer` challenge (`resource_metadata`, RFC 9728 §5.1), as {@link bearerChallengeError}. */
export function bearerChallengeParam(header: string, param: string): string | undefined {
  return challengeParam(header, 'bearer', param);
}

function challengeParam(header: string, wanted: 'bearer' | 'dpop', param: string): string | undefined {
  let rest = header;
  let scheme: string | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = TOKEN.exec(rest)?.[0];
    if (name === undefined) return undefined;
    rest = rest.slice(name.length);
    const afterSpace = rest.replace(/^\s*/, '');
    if (!afterSpace.startsWith('=')) {
      scheme = name.toLowerCase();
      continue;
    }
    rest = afterSpace.slice(1).replace(/^\s*/, '');
    let value: string;
    const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    if (quoted !== null) {
      value = (quoted[1] ?? '').replace(/\\(.)/g, '$1');
      rest = rest.slice(quoted[0].length);
    } else {
      value = TOKEN.exec(rest)?.[0] ?? '';
      rest = rest.slice(value.length);
    }
    if (scheme === wanted && name.toLowerCase() === param) return value;
  }
  return undefined;
}
