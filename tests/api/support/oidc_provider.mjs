// A real OpenID Connect provider for the single sign-on tests: oidc-provider
// (an OpenID Certified implementation) on https loopback, with the test TLS
// certificate. Its issuer is https://127.0.0.1:<port>, another site than the
// server's https://localhost:<port>, so the browser treats the sign-in
// redirects as cross-site, as with a real provider.

import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

import Provider from 'oidc-provider';

import { config } from './env.mjs';

// A signing key as a private JWK with a fixed kid. Two keys share the kid, so
// the header of a token signed by the second one looks like a genuine one.
function signingKey(kid = 'sso-test-key') {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

function providerConfig(client, key, accounts) {
  return {
    clients: [
      {
        ...client,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // The openid scope carries amr and acr, and the email claims go into the
    // ID token of the code flow too, as with Entra ID, Google and Keycloak.
    claims: { openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    async findAccount(ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    // A first-party client: consent is granted without a prompt.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  };
}

/**
 * Starts the provider and returns it. Before the first sign-in, call
 * `register({client_id, client_secret, redirect_uris})`. Set `login` to
 * `{subject, amr, acr}` before each sign-in: the provider's login step signs
 * that account in without a form, as a real provider would after checking a
 * password and a second factor. `accounts` maps subjects to their claims.
 * With `signWithOtherKey` set, ID tokens are signed by a key that the JWKS
 * does not contain, under the genuine key's kid (all requests but the JWKS go
 * to a second provider instance with that key). With `rotateKey` set, a third
 * instance handles every request, signing with a new key under a new kid and
 * publishing only that key, as after a key rotation.
 */
export async function startTestProvider() {
  const provider = {
    issuer: undefined,
    accounts: new Map(),
    login: undefined,
    signWithOtherKey: false,
    rotateKey: false,
    instances: undefined,
    register(client) {
      const instance = (key) => new Provider(this.issuer, providerConfig(client, key, this.accounts));
      this.instances = {
        genuine: instance(signingKey()),
        other: instance(signingKey()),
        rotated: instance(signingKey('sso-test-key-rotated')),
      };
    },
    // Returns the instance that handles `path`. The JWKS always comes from the
    // genuine instance, so a token signed by the other key never verifies,
    // however often the server fetches the JWKS.
    instanceFor(path) {
      assert.ok(this.instances, 'register a client before the first sign-in');
      if (this.rotateKey) return this.instances.rotated;
      if (this.signWithOtherKey && !path.startsWith('/jwks')) return this.instances.other;
      return this.instances.genuine;
    },
  };

  const server = createServer(
    { cert: readFileSync(config.tls.certificate), key: readFileSync(config.tls.private_key) },
    (request, response) => {
      const current = provider.instanceFor(request.url);
      if (request.url.startsWith('/interaction/')) {
        finishLogin(current, provider.login, request, response).catch((error) => {
          response.statusCode = 500;
          response.end(String(error));
        });
        return;
      }
      current.callback()(request, response);
    },
  );
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `https://127.0.0.1:${server.address().port}`;
  provider.stop = () => new Promise((resolve) => server.close(resolve));
  return provider;
}

async function finishLogin(current, login, request, response) {
  const details = await current.interactionDetails(request, response);
  assert.equal(details.prompt.name, 'login', `unexpected prompt ${details.prompt.name}`);
  await current.interactionFinished(
    request,
    response,
    { login: { accountId: login.subject, amr: login.amr, acr: login.acr } },
    { mergeWithLastSubmission: false },
  );
}
