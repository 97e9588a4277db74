// Single sign-on through the clinic's OpenID Connect provider: whether the
// server has it configured, and what each sso_error code of the callback
// means to the person signing in.
import { request } from '../api/client';

export interface SsoStatus {
  enabled: boolean;
  display_name?: string;
  start_url?: string;
}

export function getSsoStatus(signal?: AbortSignal): Promise<SsoStatus> {
  return request<SsoStatus>('GET', '/api/auth/oidc', { signal, quietAuthFailure: true });
}

const retryHint = 'Try again; if it fails again, tell your administrator.';

// The reason codes listed in docs/api.md, grouped by what the person can do.
const messages: Record<string, string> = {
  state_mismatch: 'The sign-in expired or was started in another browser window. Start it again.',
  browser_mismatch: 'The sign-in expired or was started in another browser window. Start it again.',
  flow_expired: 'The sign-in took too long and expired. Start it again.',
  provider_error: 'The provider did not sign you in: it was cancelled or refused. Start it again.',
  no_account:
    'No staff account here matches your provider account. Ask an administrator to create one with the same email address.',
  email_not_verified:
    'Your provider has not verified your email address, so no account here can be linked to it. Ask your administrator.',
  role_not_allowed: 'Single sign-on is for clinic staff only. Sign in with your email address and password.',
  user_inactive: 'Your account here is deactivated. Ask an administrator.',
  already_linked: 'Your account here is linked to another provider account. Ask an administrator.',
  account_locked: 'Your account is locked for a while after failed attempts. Wait a few minutes, or ask an administrator.',
  provider_unavailable: 'The sign-in provider could not be reached. Try again later, or sign in with your password.',
  bad_discovery: 'The sign-in provider could not be reached. Try again later, or sign in with your password.',
  bad_jwks: 'The sign-in provider could not be reached. Try again later, or sign in with your password.',
  bad_token_response: 'The sign-in provider could not be reached. Try again later, or sign in with your password.',
};

/**
 * Returns the sentence to show for an sso_error code. Codes from failed
 * security checks on the provider's response (signature, nonce, issuer, ...)
 * get one message, because the person can only retry.
 */
export function describeSsoError(code: string, provider: string): string {
  const message = messages[code] ?? `The response from ${provider} failed our security checks, so you were not signed in. ${retryHint}`;
  return `Single sign-on with ${provider} failed. ${message}`;
}

/**
 * Reads the sso_error code of the current address and removes it, so a reload
 * does not show the message again. Returns undefined when there is none.
 */
export function takeSsoError(location: Location, history: History): string | undefined {
  const query = new URLSearchParams(location.search);
  const code = query.get('sso_error');
  if (code === null) return undefined;
  query.delete('sso_error');
  const search = query.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
  return code;
}
