// The credential: its fields, its authenticate (Bearer header and appsecret_proof from
// the core) and the request n8n's Test button sends, performed for real.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';

import type { IHttpRequestOptions } from 'n8n-workflow';

import type { MetaImitation } from '../../sandbox/metaImitation';
import { startMetaImitation } from '../../sandbox/metaImitation';
import { ACCESS_TOKEN, APP_SECRET, credentialsFor, expectedProof } from '../support/fixtures';
import { loadCredential, testCredential } from '../support/nodeHarness';

let meta: MetaImitation;

async function get(options: IHttpRequestOptions): Promise<{ status: number; body: string }> {
	const url = new URL(`${options.baseURL}${options.url}`);
	for (const [key, value] of Object.entries(options.qs ?? {})) url.searchParams.set(key, String(value));
	return await new Promise((resolve, reject) => {
		const req = request(url, { method: options.method, headers: options.headers as Record<string, string> }, (res) => {
			let body = '';
			res.on('data', (chunk) => (body += chunk));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('Instagram Messaging API credential', () => {
	before(async () => {
		meta = await startMetaImitation({ apps: [{ accessToken: ACCESS_TOKEN, appSecret: APP_SECRET }] });
	});
	after(async () => {
		await meta.close();
	});

	it('has the token and app secret as password fields, a login type that decides the host, and version and base URL defaults', () => {
		const credential = loadCredential();
		assert.equal(credential.name, 'instagramMessagingApi');
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		assert.deepEqual(Object.keys(byName), [
			'accessToken',
			'appSecret',
			'loginType',
			'pageId',
			'webhookSecret',
			'appId',
			'apiVersion',
			'baseUrl',
			// What the node knows about the token, hidden; n8n runs preAuthentication when tokenState is empty.
			'tokenCheckedAt',
			'tokenDigest',
			'tokenExpiresAt',
			'tokenRenewalError',
			'tokenRenewedAt',
			'tokenState',
		]);
		for (const name of ['tokenCheckedAt', 'tokenDigest', 'tokenExpiresAt', 'tokenRenewalError', 'tokenRenewedAt', 'tokenState']) {
			assert.equal(byName[name].type, 'hidden', name);
			assert.equal(byName[name].default, '', name);
			assert.equal(byName[name].typeOptions?.expirable === true, name === 'tokenState', name);
		}
		assert.equal(byName.accessToken.typeOptions?.password, true);
		assert.equal(byName.appSecret.typeOptions?.password, true);
		assert.equal(byName.webhookSecret.typeOptions?.password, true);
		assert.equal(byName.webhookSecret.default, '', 'optional: the trigger falls back to the App Secret');
		assert.equal(byName.apiVersion.default, 'v18.0');
		assert.equal(byName.baseUrl.default, '', "empty: the login type's host");
		assert.deepEqual(
			(byName.loginType.options as Array<{ value: string }>).map((o) => o.value),
			['auto', 'facebook', 'instagram'],
		);
		assert.equal(byName.loginType.default, 'auto');
		assert.deepEqual(byName.pageId.displayOptions, { show: { loginType: ['auto', 'facebook'] } });
	});

	it('adds the Bearer header and the appsecret_proof, and resolves the test request to {base}/{version}/me', async () => {
		const credential = loadCredential();
		const options = await credential.authenticate(credentialsFor(`${meta.url}/`, { apiVersion: 'v19.0' }), {
			...credential.test.request,
		});
		assert.equal((options.headers as Record<string, string>).Authorization, `Bearer ${ACCESS_TOKEN}`);
		assert.deepEqual(options.qs, { fields: 'id,name,username', appsecret_proof: expectedProof() });
		assert.equal(options.baseURL, `${meta.url}/v19.0`);
		assert.equal(options.url, '/me');
		// A refusal comes back as an answer the rules read, not as an error.
		assert.equal(options.ignoreHttpStatusErrors, true);
		const answer = await get(options);
		assert.equal(answer.status, 200);
		assert.equal(JSON.parse(answer.body).name, 'Imitation Shop');
	});

	it('keeps absolute request URLs and existing query parameters', async () => {
		const credential = loadCredential();
		const options = await credential.authenticate(credentialsFor(meta.url), {
			url: `${meta.url}/v18.0/me/messages`,
			qs: { fields: 'id' },
		});
		assert.equal(options.baseURL, undefined);
		assert.deepEqual(options.qs, { fields: 'id', appsecret_proof: expectedProof() });
	});

	it('a wrong token fails the test request the way Meta fails it', async () => {
		const credential = loadCredential();
		const options = await credential.authenticate(credentialsFor(meta.url, { accessToken: `wrong-token-${Date.now()}` }), {
			...credential.test.request,
		});
		const answer = await get(options);
		assert.equal(answer.status, 400);
		assert.equal(JSON.parse(answer.body).error.code, 190);
	});

	it("n8n's Test button passes a working token, and fails a refused token or app secret with the message for Meta's refusal", async () => {
		// n8n sends the test request through its RoutingNode and reads the rules from Meta's answer.
		assert.deepEqual(await testCredential(credentialsFor(meta.url)), { status: 'OK', message: 'Connection successful!' });
		const token = await testCredential(credentialsFor(meta.url, { accessToken: `wrong-token-${Date.now()}` }));
		assert.equal(token.status, 'Error');
		assert.match(token.message, /^Meta refused the access token: it is invalid or has expired \(code 190\)/);
		const secret = await testCredential(credentialsFor(meta.url, { appSecret: 'another-apps-secret' }));
		assert.equal(secret.status, 'Error');
		assert.match(secret.message, /^Meta refused the appsecret_proof, not the token/);
	});

	it('resolves a relative path to the Graph API even when its query holds a URL', async () => {
		// Graph API calls such as `/?id=https://…` (a URL's object) are relative: only a URL that
		// starts with http(s):// is absolute.
		const credential = loadCredential();
		const options = await credential.authenticate(credentialsFor(meta.url), { url: '/?id=https://example.com/page' });
		assert.equal(options.baseURL, `${meta.url}/v18.0`);
		assert.equal(options.url, '/?id=https://example.com/page');
	});

	it('refuses to authenticate without a token or app secret, with the known messages', async () => {
		const credential = loadCredential();
		await assert.rejects(
			credential.authenticate(credentialsFor(meta.url, { accessToken: '' }), { url: '/me' }),
			/^Error: Access token is required$/,
		);
		await assert.rejects(
			credential.authenticate(credentialsFor(meta.url, { appSecret: '' }), { url: '/me' }),
			/^Error: App Secret is required for server-side API calls$/,
		);
	});
});
