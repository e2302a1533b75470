// A loopback imitation of Meta's Graph API Send endpoint, for tests, benchmarks and the
// local demo. It checks what Meta checks (the Bearer token, appsecret_proof, the version
// path and the body), answers the way Meta answers, errors included, records every
// request, and can be scripted per recipient to misbehave (throttle, fail, hang, drop).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ImitationApp {
	accessToken: string;
	appSecret: string;
}

/** What the imitation does with one request to a scripted recipient. */
export type Behaviour =
	| { kind: 'accept' }
	| { kind: 'graphError'; status: number; code: number; subcode?: number; message: string; type?: string; isTransient?: boolean; headers?: Record<string, string> }
	| { kind: 'rawError'; status: number; body: string; contentType?: string; headers?: Record<string, string> }
	| { kind: 'slow'; delayMs: number; then?: Behaviour }
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
	recipientId?: string;
	text?: string;
	status: number;
	/** Set when the imitation accepted the message. */
	messageId?: string;
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
}

export interface MetaImitation {
	url: string;
	port: number;
	requests: RecordedRequest[];
	script(recipientId: string, behaviours: Behaviour[]): void;
	setLatency(ms: number): void;
	reset(): void;
	close(): Promise<void>;
}

const MAX_TEXT_BYTES = 1000;

function graphError(
	code: number,
	message: string,
	extra: { type?: string; subcode?: number; isTransient?: boolean } = {},
): string {
	return JSON.stringify({
		error: {
			message,
			type: extra.type ?? (code === 190 ? 'OAuthException' : 'IGApiException'),
			code,
			...(extra.subcode === undefined ? {} : { error_subcode: extra.subcode }),
			...(extra.isTransient === undefined ? {} : { is_transient: extra.isTransient }),
			fbtrace_id: `A${Math.random().toString(36).slice(2, 12)}`,
		},
	});
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

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
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
			at: Date.now(),
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

		const answer = (status: number, body: string, headers: Record<string, string> = {}, outcome = 'error') => {
			record.status = status;
			record.outcome = outcome;
			const send = () => {
				if (res.destroyed) return;
				res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
				res.end(body);
			};
			if (latencyMs > 0) setTimeout(send, latencyMs);
			else send();
		};

		const match = /^\/([^/]+)\/(me|\d+)(\/messages)?$/.exec(url.pathname);
		if (!match) {
			answer(400, graphError(2500, `Unknown path components: ${url.pathname}`, { type: 'OAuthException' }));
			return;
		}
		const [, version, , messages] = match;
		if (!versions.test(version)) {
			answer(400, graphError(100, `Unsupported Graph API version ${version}`, { type: 'GraphMethodException' }));
			return;
		}
		if (record.tokenInUrl) {
			answer(400, graphError(100, 'Access tokens must be sent in the Authorization header in this imitation', { type: 'OAuthException' }));
			return;
		}
		if (!bearerToken) {
			answer(400, graphError(2500, 'An active access token must be used to query information about the current user.', { type: 'OAuthException' }));
			return;
		}
		if (!app) {
			answer(400, graphError(190, 'Invalid OAuth access token - Cannot parse access token', { type: 'OAuthException' }));
			return;
		}
		if (query.appsecret_proof === undefined) {
			answer(400, graphError(100, 'API calls from the server require an appsecret_proof argument', { type: 'GraphMethodException' }));
			return;
		}
		if (!record.proofValid) {
			answer(400, graphError(100, 'Invalid appsecret_proof provided in the API argument', { type: 'GraphMethodException' }));
			return;
		}

		if (!messages) {
			if (req.method !== 'GET') {
				answer(400, graphError(100, 'Unsupported post request.', { type: 'GraphMethodException' }));
				return;
			}
			answer(200, JSON.stringify({ id: '17841400000000001', name: 'Imitation Business' }), {}, 'me');
			return;
		}
		if (req.method !== 'POST') {
			answer(400, graphError(100, 'Unsupported get request.', { type: 'GraphMethodException' }));
			return;
		}
		if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
			answer(400, graphError(100, '(#100) Content-Type must be application/json', { type: 'IGApiException' }));
			return;
		}
		let body: { recipient?: { id?: unknown }; message?: { text?: unknown } } & Record<string, unknown>;
		try {
			body = JSON.parse(raw);
		} catch {
			answer(400, graphError(100, '(#100) Request body is not valid JSON'));
			return;
		}
		record.body = options.keepBodies === false ? undefined : body;
		const recipientId = body?.recipient?.id;
		const text = body?.message?.text;
		if (typeof recipientId !== 'string' || !/^[1-9]\d{0,31}$/.test(recipientId)) {
			answer(400, graphError(100, '(#100) The parameter recipient is required', { subcode: 2018001 }));
			return;
		}
		record.recipientId = recipientId;
		const keys = Object.keys(body).sort().join(',');
		if (keys !== 'message,recipient' || Object.keys(body.message ?? {}).join(',') !== 'text') {
			answer(400, graphError(100, `(#100) Unexpected fields in the body: ${keys}`, { subcode: 2534015 }));
			return;
		}
		if (typeof text !== 'string' || text.length === 0) {
			answer(400, graphError(100, '(#100) The parameter message[text] is required', { subcode: 2534015 }));
			return;
		}
		if (Buffer.byteLength(text, 'utf8') > MAX_TEXT_BYTES) {
			answer(400, graphError(100, '(#100) Length of param message[text] must be less than or equal to 1000', { subcode: 2534015 }));
			return;
		}
		record.text = options.keepBodies === false ? undefined : text;

		const act = (behaviour: Behaviour): void => {
			switch (behaviour.kind) {
				case 'accept': {
					const messageId = `mid.imitation.${++messageCounter}.${recipientId}`;
					record.messageId = messageId;
					answer(200, JSON.stringify({ recipient_id: recipientId, message_id: messageId }), {}, 'accepted');
					return;
				}
				case 'graphError':
					answer(
						behaviour.status,
						graphError(behaviour.code, behaviour.message, {
							type: behaviour.type,
							subcode: behaviour.subcode,
							isTransient: behaviour.isTransient,
						}),
						behaviour.headers,
						`graphError:${behaviour.code}`,
					);
					return;
				case 'rawError':
					record.status = behaviour.status;
					record.outcome = 'rawError';
					setTimeout(() => {
						if (res.destroyed) return;
						res.writeHead(behaviour.status, {
							'content-type': behaviour.contentType ?? 'text/html; charset=utf-8',
							...behaviour.headers,
						});
						res.end(behaviour.body);
					}, latencyMs);
					return;
				case 'slow':
					setTimeout(() => {
						// A client that gave up (timed out) is gone: this imitation then does not
						// deliver. Meta might; that is why the node reports such items as
						// "delivery unknown" and never resends them by default.
						if (req.socket.destroyed) {
							record.outcome = 'abandoned';
							return;
						}
						act(behaviour.then ?? { kind: 'accept' });
					}, behaviour.delayMs);
					return;
				case 'acceptThenDrop': {
					// Meta accepted the message, but the answer never arrives.
					const messageId = `mid.imitation.${++messageCounter}.${recipientId}`;
					record.messageId = messageId;
					record.outcome = 'acceptedThenDropped';
					req.socket.destroy();
					return;
				}
				case 'drop':
					record.outcome = 'dropped';
					req.socket.destroy();
					return;
			}
		};
		act(nextBehaviour(recipientId));
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
		reset() {
			requests.length = 0;
			scripts.clear();
			scriptPositions.clear();
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
