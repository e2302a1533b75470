// Webhook subscriptions, as Meta keeps them:
// - the app's, with the app token (`{app-id}|{app-secret}`): `GET|POST|DELETE
//   /{app-id}/subscriptions`. A POST checks the callback first, as Meta does: it calls
//   `GET callback_url?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` and needs the
//   challenge echoed with 200 (code 2200 otherwise).
// - the account's, with its token: `GET|POST|DELETE /{PAGE_ID}/subscribed_apps` (Facebook
//   Login) or `/me/subscribed_apps` (Instagram Login), `subscribed_fields` in the query.
import { randomInt } from 'node:crypto';

import { ok, refuse } from './graphErrors';
import type { Reply } from './graphErrors';

export interface AppSubscription {
	object: string;
	callbackUrl: string;
	fields: string[];
}

export class Subscriptions {
	/** The app's subscriptions, by app ID and object. */
	readonly apps = new Map<string, Map<string, AppSubscription>>();
	/** The account's subscribed apps: account → app ID → fields. */
	readonly accounts = new Map<string, Map<string, string[]>>();
	/** Every handshake Meta made, and how it went. */
	readonly handshakes: Array<{ callbackUrl: string; status: number; echoed: boolean }> = [];

	async app(method: string, appId: string, query: Record<string, string>, form: URLSearchParams): Promise<Reply> {
		const objects = this.apps.get(appId) ?? new Map<string, AppSubscription>();
		this.apps.set(appId, objects);
		const list = () =>
			[...objects.values()].map((s) => ({ object: s.object, callback_url: s.callbackUrl, active: true, fields: s.fields.map((name) => ({ name, version: 'v18.0' })) }));
		switch (method) {
			case 'GET':
				return ok({ data: list() }, 'appSubscriptions');
			case 'POST': {
				const object = form.get('object') ?? '';
				const callbackUrl = form.get('callback_url') ?? '';
				const verifyToken = form.get('verify_token') ?? '';
				const fields = (form.get('fields') ?? '').split(',').filter(Boolean);
				if (object !== 'instagram' || !callbackUrl || fields.length === 0) {
					return refuse(400, 100, '(#100) object, callback_url and fields are required');
				}
				const challenge = String(randomInt(1_000_000_000, 2_000_000_000));
				const url = new URL(callbackUrl);
				url.searchParams.set('hub.mode', 'subscribe');
				url.searchParams.set('hub.verify_token', verifyToken);
				url.searchParams.set('hub.challenge', challenge);
				let status = 0;
				let echoed = false;
				try {
					const response = await fetch(url);
					status = response.status;
					echoed = (await response.text()) === challenge;
				} catch {
					status = 0;
				}
				this.handshakes.push({ callbackUrl, status, echoed });
				if (status !== 200 || !echoed) {
					return refuse(400, 2200, `(#2200) callback verification failed: the URL answered ${status || 'nothing'}${status === 200 ? ' without the challenge' : ''}`);
				}
				const current = objects.get(object);
				const merged = [...new Set([...(current?.callbackUrl === callbackUrl ? current.fields : []), ...fields])];
				objects.set(object, { object, callbackUrl, fields: merged });
				return ok({ success: true }, 'appSubscribed');
			}
			case 'DELETE': {
				const object = query.object ?? '';
				const current = objects.get(object);
				const fields = (query.fields ?? '').split(',').filter(Boolean);
				if (current && fields.length > 0) current.fields = current.fields.filter((f) => !fields.includes(f));
				if (current && (fields.length === 0 || current.fields.length === 0)) objects.delete(object);
				return ok({ success: true }, 'appUnsubscribed');
			}
			default:
				return refuse(400, 100, `Unsupported ${method.toLowerCase()} request`);
		}
	}

	account(method: string, account: string, appId: string, query: Record<string, string>): Reply {
		const apps = this.accounts.get(account) ?? new Map<string, string[]>();
		this.accounts.set(account, apps);
		switch (method) {
			case 'GET':
				return ok({ data: [...apps.entries()].map(([id, fields]) => ({ id, name: 'Imitation app', subscribed_fields: fields })) }, 'subscribedApps');
			case 'POST': {
				const fields = (query.subscribed_fields ?? '').split(',').filter(Boolean);
				if (fields.length === 0) return refuse(400, 100, '(#100) subscribed_fields is required');
				apps.set(appId, fields);
				return ok({ success: true }, 'accountSubscribed');
			}
			case 'DELETE':
				apps.delete(appId);
				return ok({ success: true }, 'accountUnsubscribed');
			default:
				return refuse(400, 100, `Unsupported ${method.toLowerCase()} request`);
		}
	}

	reset(): void {
		this.apps.clear();
		this.accounts.clear();
		this.handshakes.length = 0;
	}
}
