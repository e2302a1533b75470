// A loopback imitation of Meta's Graph API, for tests, benchmarks and the local demo. It
// checks what Meta checks (the Bearer token, appsecret_proof, the version path, the method
// and the body of each call), answers the way Meta answers, errors included, records every
// request, and can be scripted per recipient to misbehave (throttle, fail, hang, drop,
// deliver and then lose the answer). It can also enforce Meta's sliding one-second limit.
//
// What each endpoint accepts lives beside this file: meta/sendApi.ts (POST .../messages),
// meta/profiles.ts (GET .../{IGSID}).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { graphError, ok, refuse } from './meta/graphErrors';
import type { Reply } from './meta/graphErrors';
import { readProfile } from './meta/profiles';
import type { SendCall } from './meta/sendApi';
import { readSendCall } from './meta/sendApi';

export interface ImitationApp {
	accessToken: string;
	appSecret: string;
}

/** What the imitation does with one request to a scripted recipient. */
export type Behaviour =
	| { kind: 'accept' }
	| { kind: 'graphError'; status: number; code: number; subcode?: number; message: string; type?: string; isTransient?: boolean; headers?: Record<string, string> }
	| { kind: 'rawError'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
	/** Waits, then acts; a client that gave up meanwhile gets nothing delivered. */
	| { kind: 'slow'; delayMs: number; then?: Behaviour }
	/** Delivers at once, then answers only after `delayMs`: a client that timed out never learns it. */
	| { kind: 'deliverThenStall'; delayMs: number }
	/** Delivers, then drops the connection without answering. */
	| { kind: 'acceptThenDrop' }
	| { kind: 'drop' };

export interface RecordedRequest {
	seq: number;
	at: number;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Whether the Authorization header carried a Bearer token, and whether it was the app's. */
	bearer: boolean;
	tokenValid: boolean;
	proofValid: boolean;
	/** Credentials placed in the URL, which the node must never do. */
	tokenInUrl: boolean;
	contentType: string | undefined;
	body: unknown;
	/** The Send API call, when the request was one. */
	call?: SendCall['kind'];
	recipientId?: string;
	text?: string;
	status: number;
	/** Set when the imitation carried out the call (a message delivered, an action done). */
	messageId?: string;
	delivered?: boolean;
	outcome: string;
}

export interface ImitationOptions {
	apps: ImitationApp[];
	port?: number;
	host?: string;
	/** Added before every answer, to stand in for the internet. */
	latencyMs?: number;
	/** Graph API versions the imitation serves. */
	versions?: RegExp;
	/** Per-recipient scripts: each request to that recipient takes the next behaviour; the last repeats. */
	scripts?: Record<string, Behaviour[]>;
	/** Whether to keep full request records (bodies); the load tests turn this off. */
	keepBodies?: boolean;
	/**
	 * Meta's limit on Send API calls: more than this many in any sliding one-second window
	 * are refused with code 613 (HTTP 400), as Meta does.
	 */
	sendLimitPerSecond?: number;
}

export interface MetaImitation {
	url: string;
	port: number;
	requests: RecordedRequest[];
	script(recipientId: string, behaviours: Behaviour[]): void;
	setLatency(ms: number): void;
	setSendLimit(perSecond: number | undefined): void;
	reset(): void;
	close(): Promise<void>;
}

function proofFor(app: ImitationApp): string {
	return createHmac('sha256', app.appSecret).update(app.accessToken).digest('hex');
}

/** Constant-time comparison of the presented proof with the expected one. */
function proofMatches(app: ImitationApp, presented: string | undefined): boolean {
	if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented)) return false;
	return timingSafeEqual(Buffer.from(proofFor(app), 'hex'), Buffer.from(presented, 'hex'));
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startMetaImitation(options: ImitationOptions): Promise<MetaImitation> {
	const requests: RecordedRequest[] = [];
	const scripts = new Map<string, Behaviour[]>(Object.entries(options.scripts ?? {}));
	const scriptPositions = new Map<string, number>();
	const versions = options.versions ?? /^v(1[6-9]|2\d)\.0$/;
	let latencyMs = options.latencyMs ?? 0;
	let sendLimit = options.sendLimitPerSecond;
	/** Arrival times of the Send API calls Meta counted, for the sliding window. */
	const sendWindow: number[] = [];
	let seq = 0;
	let messageCounter = 0;
	const sockets = new Set<Socket>();

	const nextBehaviour = (recipientId: string | undefined): Behaviour => {
		if (recipientId === undefined) return { kind: 'accept' };
		const script = scripts.get(recipientId);
		if (!script || script.length === 0) return { kind: 'accept' };
		const position = scriptPositions.get(recipientId) ?? 0;
		scriptPositions.set(recipientId, position + 1);
		return script[Math.min(position, script.length - 1)];
	};

	/** Meta's sliding window: whether this call is over the limit (then it is not counted). */
	const overSendLimit = (now: number): boolean => {
		if (sendLimit === undefined) return false;
		while (sendWindow.length > 0 && now - sendWindow[0] >= 1000) sendWindow.shift();
		if (sendWindow.length >= sendLimit) return true;
		sendWindow.push(now);
		return false;
	};

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		// Meta counts a call when it arrives, before the body is read.
		const arrivedAt = Date.now();
		const raw = await readBody(req);
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
			requests.length = 0;
			scripts.clear();
			scriptPositions.clear();
			res.writeHead(204).end();
			return;
		}

		const authorization = req.headers.authorization ?? '';
		const bearerToken = /^Bearer (.+)$/.exec(authorization)?.[1];
		const app = options.apps.find((candidate) => candidate.accessToken === bearerToken);
		const record: RecordedRequest = {
			seq: ++seq,
			at: arrivedAt,
			method: req.method ?? '',
			path: url.pathname,
			query: Object.fromEntries(
				Object.entries(query).map(([key, value]) => [key, key === 'appsecret_proof' ? `${value.slice(0, 8)}…` : value]),
			),
			bearer: bearerToken !== undefined,
			tokenValid: app !== undefined,
			proofValid: app !== undefined && proofMatches(app, query.appsecret_proof),
			tokenInUrl: 'access_token' in query || 'oauth_token' in query || options.apps.some((a) => (req.url ?? '').includes(a.accessToken)),
			contentType: req.headers['content-type'],
			body: undefined,
			status: 0,
			outcome: '',
		};
		requests.push(record);

		const send = (reply: Reply, afterMs = latencyMs) => {
			record.status = reply.status;
			record.outcome = reply.outcome;
			const write = () => {
				if (res.destroyed) return;
				res.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8', ...reply.headers });
				res.end(reply.body);
			};
			if (afterMs > 0) setTimeout(write, afterMs);
			else write();
		};

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
		if (!app) return send(refuse(400, 190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }));
		if (query.appsecret_proof === undefined) {
			return send(refuse(400, 100, 'API calls from the server require an appsecret_proof argument', { type: 'GraphMethodException' }));
		}
		if (!record.proofValid) {
			return send(refuse(400, 100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' }));
		}

		const unsupported = () =>
			send(refuse(400, 100, `Unsupported ${(req.method ?? '').toLowerCase()} request. Object with ID '${rest}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { type: 'GraphMethodException', subcode: 33 }));

		// GET /me: the account the token belongs to (the credential test).
		if (rest === 'me') {
			if (req.method !== 'GET') return unsupported();
			return send(ok({ id: '17841400000000001', name: 'Imitation Business' }, 'me'));
		}
		// GET /{IGSID}: a profile.
		if (/^\d+$/.test(rest)) {
			if (req.method !== 'GET') return unsupported();
			record.recipientId = rest;
			return act(nextBehaviour(rest), () => readProfile(rest, query.fields));
		}
		// POST /me/messages or /{ID}/messages: the Send API.
		if (/^(me|\d+)\/messages$/.test(rest)) {
			if (req.method !== 'POST') return unsupported();
			if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
				return send(refuse(400, 100, '(#100) Content-Type must be application/json'));
			}
			const read = readSendCall(raw);
			record.body = options.keepBodies === false ? undefined : read.body;
			if ('reply' in read) return send(read.reply);
			const { call } = read;
			record.call = call.kind;
			record.recipientId = call.recipientId;
			if (call.kind === 'text' && options.keepBodies !== false) record.text = call.text;
			if (overSendLimit(arrivedAt)) {
				return send(refuse(400, 613, 'Calls to this api have exceeded the rate limit.', { type: 'OAuthException' }));
			}
			return act(nextBehaviour(call.recipientId), () => carryOut(call));
		}
		return send(refuse(400, 2500, `Unknown path components: /${rest}`, { type: 'OAuthException' }));

		/** Meta carries out a Send API call and answers as it does for that kind. */
		function carryOut(call: SendCall): Reply {
			record.delivered = true;
			if (call.kind === 'senderAction') return ok({ recipient_id: call.recipientId }, 'accepted');
			const messageId = `mid.imitation.${++messageCounter}.${call.recipientId}`;
			record.messageId = messageId;
			return ok({ recipient_id: call.recipientId, message_id: messageId }, 'accepted');
		}

		function act(behaviour: Behaviour, accept: () => Reply): void {
			switch (behaviour.kind) {
				case 'accept':
					return send(accept());
				case 'graphError':
					return send({
						status: behaviour.status,
						body: graphError(behaviour.code, behaviour.message, { type: behaviour.type, subcode: behaviour.subcode, isTransient: behaviour.isTransient }),
						headers: behaviour.headers,
						outcome: `graphError:${behaviour.code}`,
					});
				case 'rawError':
					return send({
						status: behaviour.status,
						body: behaviour.body,
						headers: { 'content-type': behaviour.contentType ?? 'text/html; charset=utf-8', ...behaviour.headers },
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
			sendLimit = perSecond;
			sendWindow.length = 0;
		},
		reset() {
			requests.length = 0;
			scripts.clear();
			scriptPositions.clear();
			sendWindow.length = 0;
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
