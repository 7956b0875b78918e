/**
 * GitHub webhook signatures: the `X-Hub-Signature-256` header, `sha256=` and
 * the hex HMAC-SHA256 of the raw request body under the webhook secret. The
 * comparison is constant time (`@octokit/webhooks-methods`).
 *
 * That package is an ES module with an `import` export condition only, which
 * Node's `require` cannot resolve: it is loaded with a dynamic import.
 */

type WebhookMethods = typeof import('@octokit/webhooks-methods');

let methods: Promise<WebhookMethods> | undefined;

function webhookMethods(): Promise<WebhookMethods> {
  methods ??= import('@octokit/webhooks-methods');
  return methods;
}

const HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * Whether `header` (the `X-Hub-Signature-256` value) signs `rawBody` under
 * `secret`. False for a missing, empty or malformed header, an empty secret
 * or body, and a body that is not valid UTF-8 (GitHub signs UTF-8 JSON);
 * never throws on bad input.
 */
export async function verifySignature(secret: string, rawBody: string | Buffer, header: string | undefined): Promise<boolean> {
  if (typeof secret !== 'string' || secret === '' || typeof header !== 'string') return false;
  const match = HEADER.exec(header.trim());
  if (!match) return false;
  const body = bodyText(rawBody);
  if (body === undefined || body === '') return false;
  try {
    const { verify } = await webhookMethods();
    return await verify(secret, body, `sha256=${match[1].toLowerCase()}`);
  } catch {
    return false;
  }
}

/** The `X-Hub-Signature-256` value GitHub would send for `body` under `secret` (for tests and stand-ins). */
export async function signPayload(secret: string, body: string | Buffer): Promise<string> {
  const text = bodyText(body);
  if (text === undefined) throw new TypeError('the body to sign is not valid UTF-8');
  const { sign } = await webhookMethods();
  return sign(secret, text);
}

/**
 * The body as the string the HMAC is computed over. A Buffer whose bytes are
 * not valid UTF-8 would not survive the round trip through a string, so the
 * signature over the string would not be a signature over those bytes.
 */
function bodyText(rawBody: string | Buffer): string | undefined {
  if (typeof rawBody === 'string') return rawBody;
  if (!Buffer.isBuffer(rawBody)) return undefined;
  const text = rawBody.toString('utf8');
  return Buffer.from(text, 'utf8').equals(rawBody) ? text : undefined;
}
