// A loopback imitation of Meta's Graph API, for tests, benchmarks and the local demo. It
// checks what Meta checks (the Bearer token, appsecret_proof, the version path, the method,
// the path for the token's login type, and the body of each call), answers the way Meta
// answers, errors included, records every request, and can be scripted per recipient to
// misbehave (throttle, fail, hang, drop, deliver and then lose the answer). It enforces
// Meta's sliding-window limits per rate class: Conversations API calls (2 a second), audio
// and video sends (10 a second), private replies (750 an hour), and, when asked, all other
// sends. When asked, it also throttles as Meta does account-wide: it reports each account's
// usage of an allowance in every answer's `X-Business-Use-Case-Usage` header and refuses
// calls past it, and it holds an account it throttled with a time to regain access,
// refusing every call that arrives before that time.
//
// One imitation serves both login types, told apart by the token (as Meta's two hosts do):
// a Facebook Login token reaches the Page (`/me` is the Page; uploads at
// `/{PAGE_ID}/message_attachments`), an Instagram Login token the professional account (no
// upload endpoint). What each endpoint accepts lives beside this file: meta/sendApi.ts
// (POST .../messages), meta/media.ts (URLs, uploads, attachment IDs),
// meta/conversations.ts (conversations and their messages), meta/profiles.ts (GET /{IGSID}).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { Conversations } from './meta/conversations';
import { graphError, ok, refuse } from './meta/graphErrors';
import type { Reply } from './meta/graphErrors';
import { MediaStore } from './meta/media';
import type { RemoteFile } from './meta/media';
import { readProfile } from './meta/profiles';
import type { SendCall } from './meta/sendApi';
import { readSendCall } from './meta/sendApi';
import { Subscriptions } from './meta/subscriptions';
import { LONG_LIVED_SECONDS, Tokens } from './meta/tokens';

export type LoginType = 'facebook' | 'instagram';

export interface ImitationApp {
	accessToken: string;
	appSecret: string;
	/** Default: from the token, as the node's auto does (`IG…` Instagram Login, else Facebook Login). */
	loginType?: LoginType;
	/** The Facebook Page (Facebook Login). */
	pageId?: string;
	/** The Instagram professional account. */
	igId?: string;
	username?: string;
	/** The Meta app's ID: its app token is `{appId}|{appSecret}`. */
	appId?: string;
	/** How many days ago the token was issued, on the imitation's clock (default 0). */
	tokenAgeDays?: number;
	/** How long it lasts: default 60 days for Instagram Login, never for Facebook Login. */
	tokenLifetimeDays?: number;
	/** Meta refuses to refresh the token (code 10: the app lost the permission). */
	refreshRefused?: boolean;
	/** A one-hour token, as an OAuth login gives (Instagram Login): only the exchange takes it. */
	shortLived?: boolean;
}

/** What the imitation does with one request to a scripted recipient. */
export type Behaviour =
	| { kind: 'accept' }
	| { kind: 'graphError'; status: number; code: number; subcode?: number; message: string; type?: string; isTransient?: boolean; headers?: Record<string, string> }
	| { kind: 'rawError'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
	/**
	 * Not Meta: a proxy in front of it that fails and echoes the request's headers in its error
	 * page, or (`graphShaped`) the bare token in an error written in the Graph API's format.
	 */
	| { kind: 'echoingProxyError'; status: number; graphShaped?: boolean }
	/** Waits, then acts; a client that gave up meanwhile gets nothing delivered. */
	| { kind: 'slow'; delayMs: number; then?: Behaviour }
	/** Delivers at once, then answers only after `delayMs`: a client that timed out never learns it. */
	| { kind: 'deliverThenStall'; delayMs: number }
	/** Delivers, then drops the connection without answering. */
	| { kind: 'acceptThenDrop' }
	| { kind: 'drop' };

/** What a request was, once read. */
export type CallKind =
	| 'text'
	| 'quickReplies'
	| 'media'
	| 'images'
	| 'heart'
	| 'share'
	| 'template'
	| 'senderAction'
	| 'react'
	| 'unreact'
	| 'privateReply'
	| 'upload'
	| 'conversations'
	| 'messages'
	| 'profile'
	| 'me'
	| 'appSubscriptions'
	| 'subscribedApps'
	| 'refresh'
	| 'exchange';

export interface RecordedRequest {
	seq: number;
	at: number;
	/** How many calls were arrived and not yet answered when this one arrived, itself included. */
	inFlightOnArrival: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Whether the Authorization header carried a Bearer token, and whether it was the app's. */
	bearer: boolean;
	tokenValid: boolean;
	/** Which of the account's tokens: 0 the configured one, 1 after the first refresh, … */
	tokenGeneration?: number;
	proofValid: boolean;
	/** Credentials placed in the URL, which the node must never do. */
	tokenInUrl: boolean;
	contentType: string | undefined;
	body: unknown;
	call?: CallKind;
	recipientId?: string;
	commentId?: string;
	text?: string;
	/** An upload: what arrived (the file's SHA-256 and size for multipart). */
	upload?: { type: string; bytes: number; sha256?: string; fileName?: string; mimeType?: string; url?: string };
	/** The attachment ID an upload got, or a send used. */
	attachmentId?: string;
	status: number;
	/** Set when the imitation carried out the call (a message delivered, an action done). */
	messageId?: string;
	delivered?: boolean;
	outcome: string;
}

/** Meta's per-class limits: calls in a sliding window. */
export interface ClassLimit {
	calls: number;
	windowMs: number;
}

export interface ImitationOptions {
	apps: ImitationApp[];
	port?: number;
	host?: string;
	/** Added before every answer, to stand in for the internet. */
	latencyMs?: number;
	/** Graph API versions the imitation serves. */
	versions?: RegExp;
	/**
	 * Per-recipient scripts: each request to that recipient takes the next behaviour; the last
	 * repeats. A script for a Page ID applies to the Page's uploads.
	 */
	scripts?: Record<string, Behaviour[]>;
	/** Whether to keep full request records (bodies); the load tests turn this off. */
	keepBodies?: boolean;
	/**
	 * Meta's limit on Send API calls (text, links, reactions, stickers, actions): more than
	 * this many in any sliding one-second window are refused with code 613 (HTTP 400), as
	 * Meta does. Off unless set.
	 */
	sendLimitPerSecond?: number;
	/** Meta's other limits; `null` turns one off. Defaults: Meta's documented figures. */
	classLimits?: Partial<Record<'media' | 'conversations' | 'privateReply', ClassLimit | null>>;
	/** Conversations each account has, and messages in each (defaults 60 and 30). */
	conversations?: { count: number; messages: number };
	/**
	 * Which of Meta's hosts this imitation is: `facebook` (graph.facebook.com) or `instagram`
	 * (graph.instagram.com). A token of the other login type is refused as that host refuses
	 * it: an Instagram token on graph.facebook.com with code 190, a Facebook token on
	 * graph.instagram.com with code 100, subcode 33. Default: both, by the token.
	 */
	graphHost?: LoginType;
}

/** A comment on the account's post: who wrote it and when (ms since the epoch). */
export interface Comment {
	authorId: string;
	createdAt: number;
}

export interface MetaImitation {
	url: string;
	port: number;
	requests: RecordedRequest[];
	script(recipientId: string, behaviours: Behaviour[]): void;
	setLatency(ms: number): void;
	setSendLimit(perSecond: number | undefined): void;
	/**
	 * Meta's account-wide throttling (off until asked, and again after `reset`). `hold`: after
	 * a scripted throttling refusal (HTTP 429, or a rate-limit code: 4, 17, 32, 613, 80002,
	 * 80006) that says when access comes back (`Retry-After` in seconds, or
	 * `estimated_time_to_regain_access` in minutes in `X-Business-Use-Case-Usage`), every call
	 * for that account arriving before then is refused again, the same way, with outcome
	 * `stillThrottled`. `usagePerSecond`: the account's allowance; every answer reports the
	 * share of it used in the last second (`call_count`, in percent), and a call past it is
	 * refused with code 80002.
	 */
	setThrottling(throttling: { hold?: boolean; usagePerSecond?: number }): void;
	/** Describes the file at a URL Meta would fetch (size, MIME type). */
	hostFile(url: string, file: RemoteFile): void;
	/** A comment that private replies can answer. */
	addComment(commentId: string, comment: Comment): void;
	/** A post of another account: Meta shares only the account's own posts (any other ID is taken as one). */
	addForeignPost(postId: string): void;
	/** Webhook subscriptions: the app's, the accounts', and the handshakes Meta made. */
	subscriptions: Subscriptions;
	/** The tokens Meta issued, on the imitation's clock (`tokens.advance(ms)` moves it). */
	tokens: Tokens<Account>;
	reset(): void;
	close(): Promise<void>;
}

/** Meta's rate-limit error codes: app (4), user (17), page (32), API (613), Instagram account (80002, 80006). */
const THROTTLE_CODES = [4, 17, 32, 613, 80002, 80006];

/** When access comes back, as Meta's headers say: `Retry-After` (seconds) or the usage report's estimate (minutes). */
function regainAfterMs(headers: Record<string, string> = {}): number | undefined {
	const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
	const waits: number[] = [];
	const seconds = Number(lower['retry-after']);
	if (lower['retry-after'] !== undefined && seconds > 0) waits.push(seconds * 1000);
	if (lower['x-business-use-case-usage'] !== undefined) {
		const usage = JSON.parse(lower['x-business-use-case-usage']) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
		for (const entry of Object.values(usage).flat()) {
			const minutes = entry.estimated_time_to_regain_access ?? 0;
			if (minutes > 0) waits.push(minutes * 60_000);
		}
	}
	return waits.length > 0 ? Math.max(...waits) : undefined;
}

/** Meta's documented limits per class (per account). */
const DEFAULT_CLASS_LIMITS: Record<'media' | 'conversations' | 'privateReply', ClassLimit> = {
	media: { calls: 10, windowMs: 1000 },
	conversations: { calls: 2, windowMs: 1000 },
	privateReply: { calls: 750, windowMs: 3_600_000 },
};
/** How long after a comment Meta takes its private reply. */
const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 3_600_000;

interface Account {
	app: ImitationApp;
	appId: string;
	loginType: LoginType;
	pageId: string;
	igId: string;
	username: string;
}

function accountOf(app: ImitationApp): Account {
	return {
		app,
		appId: app.appId ?? '1234567890123',
		loginType: app.loginType ?? (app.accessToken.startsWith('IG') ? 'instagram' : 'facebook'),
		pageId: app.pageId ?? '104000000000001',
		igId: app.igId ?? '17841499000000000',
		username: app.username ?? 'imitation_shop',
	};
}

function proofFor(app: ImitationApp, token: string): string {
	return createHmac('sha256', app.appSecret).update(token).digest('hex');
}

/** Constant-time comparison of the presented proof with the one for the presented token. */
function proofMatches(app: ImitationApp, token: string, presented: string | undefined): boolean {
	if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented)) return false;
	return timingSafeEqual(Buffer.from(proofFor(app, token), 'hex'), Buffer.from(presented, 'hex'));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** A sliding window: whether a call at `now` is over the limit (then it is not counted). */
class Window {
	private readonly times: number[] = [];
	constructor(public limit: ClassLimit | undefined) {}
	over(now: number): boolean {
		if (!this.limit) return false;
		while (this.times.length > 0 && now - this.times[0] >= this.limit.windowMs) this.times.shift();
		if (this.times.length >= this.limit.calls) return true;
		this.times.push(now);
		return false;
	}
	clear(): void {
		this.times.length = 0;
	}
}

export async function startMetaImitation(options: ImitationOptions): Promise<MetaImitation> {
	const requests: RecordedRequest[] = [];
	const accounts = options.apps.map(accountOf);
	const tokens = new Tokens<Account>();
	for (const account of accounts) {
		const shortLived = account.app.shortLived === true;
		const lifetime = account.app.tokenLifetimeDays ?? (shortLived ? 1 / 24 : account.loginType === 'instagram' ? LONG_LIVED_SECONDS / 86_400 : Infinity);
		tokens.add(account.app.accessToken, account, account.app.tokenAgeDays ?? 0, lifetime, shortLived);
	}
	const scripts = new Map<string, Behaviour[]>(Object.entries(options.scripts ?? {}));
	const scriptPositions = new Map<string, number>();
	const versions = options.versions ?? /^v(1[6-9]|2\d)\.0$/;
	let latencyMs = options.latencyMs ?? 0;
	const limits = { ...DEFAULT_CLASS_LIMITS, ...options.classLimits };
	const windows = {
		send: new Window(options.sendLimitPerSecond === undefined ? undefined : { calls: options.sendLimitPerSecond, windowMs: 1000 }),
		media: new Window(limits.media ?? undefined),
		conversations: new Window(limits.conversations ?? undefined),
		privateReply: new Window(limits.privateReply ?? undefined),
	};
	const media = new MediaStore();
	const conversations = new Conversations(options.conversations?.count ?? 60, options.conversations?.messages ?? 30);
	const comments = new Map<string, Comment>();
	const subscriptions = new Subscriptions();
	const repliedComments = new Set<string>();
	const foreignPosts = new Set<string>();
	let seq = 0;
	let messageCounter = 0;
	const sockets = new Set<Socket>();
	let throttling: { hold?: boolean; usagePerSecond?: number } = {};
	/** Accounts Meta throttled with a time to regain access: until when, and the refusal. */
	const holds = new Map<Account, { until: number; reply: Reply }>();
	/** When each account's recent calls arrived (for the usage report). */
	const usage = new Map<Account, number[]>();

	const nextBehaviour = (recipientId: string | undefined): Behaviour => {
		if (recipientId === undefined) return { kind: 'accept' };
		const script = scripts.get(recipientId);
		if (!script || script.length === 0) return { kind: 'accept' };
		const position = scriptPositions.get(recipientId) ?? 0;
		scriptPositions.set(recipientId, position + 1);
		return script[Math.min(position, script.length - 1)];
	};

	/** The comment a private reply answers: registered, or a fresh one by a made-up author. */
	const commentOf = (commentId: string): Comment =>
		comments.get(commentId) ?? { authorId: `178414${commentId.slice(-11).padStart(11, '0')}`, createdAt: Date.now() };

	let inFlight = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		// Meta counts a call when it arrives, before the body is read.
		const arrivedAt = Date.now();
		const inFlightOnArrival = ++inFlight;
		res.once('close', () => inFlight--);
		const rawBytes = await readBody(req);
		const raw = rawBytes.toString('utf8');
		const url = new URL(req.url ?? '/', 'http://imitation.local');
		const query = Object.fromEntries(url.searchParams.entries());

		if (url.pathname === '/__imitation/requests') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify(requests));
			return;
		}
		if (url.pathname === '/__imitation/script' && req.method === 'POST') {
			const { recipientId, behaviours } = JSON.parse(raw) as { recipientId: string; behaviours: Behaviour[] };
			scripts.set(recipientId, behaviours);
			scriptPositions.delete(recipientId);
			res.writeHead(204).end();
			return;
		}
		if (url.pathname === '/__imitation/reset' && req.method === 'POST') {
			reset();
			res.writeHead(204).end();
			return;
		}

		const authorization = req.headers.authorization ?? '';
		const bearerToken = /^Bearer (.+)$/.exec(authorization)?.[1];
		const presented = bearerToken ?? query.access_token;
		const grant = tokens.find(presented);
		const account = grant?.account;
		/** An app token (`{app-id}|{app-secret}`): it may manage the app's webhook subscriptions only. */
		const appTokenOf = accounts.find((candidate) => bearerToken === `${candidate.appId}|${candidate.app.appSecret}`);
		const record: RecordedRequest = {
			seq: ++seq,
			at: arrivedAt,
			inFlightOnArrival,
			method: req.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(
				Object.entries(query).map(([key, value]) => [
					key,
					key === 'appsecret_proof' ? `${value.slice(0, 8)}…` : key === 'client_secret' ? (value === grant?.account.app.appSecret ? 'the app secret' : 'another secret') : value,
				]),
			),
			bearer: bearerToken !== undefined,
			tokenValid: grant !== undefined && !tokens.expired(grant),
			tokenGeneration: grant?.generation,
			proofValid: grant !== undefined && proofMatches(grant.account.app, grant.token, query.appsecret_proof),
			tokenInUrl:
				'access_token' in query ||
				'oauth_token' in query ||
				[...accounts.map((a) => a.app.accessToken), ...tokens.issued()].some((token) => (req.url ?? '').includes(token)),
			contentType: req.headers['content-type'],
			body: undefined,
			status: 0,
			outcome: '',
		};
		requests.push(record);

		/** The account's usage report, once the call is known to count against an account. */
		let usageHeaders: Record<string, string> | undefined;
		const send = (reply: Reply, afterMs = latencyMs) => {
			record.status = reply.status;
			record.outcome = reply.outcome;
			const write = () => {
				if (res.destroyed) return;
				res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...usageHeaders, ...reply.headers });
				res.end(reply.body);
			};
			if (afterMs > 0) setTimeout(write, afterMs);
			else write();
		};
		const throttled = () => send(refuse(400, 613, 'Calls to this api have exceeded the rate limit.', { type: 'OAuthException', subcode: 2534040 }));

		// Instagram Login's token refresh: on the host's root, no version (Meta's docs).
		if (url.pathname === '/refresh_access_token') {
			record.call = 'refresh';
			if (!grant) return send(refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }));
			if (query.grant_type !== 'ig_refresh_token') return send(refuse(400, 100, 'grant_type must be ig_refresh_token', { type: 'OAuthException' }));
			if (query.appsecret_proof !== undefined && !record.proofValid) {
				return send(refuse(400, 100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' }));
			}
			const outcome = tokens.refresh(grant, grant.account.loginType === 'instagram', grant.account.app.refreshRefused === true);
			if (!outcome.ok) return send(refuse(outcome.status, outcome.code, outcome.message, { type: outcome.type, subcode: outcome.subcode }));
			record.outcome = 'refreshed';
			return send({ status: 200, outcome: 'refreshed', body: JSON.stringify({ access_token: outcome.grant.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS }) });
		}

		// Instagram Login's exchange of a one-hour token for a 60-day one: on the host's root.
		if (url.pathname === '/access_token') {
			record.call = 'exchange';
			if (!grant) return send(refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }));
			if (query.grant_type !== 'ig_exchange_token') return send(refuse(400, 100, 'grant_type must be ig_exchange_token', { type: 'OAuthException' }));
			const outcome = tokens.exchange(grant, query.client_secret, grant.account.app.appSecret);
			if (!outcome.ok) return send(refuse(outcome.status, outcome.code, outcome.message, { type: outcome.type, subcode: outcome.subcode }));
			return send({ status: 200, outcome: 'exchanged', body: JSON.stringify({ access_token: outcome.grant.token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS }) });
		}

		const match = /^\/([^/]+)\/(.*)$/.exec(url.pathname);
		const [version, rest] = match ? [match[1], match[2]] : ['', ''];
		if (!match) return send(refuse(400, 2500, `Unknown path components: ${url.pathname}`, { type: 'OAuthException' }));
		if (!versions.test(version)) {
			return send(refuse(400, 100, `Unsupported Graph API version ${version}`, { type: 'GraphMethodException' }));
		}
		if (record.tokenInUrl) {
			return send(refuse(400, 100, 'Access tokens must be sent in the Authorization header in this imitation', { type: 'OAuthException' }));
		}
		if (!bearerToken) {
			return send(refuse(400, 2500, 'An active access token must be used to query information about the current user.', { type: 'OAuthException' }));
		}
		if (appTokenOf) {
			record.tokenValid = true;
			const app = /^([^/]+)\/subscriptions$/.exec(rest);
			if (!app || app[1] !== appTokenOf.appId) {
				return send(refuse(400, 100, `Unsupported ${(req.method ?? '').toLowerCase()} request with an app token: /${rest}`, { type: 'GraphMethodException', subcode: 33 }));
			}
			record.call = 'appSubscriptions';
			const form = new URLSearchParams((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? raw : '');
			return send(await subscriptions.app(req.method ?? '', app[1], query, form));
		}
		if (!account) return send(refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }));
		if (options.graphHost !== undefined && account.loginType !== options.graphHost) {
			return send(
				options.graphHost === 'facebook'
					? refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' })
					: refuse(400, 100, `Unsupported ${(req.method ?? '').toLowerCase()} request. Object with ID '${rest.split('/')[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { type: 'IGApiException', subcode: 33 }),
			);
		}
		if (tokens.expired(grant!)) {
			const expired = tokens.expiredRefusal(grant!);
			return send(refuse(expired.status, expired.code, expired.message, { type: expired.type, subcode: expired.subcode }));
		}
		if (query.appsecret_proof === undefined) {
			return send(refuse(400, 100, 'API calls from the server require an appsecret_proof argument', { type: 'GraphMethodException' }));
		}
		if (!record.proofValid) {
			return send(refuse(400, 100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' }));
		}
		// Meta's account-wide throttling, when asked: a held account is refused until its time
		// to regain access; past its allowance, a call is refused.
		const held = holds.get(account);
		if (held && arrivedAt < held.until) return send({ ...held.reply, outcome: 'stillThrottled' });
		if (throttling.usagePerSecond !== undefined) {
			const allowance = throttling.usagePerSecond;
			const recent = (usage.get(account) ?? []).filter((at) => arrivedAt - at < 1000);
			const over = recent.length >= allowance;
			if (!over) recent.push(arrivedAt);
			usage.set(account, recent);
			const percent = Math.round((100 * (over ? recent.length + 1 : recent.length)) / allowance);
			const report = { type: 'instagram', call_count: percent, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 };
			usageHeaders = { 'x-business-use-case-usage': JSON.stringify({ [account.igId]: [report] }) };
			if (over) return send(refuse(400, 80002, 'There have been too many calls to this Instagram account. Wait a bit and try again.', { type: 'OAuthException' }));
		}

		const unsupported = () =>
			send(refuse(400, 100, `Unsupported ${(req.method ?? '').toLowerCase()} request. Object with ID '${rest.split('/')[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { type: 'GraphMethodException', subcode: 33 }));
		const facebook = account.loginType === 'facebook';
		/** The IDs that name the token's own account in a path. */
		const owners = facebook ? ['me', account.pageId, account.igId] : ['me', account.igId];
		const [node, edge, ...more] = rest.split('/');
		const ownNode = owners.includes(node);
		const keep = (body: unknown) => {
			if (options.keepBodies !== false) record.body = body;
		};
		/** Meta's next-page URL: the same call, with the token in it, as Meta writes it. */
		const nextUrl = (after: string) => {
			const next = new URL(`https://graph.${facebook ? 'facebook' : 'instagram'}.com${url.pathname}`);
			for (const [key, value] of Object.entries(query)) if (key !== 'appsecret_proof' && key !== 'after') next.searchParams.set(key, value);
			next.searchParams.set('access_token', grant!.token);
			next.searchParams.set('after', after);
			return next.toString();
		};
		if (more.length > 0) return send(refuse(400, 2500, `Unknown path components: /${rest}`, { type: 'OAuthException' }));

		// GET /me: the token's own node: the Page (Facebook Login) or the professional account.
		if (node === 'me' && edge === undefined) {
			if (req.method !== 'GET') return unsupported();
			record.call = 'me';
			const known: Record<string, unknown> = facebook
				? { id: account.pageId, name: 'Imitation Shop' }
				: { id: '27000000000000001', user_id: account.igId, username: account.username, name: 'Imitation Shop' };
			const asked = (query.fields ?? 'id,name').split(',');
			return send(ok(Object.fromEntries(asked.filter((f) => f in known).map((f) => [f, known[f]])), 'me'));
		}
		// GET /{IGSID}: a profile.
		if (edge === undefined && /^\d+$/.test(node) && !ownNode) {
			if (req.method !== 'GET') return unsupported();
			record.call = 'profile';
			record.recipientId = node;
			return act(nextBehaviour(node), () => readProfile(node, query.fields));
		}
		// POST /{ID}/messages: the Send API, on the token's own account.
		if (edge === 'messages' && ownNode) {
			if (req.method !== 'POST') return unsupported();
			if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
				return send(refuse(400, 100, '(#100) Content-Type must be application/json'));
			}
			const read = readSendCall(raw);
			keep(read.body);
			if ('reply' in read) return send(read.reply);
			return sendApi(read.call);
		}
		// POST /{PAGE_ID}/message_attachments: Facebook Login's Attachment Upload API.
		if (edge === 'message_attachments' && ownNode) {
			if (req.method !== 'POST' || !facebook || node === account.igId) return unsupported();
			record.call = 'upload';
			const type = (req.headers['content-type'] ?? '').toLowerCase();
			const uploaded: ReturnType<MediaStore['uploadMultipart']> = type.startsWith('multipart/form-data')
				? media.uploadMultipart(rawBytes, req.headers['content-type'] ?? '')
				: type.startsWith('application/json')
					? { fileName: '', mimeType: '', ...media.uploadJson(raw) }
					: { reply: refuse(400, 100, '(#100) Send JSON or multipart/form-data') };
			if ('reply' in uploaded) return send(uploaded.reply);
			const { attachment } = uploaded;
			record.upload = {
				type: attachment.type,
				bytes: attachment.bytes,
				sha256: attachment.sha256,
				url: attachment.url,
				...(uploaded.fileName ? { fileName: uploaded.fileName, mimeType: uploaded.mimeType } : {}),
			};
			// A script for the Page ID applies to its uploads, as one for a recipient to its messages.
			return act(nextBehaviour(node), () => {
				record.attachmentId = attachment.id;
				return ok({ attachment_id: attachment.id }, 'uploaded');
			});
		}
		// /{PAGE_ID}/subscribed_apps (Facebook Login), /me/subscribed_apps (Instagram Login).
		if (edge === 'subscribed_apps' && ownNode && (facebook ? node !== account.igId : true)) {
			record.call = 'subscribedApps';
			return send(subscriptions.account(req.method ?? '', facebook ? account.pageId : account.igId, account.appId, query));
		}
		// GET /{ID}/conversations: the Conversations API, paced at its own limit.
		if (edge === 'conversations' && ownNode) {
			if (req.method !== 'GET') return unsupported();
			record.call = 'conversations';
			if (windows.conversations.over(arrivedAt)) return throttled();
			return act(nextBehaviour(query.user_id), () => conversations.page(account, query, nextUrl, facebook));
		}
		// GET /{CONVERSATION_ID}/messages: a conversation's messages.
		if (edge === 'messages' && req.method === 'GET') {
			record.call = 'messages';
			if (windows.conversations.over(arrivedAt)) return throttled();
			return send(conversations.messages(account, node, query, nextUrl));
		}
		if (edge === 'messages' || edge === 'message_attachments' || edge === 'conversations') return unsupported();
		return send(refuse(400, 2500, `Unknown path components: /${rest}`, { type: 'OAuthException' }));

		/** A Send API call: its class's limit, then Meta's checks of what it refers to, then the behaviour. */
		function sendApi(call: SendCall): void {
			if (call.kind === 'senderAction') {
				record.call = 'senderAction';
				record.recipientId = call.recipientId;
				if (windows.send.over(arrivedAt)) return throttled();
				return act(nextBehaviour(call.recipientId), () => carryOut(call.recipientId, false));
			}
			if (call.kind === 'reaction') {
				record.call = call.action;
				record.recipientId = call.recipientId;
				if (windows.send.over(arrivedAt)) return throttled();
				return act(nextBehaviour(call.recipientId), () => carryOut(call.recipientId, false));
			}
			const { content, recipient } = call;
			if ('commentId' in recipient) {
				record.call = 'privateReply';
				record.commentId = recipient.commentId;
			} else {
				record.call = content.kind;
				record.recipientId = recipient.id;
			}
			if (content.kind === 'text' && options.keepBodies !== false) record.text = content.text;
			if (content.kind === 'media' && content.attachmentId) record.attachmentId = content.attachmentId;
			const window =
				'commentId' in recipient
					? windows.privateReply
					: content.kind === 'media' && (content.type === 'audio' || content.type === 'video')
						? windows.media
						: windows.send;
			if (window.over(arrivedAt)) return throttled();
			if (content.kind === 'media' || content.kind === 'images') {
				const refusal =
					content.kind === 'images'
						? content.urls.map((u) => media.fetch(u, 'image')).find(Boolean)
						: content.url !== undefined
							? media.fetch(content.url, content.type)
							: (media.known(content.attachmentId!) ??
								(media.get(content.attachmentId!)!.type === content.type
									? undefined
									: refuse(400, 100, 'The attachment type does not match the uploaded attachment', { subcode: 2018047 })));
				if (refusal) return send(refusal);
			}
			if (content.kind === 'share' && foreignPosts.has(content.postId)) {
				// Meta's pages allow sharing only the account's own posts and do not document the
				// refusal's wording: this text is the imitation's.
				return send(refuse(400, 100, 'The media does not belong to this Instagram account', { type: 'IGApiException' }));
			}
			if ('commentId' in recipient) {
				const comment = commentOf(recipient.commentId);
				if (repliedComments.has(recipient.commentId)) {
					return send(refuse(400, 100, 'The comment is invalid for a private reply', { type: 'IGApiException', subcode: 2534025 }));
				}
				if (arrivedAt - comment.createdAt > PRIVATE_REPLY_WINDOW_MS) {
					return send(refuse(400, 10, 'This message is sent outside of allowed window.', { type: 'IGApiException', subcode: 2534022 }));
				}
				return act(nextBehaviour(comment.authorId), () => {
					repliedComments.add(recipient.commentId);
					return carryOut(comment.authorId, true);
				});
			}
			return act(nextBehaviour(recipient.id), () => carryOut(recipient.id, true));
		}

		/** Meta carries out a Send API call and answers as it does for that kind. */
		function carryOut(recipientId: string, message: boolean): Reply {
			record.delivered = true;
			if (!message) return ok({ recipient_id: recipientId }, 'accepted');
			const messageId = `mid.imitation.${++messageCounter}.${recipientId}`;
			record.messageId = messageId;
			return ok({ recipient_id: recipientId, message_id: messageId }, 'accepted');
		}

		function act(behaviour: Behaviour, accept: () => Reply): void {
			switch (behaviour.kind) {
				case 'accept':
					return send(accept());
				case 'graphError': {
					const wait = regainAfterMs(behaviour.headers);
					const throttles = behaviour.status === 429 || THROTTLE_CODES.includes(behaviour.code);
					const reply: Reply = {
						status: behaviour.status,
						body: graphError(behaviour.code, behaviour.message, { type: behaviour.type, subcode: behaviour.subcode, isTransient: behaviour.isTransient }),
						headers: behaviour.headers,
						outcome: `graphError:${behaviour.code}`,
					};
					// Meta's estimate counts from its answer.
					if (throttling.hold && throttles && wait !== undefined && account) holds.set(account, { until: Date.now() + wait, reply });
					return send(reply);
				}
				case 'rawError':
					return send({
						status: behaviour.status,
						body: behaviour.body,
						headers: { 'content-type': behaviour.contentType ?? 'text/html; charset=utf-8', ...behaviour.headers },
						outcome: 'rawError',
					});
				case 'echoingProxyError':
					if (behaviour.graphShaped) {
						return send({
							status: behaviour.status,
							body: graphError(1, `Upstream request failed for the credential ${bearerToken ?? ''}`, { type: 'ProxyException' }),
							outcome: 'rawError',
						});
					}
					return send({
						status: behaviour.status,
						body: `<html><body><h1>Bad Gateway</h1><pre>Authorization: ${req.headers.authorization ?? ''}</pre></body></html>`,
						headers: { 'content-type': 'text/html; charset=utf-8' },
						outcome: 'rawError',
					});
				case 'slow':
					setTimeout(() => {
						// A client that gave up (timed out) is gone: this behaviour then delivers
						// nothing. `deliverThenStall` is the case where Meta did deliver.
						if (req.socket.destroyed) {
							record.outcome = 'abandoned';
							return;
						}
						act(behaviour.then ?? { kind: 'accept' }, accept);
					}, behaviour.delayMs);
					return;
				case 'deliverThenStall': {
					// Meta carried the call out at once; the answer comes too late for a client
					// that timed out, which cannot know the message went.
					const reply = accept();
					record.outcome = 'deliveredThenStalled';
					send({ ...reply, outcome: 'deliveredThenStalled' }, behaviour.delayMs);
					return;
				}
				case 'acceptThenDrop':
					// Meta carried the call out, but the answer never arrives.
					accept();
					record.status = 0;
					record.outcome = 'acceptedThenDropped';
					req.socket.destroy();
					return;
				case 'drop':
					record.outcome = 'dropped';
					req.socket.destroy();
					return;
			}
		}
	};

	function reset(): void {
		requests.length = 0;
		scripts.clear();
		scriptPositions.clear();
		for (const window of Object.values(windows)) window.clear();
		media.reset();
		comments.clear();
		subscriptions.reset();
		repliedComments.clear();
		foreignPosts.clear();
		tokens.reset();
		throttling = {};
		holds.clear();
		usage.clear();
	}

	const server: Server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
			res.end(`imitation failure: ${error.message}`);
		});
	});
	server.keepAliveTimeout = 5000;
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;

	return {
		url: `http://127.0.0.1:${port}`,
		port,
		requests,
		script(recipientId, behaviours) {
			scripts.set(recipientId, behaviours);
			scriptPositions.delete(recipientId);
		},
		setLatency(ms) {
			latencyMs = ms;
		},
		setSendLimit(perSecond) {
			windows.send.limit = perSecond === undefined ? undefined : { calls: perSecond, windowMs: 1000 };
			windows.send.clear();
		},
		setThrottling(wanted) {
			throttling = { ...wanted };
			holds.clear();
			usage.clear();
		},
		hostFile(url, file) {
			media.host(url, file);
		},
		addComment(commentId, comment) {
			comments.set(commentId, comment);
		},
		addForeignPost(postId) {
			foreignPosts.add(postId);
		},
		subscriptions,
		tokens,
		reset,
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
