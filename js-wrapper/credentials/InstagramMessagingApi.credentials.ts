import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { CATALOG } from '../bridge/generated/catalog';
import { loadCore } from '../bridge/loader';
import type { TokenGrant, TokenRefreshAnswer } from '../bridge/types';

export const INSTAGRAM_CREDENTIAL_TYPE = 'instagramMessagingApi';
/** Marks the credential test's request for `authenticate`, which removes it before sending. */
const TEST_MARKER = 'x-instagram-credential-test';

export class InstagramMessagingApi implements ICredentialType {
	name = INSTAGRAM_CREDENTIAL_TYPE;

	displayName = 'Instagram Messaging API';

	icon: Icon = {
		light: 'file:../nodes/Instagram/instagram.svg',
		dark: 'file:../nodes/Instagram/instagram.dark.svg',
	};

	documentationUrl = 'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A Page access token (Facebook Login) or an Instagram user access token (Instagram Login) with permission to send Instagram messages',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The App Secret of the Meta app that issued the token (App settings > Basic). Used to sign every call with appsecret_proof.',
		},
		{
			displayName: 'Login Type',
			name: 'loginType',
			type: 'options',
			options: [
				{
					name: 'Auto (From the Token)',
					value: 'auto',
					description: 'Instagram user tokens start with IG, Facebook Page tokens with EAA',
				},
				{
					name: 'Facebook Login',
					value: 'facebook',
					description: 'A Page access token of the Facebook Page linked to the Instagram account (graph.facebook.com)',
				},
				{
					name: 'Instagram Login',
					value: 'instagram',
					description: 'An Instagram user access token, no Facebook Page needed (graph.instagram.com)',
				},
			],
			default: 'auto',
			description: 'How the token was obtained; it decides the host, the paths and Meta\'s rate limits',
		},
		{
			displayName: 'Page ID',
			name: 'pageId',
			type: 'string',
			default: '',
			placeholder: '104000000000000',
			description:
				'Facebook Login only, optional: the Facebook Page\'s ID, for uploads and conversations. Empty: the node reads it from the token once per run.',
			displayOptions: { show: { loginType: ['auto', 'facebook'] } },
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Instagram Trigger only, optional: a second secret Meta may sign webhooks with. With Instagram Login, Meta may sign with the Instagram app secret (App Dashboard > Instagram > API setup with Instagram login) rather than the Meta app secret; the trigger accepts either.',
		},
		{
			displayName: 'App ID',
			name: 'appId',
			type: 'string',
			default: '',
			placeholder: '1234567890123',
			description:
				"Instagram Trigger's Auto-Subscribe only, optional: the Meta app's ID (App settings > Basic), to point the app's instagram webhook at the trigger",
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: CATALOG.credentialDefaults.apiVersion,
			description: `Graph API version, such as ${CATALOG.credentialDefaults.newestApiVersion} (the newest). Meta answers a version past its end as the oldest version it still serves; the node then says so in its output.`,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://graph.facebook.com',
			description:
				'Leave empty to use the login type\'s host (https://graph.facebook.com for Facebook Login, https://graph.instagram.com for Instagram Login). Set it only for a proxy or a test server.',
		},
		// What the node knows about the token (README: Tokens that last), written by
		// preAuthentication below and kept by n8n with the credential. The state field is the
		// one n8n watches: empty means "not checked yet", and the node empties it to refresh.
		...CATALOG.token.fields.map(
			(name): INodeProperties => ({
				displayName: name,
				name,
				type: 'hidden',
				default: '',
				...(name === CATALOG.token.stateField ? { typeOptions: { expirable: true } } : {}),
			}),
		),
	];

	/**
	 * Tokens that last. n8n calls this before a request when the state field is empty: a
	 * token not checked yet (the first run, or the Test button on a fresh credential), or the
	 * node asking for a refresh. The core decides: an Instagram-Login token is refreshed when
	 * a month or less is left (once it is a day old), a one-hour token just pasted is
	 * exchanged for a 60-day one, and the new token and its dates are returned for n8n to
	 * store. Nothing due: nothing is returned, and n8n stores nothing.
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const core = await loadCore();
		let renewal: IDataObject = {};
		// A refresh, then (only for a token never seen whose refresh Meta refused) the
		// exchange of a one-hour token; the core names the next call, at most one.
		let grant: TokenGrant | undefined = core.tokenPlan(credentials, Date.now()).renew ? 'refresh' : undefined;
		let current = credentials;
		while (grant) {
			const call = core.tokenRefreshCall(current, grant);
			if (!call) break;
			let answer: TokenRefreshAnswer;
			try {
				const response = (await this.helpers.httpRequest({
					method: call.method,
					url: call.url,
					qs: Object.fromEntries(call.qs),
					headers: { Authorization: call.authorization, accept: 'application/json' },
					json: false,
					ignoreHttpStatusErrors: true,
					returnFullResponse: true,
				})) as { statusCode: number; body: unknown };
				const body = response.body;
				answer = { status: response.statusCode, body: typeof body === 'string' ? body : JSON.stringify(body ?? '') };
			} catch (error) {
				// The client's error holds the request, whose URL may hold the app secret: only its code is kept.
				answer = { failure: String((error as { code?: unknown }).code ?? 'no answer') };
			}
			const settled = core.tokenRenewal(current, answer, Date.now(), grant);
			if (!settled) break;
			const { next, ...fields } = settled;
			renewal = fields as IDataObject;
			// The next call is settled with what this one recorded.
			current = { ...credentials, ...(fields as ICredentialDataDecryptedObject) };
			grant = next;
		}
		return renewal;
	}

	/** The core adds the Bearer header and appsecret_proof; relative paths resolve to the Graph API. */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const core = await loadCore();
		// The Test button's own request (marked below): a token that expires within 7 days and
		// could not be refreshed fails the test with the date, so nobody learns it from a failed campaign.
		const { [TEST_MARKER]: testing, ...headers } = (requestOptions.headers ?? {}) as Record<string, string>;
		if (testing !== undefined) {
			const warning = core.tokenPlan(credentials, Date.now()).warning;
			if (warning) throw new Error(warning);
		}
		const result = core.authorize(credentials);
		if ('error' in result) {
			throw new Error(result.error.message);
		}
		const { authorization } = result;
		const isAbsolute = /^https?:\/\//i.test(requestOptions.url);
		return {
			...requestOptions,
			baseURL: isAbsolute ? requestOptions.baseURL : (requestOptions.baseURL ?? authorization.graphBase),
			headers: { ...headers, ...authorization.headers },
			qs: { ...requestOptions.qs, ...authorization.qs },
		};
	};

	/**
	 * `GET /{version}/me` with the token and proof. The whole answer comes back (no error
	 * for a refusal), so the core's rules can say whether Meta refused the token, the
	 * appsecret_proof or the host, or whether the Base URL is not the Graph API at all.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: `/${CATALOG.credentialTest.path}`,
			qs: { fields: CATALOG.credentialTest.fields },
			ignoreHttpStatusErrors: true,
			returnFullResponse: true,
			headers: { [TEST_MARKER]: '1' },
		},
		rules: CATALOG.credentialTest.rules.map((rule) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: rule.key, value: rule.value, message: rule.message },
		})),
	};
}
