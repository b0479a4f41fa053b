/**
 * The attacker: its own keys (an RSA pair, an EC pair, a self-signed certificate) and its own server on
 * 127.0.0.1, which serves a JWKS and the certificate at any path and counts every request, so a test can
 * prove that a URL named in a token (`jku`, `x5u`) was never fetched.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { JWK } from 'jose';
import { listenOnLoopback } from '../helpers/free-port.js';

/**
 * A self-signed certificate (CN=attacker.invalid, RSA 2048) and its key, made once with
 * `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=attacker.invalid -days 36500`. A test fixture with
 * no value anywhere: it exists so that the `x5c` forgery carries a real certificate whose key signed it.
 */
export const ATTACKER_CERTIFICATE_PEM = `
-----BEGIN CERTIFICATE-----
MIIDGTCCAgGgAwIBAgIUL+Waut8bIid6JA+IM6MtPDD5U44wDQYJKoZIhvcNAQEL
BQAwGzEZMBcGA1UEAwwQYXR0YWNrZXIuaW52YWxpZDAgFw0yNjExMjMxNzEzMTJa
GA8yMTI2MTAzMDE3MTMxMlowGzEZMBcGA1UEAwwQYXR0YWNrZXIuaW52YWxpZDCC
ASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJw/HP4K9r3ZaWnraAbWI1RV
FlQm33/bhmFDGePNWA49VwvGlcYzD/5kDDfu977gz7mx5R2/7jYb1WH0KqqrHYH8
Ajgr/q2ibeavGwh9lL//+AmmezIMFCH6o02SEVsRvG3mw+2BOreVIYy0Jc0Vz4o/
i0kpf5uBQHTW7nAvwoquF6CAukCKkNSi2p/dxHQZbaZQE1VIzmtYyFGgXiwaaS84
1xpQOw1F4o87Z2LH9O2wDW1gzU3bkPyvilPJuD5tQdrxeHKj3vSMpQPZNBzJ6wL8
LtRNsq3ri9i4tJNo30qLSPv0tX32KjJP5UYV+5kgRt4JA2ARnUzcTXWhrRqLG0EC
AwEAAaNTMFEwHQYDVR0OBBYEFP2pR0dVkDY38LVxC/7/+01PSk3OMB8GA1UdIwQY
MBaAFP2pR0dVkDY38LVxC/7/+01PSk3OMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZI
hvcNAQELBQADggEBAFtMETS0eGqwKyWtauhmOkOhYW/45E0OnOQXyIZb+Ce6ULxd
OCw8JSp0UqmZXeVY+VqoO1IjdjRbvYavIx/RH0KQ1CyH0lY9/6ti4PrmrOBS9vRM
stCpGhTTergmIeTXrFDQZFTNtmHx589xYXlT/iRNef4ROTah02G0+Yeua+gn3Dfn
U4iKh9SUiV0zOS0mWzzcZ54oAra/ugvbwAqKyrRABpWkMwm8vOB/9TJi2LDxk8CM
3Oxltg0r4M/Qljev2qPhQb6JROlDTCh/mpIxZsCbhybdi6ulz51j6pOPDZEjmE+m
yATucrxbciCxZOth4QWhjUAczaqcTabSmh/PKYA=
-----END CERTIFICATE-----
`.trim();

/** The private key of {@link ATTACKER_CERTIFICATE_PEM} (test fixture, see there). */
export const ATTACKER_CERTIFICATE_KEY_PEM = `
-----BEGIN PRIVATE KEY-----
MIIEugIBADANBgkqhkiG9w0BAQEFAASCBKQwggSgAgEAAoIBAQCcPxz+Cva92Wlp
62gG1iNUVRZUJt9/24ZhQxnjzVgOPVcLxpXGMw/+ZAw37ve+4M+5seUdv+42G9Vh
9Cqqqx2B/AI4K/6tom3mrxsIfZS///gJpnsyDBQh+qNNkhFbEbxt5sPtgTq3lSGM
tCXNFc+KP4tJKX+bgUB01u5wL8KKrheggLpAipDUotqf3cR0GW2mUBNVSM5rWMhR
oF4sGmkvONcaUDsNReKPO2dix/TtsA1tYM1N25D8r4pTybg+bUHa8Xhyo970jKUD
2TQcyesC/C7UTbKt64vYuLSTaN9Ki0j79LV99ioyT+VGFfuZIEbeCQNgEZ1M3E11
oa0aixtBAgMBAAECggEAFfsHABzYvg03jYVm0Ay7UaIwDvdHr+aueUEFrmIf8M44
+wNyjzx1vor38RJ220J91pjWgPXpnsZm9sMbvCtwbkMz/g+qYhDyDGbhPbOKWUG6
9NiX3OA4INjwCk9HORw9+ZQM8ieg9AdQffPbRtu6TlpGz6xn3Z+JoCZFyusydMHK
mcZQjrMDDykIgCjLsWXKufTmF9v8jXYtJqm+3nV8y09iFUMDK1DQDDoU1jhSSLal
dnz5ux9oqpU1OXv8NlbvW6JewXir/7+j7GQ8KTozYHvspFVMkWRUdmVY3/rpl5Cm
y2d9W2Nr4OO5KZHvZqLcAkVilZ65alxCoT9eX92SJQKBgQDY9mtoQNTqRvwqs3kl
hUezooJIBLxJm3RS4I6vG6uz8q1Vfdq0K8f+BGXsg+or4G0pnqEv478OY7bogscf
binOdd1ifDeUYKLeU5T9IglUkMxNHahrLmyCAcmbBERJdAE75Be+Ub3B5fi4eNms
Wi9qMsfxgl5tVwLhr1g+cIxX9wKBgQC4XAiJ0/+JCrD/gbuZfpdWyJZ9oUrWy3dt
97Z7rkkh7ixNQMLttd7oq1FAxjIizVp8mE3lEYW5YawyFRj8PxXuVIJfqO7Fy3wD
m5zlRuWq0SstJgUFj4U+ZB+z3ki0BDfQiquyCXZpkRx75Ed9uIPQOdDu6FXVqRxu
gAceCD8IhwJ/W4eZyGGRcUSBHYKZmTqhBSeJztgwltz+NfiGOVlzFndKqMZvfZL6
zC8O0LjWEaycYPKLDakG8QsgHvcNCjVvbapLu0CsMeySyTh5olC5nvN3PRFF+/GZ
1T7rznn+VP6bhqizW5cgdqyOQUS6j/t8BVFnCHv3WilbDdrrX2wbyQKBgGoqNZCJ
UKIuUfcRUmL2D1iecmsuMta2nLPq7l8S4nJzoXdrT9Vr4k3COiw+9igscWtGmbTL
/mHe6TZ+B8Fa4to4OEu2EKo+n8/EEPnHdgKEKYT6W/Hz0Bs5tTfzTZK8yxeAg5cm
89WfBvQhZTn0w5Npd/PcP3GmzQSlHXQh84qJAoGAdBPQJf/6K73z6jewYgcdeGBV
E3raqEwXznJMdLJaOoflr92PVgg32Nuvp1xD5V/142+Y6DvX9OJOF1mZA1H2E+xh
AO29scMlmY6gpDUcblsvca6kg4tBogDGvbA3Nd92E5u6a5WS/UlmdlAmB6Lqo5W9
RWmyjhVvzaBdfV0fDyg=
-----END PRIVATE KEY-----
`.trim();

/** Everything the attacker signs with, and how it would describe its keys. */
export interface AttackerKeys {
  /** The attacker's RSA key pair (RS256), its public JWK with `kid: attacker-rsa`. */
  readonly rsa: {
    readonly alg: 'RS256';
    readonly privateKey: KeyObject;
    readonly publicKey: KeyObject;
    readonly jwk: JWK;
  };
  /** The attacker's P-256 key pair (ES256), its public JWK with `kid: attacker-ec`. */
  readonly ec: { readonly alg: 'ES256'; readonly privateKey: KeyObject; readonly jwk: JWK };
  /** The self-signed certificate's key (RS256), and the certificate as `x5c` wants it (base64 DER). */
  readonly certificate: {
    readonly alg: 'RS256';
    readonly privateKey: KeyObject;
    readonly x5c: string;
    readonly sha256Thumbprint: string;
  };
}

/** Generates the attacker's keys (the certificate is the fixture above). */
export function createAttackerKeys(): AttackerKeys {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const certificate = new X509Certificate(ATTACKER_CERTIFICATE_PEM);
  return {
    rsa: {
      alg: 'RS256',
      ...rsa,
      jwk: { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'attacker-rsa', alg: 'RS256', use: 'sig' },
    },
    ec: {
      alg: 'ES256',
      privateKey: ec.privateKey,
      jwk: {
        ...createPublicKey(ec.privateKey).export({ format: 'jwk' }),
        kid: 'attacker-ec',
        alg: 'ES256',
        use: 'sig',
      },
    },
    certificate: {
      alg: 'RS256',
      privateKey: createPrivateKey(ATTACKER_CERTIFICATE_KEY_PEM),
      x5c: certificate.raw.toString('base64'),
      sha256Thumbprint: Buffer.from(certificate.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url'),
    },
  };
}

/** The attacker's server: what it received, and where it listens. */
export interface AttackerServer {
  readonly url: string;
  /** Every request it received (method and URL), in order. */
  readonly received: readonly string[];
  close(): Promise<void>;
}

/** Serves the attacker's JWKS (any path ending in `.json`) and certificate (any other path) on 127.0.0.1:0. */
export async function startAttackerServer(keys: AttackerKeys): Promise<AttackerServer> {
  const received: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    received.push(`${req.method} ${req.url}`);
    if ((req.url ?? '').endsWith('.json')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: [keys.rsa.jwk, keys.ec.jwk] }));
    } else {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(ATTACKER_CERTIFICATE_PEM);
    }
  });
  const { origin, close } = await listenOnLoopback(server);
  return { url: origin, received, close };
}
