/**
 * Who a GitHub user token belongs to, as GitHub says (`GET /user` at the API
 * base URL): an approval through the API names a person GitHub vouches for,
 * never a login typed into a request body.
 */

export type Identity =
  | { readonly ok: true; readonly login: string }
  | { readonly ok: false; readonly status: 401 | 502; readonly error: string };

/** The login of `token`: 401 when GitHub refuses the token, 502 when GitHub does not answer usefully. */
export async function loginOfToken(apiUrl: string, token: string, timeoutMs = 10_000): Promise<Identity> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl.replace(/\/+$/, '')}/user`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'user-agent': 'fargate-platform-controller' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return {
      ok: false,
      status: 502,
      error: `GitHub did not answer who the user token belongs to (${error instanceof Error ? error.name : 'error'})`,
    };
  }
  if (response.status === 401 || response.status === 403)
    return { ok: false, status: 401, error: 'GitHub does not accept the X-GitHub-User-Token' };
  if (!response.ok) return { ok: false, status: 502, error: `GitHub answered ${response.status} for GET /user` };
  const body = (await response.json().catch(() => undefined)) as { login?: unknown } | undefined;
  if (typeof body?.login !== 'string' || body.login === '')
    return { ok: false, status: 502, error: 'GitHub answered GET /user without a login' };
  return { ok: true, login: body.login };
}
