import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { loadCore } from '../bridge/loader';

export const INSTAGRAM_CREDENTIAL_TYPE = 'instagramMessagingApi';

const REJECTED =
	'Meta rejected the credential: check that the access token is valid and not expired, that the App Secret belongs to the same Meta app, and that API Version and Base URL match the token (https://graph.facebook.com for Facebook Login, https://graph.instagram.com for Instagram Login)';

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
			default: 'v18.0',
			description: 'Graph API version, such as v18.0 or v21.0',
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
	];

	/** The core adds the Bearer header and appsecret_proof; relative paths resolve to the Graph API. */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const core = await loadCore();
		const result = core.authorize(credentials);
		if ('error' in result) {
			throw new Error(result.error.message);
		}
		const { authorization } = result;
		const isAbsolute = /^https?:\/\//i.test(requestOptions.url);
		return {
			...requestOptions,
			baseURL: isAbsolute ? requestOptions.baseURL : (requestOptions.baseURL ?? authorization.graphBase),
			headers: { ...requestOptions.headers, ...authorization.headers },
			qs: { ...requestOptions.qs, ...authorization.qs },
		};
	};

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: '/me',
		},
		rules: [
			{ type: 'responseCode', properties: { value: 400, message: REJECTED } },
			{ type: 'responseCode', properties: { value: 401, message: REJECTED } },
			{ type: 'responseCode', properties: { value: 403, message: REJECTED } },
		],
	};
}
