/** Keeps secrets out of run logs and errors: every known secret value, and credentials embedded in URLs. */

/** Values shorter than this are not treated as secrets (they would redact ordinary words). */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  private readonly secrets: string[];

  /** @param secrets values that must never appear (tokens, keys); empty ones are ignored */
  constructor(secrets: readonly (string | undefined)[]) {
    this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join('***');
    // user:password@ or token@ in URLs.
    return result.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, '$1***@');
  }
}

/** The secrets of a controller's environment: its own tokens and any AWS secret key. */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  return [
    env.WEBHOOK_SECRET,
    env.API_TOKEN,
    env.GITHUB_TOKEN,
    env.GITHUB_APP_PRIVATE_KEY,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
  ].filter((v): v is string => Boolean(v));
}
