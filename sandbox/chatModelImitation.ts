// A loopback imitation of an OpenAI-compatible chat-completions endpoint, for running n8n's
// AI Agent with no internet. It checks what the API checks (the Bearer key, a JSON body
// with a model and messages, tools as functions with JSON-schema parameters) and answers
// the way the API answers: scripted `tool_calls` with JSON-string arguments
// (`finish_reason: "tool_calls"`), then a final message (`finish_reason: "stop"`), or
// OpenAI's error shape. It records every request, so tests can read what n8n sent: the
// user's text, the tool schemas and the tool results.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedCall {
	/** The tool's name as n8n gives it: the workflow node's name, other characters as `_`. */
	name: string;
	arguments: Record<string, unknown>;
}

/** One answer of a script: tool calls (run before the next turn), or the final text. */
export type ScriptedTurn = { toolCalls: ScriptedCall[] } | { text: string };

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: { type?: string; properties?: Record<string, unknown>; required?: string[] } };
}

export interface ChatRequest {
	/** The raw body, as sent. */
	raw: string;
	authorization: string;
	model: string;
	messages: ChatMessage[];
	tools: ChatTool[];
	/** The script that answered it. */
	script?: string;
}

export interface ChatModelImitation {
	/** The base URL to put in n8n's OpenAI credential (`…/v1`). */
	url: string;
	apiKey: string;
	requests: ChatRequest[];
	/** Answers conversations whose first user message contains `marker` with `turns`, in order. */
	script(marker: string, turns: ScriptedTurn[]): void;
	/** The requests of the conversation `marker` selects. */
	requestsFor(marker: string): ChatRequest[];
	close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null): void {
	send(res, status, { error: { message, type, param: null, code } });
}

function textOf(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : String((part as { text?: unknown })?.text ?? ''))).join('');
	return '';
}

export async function startChatModelImitation(apiKey: string): Promise<ChatModelImitation> {
	const requests: ChatRequest[] = [];
	const scripts = new Map<string, { turns: ScriptedTurn[]; answered: number }>();
	let calls = 0;
	let completions = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		const path = new URL(req.url ?? '/', 'http://imitation').pathname;
		if (req.method !== 'POST' || path !== '/v1/chat/completions') {
			return openAiError(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
		}
		const authorization = String(req.headers.authorization ?? '');
		if (authorization !== `Bearer ${apiKey}`) {
			return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
		}
		let body: { model?: unknown; messages?: unknown; tools?: unknown; stream?: unknown };
		try {
			body = JSON.parse(raw);
		} catch {
			return openAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
		}
		if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
			return openAiError(res, 400, "'model' and a non-empty 'messages' are required.", 'invalid_request_error');
		}
		if (body.stream === true) return openAiError(res, 400, 'This imitation does not stream.', 'invalid_request_error');
		const tools = (Array.isArray(body.tools) ? body.tools : []) as ChatTool[];
		for (const tool of tools) {
			if (tool.type !== 'function' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.function?.name ?? '') || tool.function.parameters?.type !== 'object') {
				return openAiError(res, 400, `Invalid tool: ${JSON.stringify(tool).slice(0, 200)}`, 'invalid_request_error');
			}
		}
		const messages = body.messages as ChatMessage[];
		const firstUser = textOf(messages.find((m) => m.role === 'user')?.content);
		const marker = [...scripts.keys()].find((key) => firstUser.includes(key));
		const request: ChatRequest = { raw, authorization, model: body.model, messages, tools, script: marker };
		requests.push(request);

		const script = marker === undefined ? undefined : scripts.get(marker)!;
		const turn = script?.turns[script.answered] ?? { text: 'I have nothing more to do.' };
		if (script) script.answered++;
		const message =
			'toolCalls' in turn
				? {
						role: 'assistant',
						content: null,
						tool_calls: turn.toolCalls.map((call) => ({
							// A new ID every time, as the API gives.
							id: `call_${++calls}`,
							type: 'function',
							function: { name: call.name, arguments: JSON.stringify(call.arguments) },
						})),
					}
				: { role: 'assistant', content: turn.text };
		send(res, 200, {
			id: `chatcmpl-${++completions}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body.model,
			choices: [{ index: 0, message, finish_reason: 'toolCalls' in turn ? 'tool_calls' : 'stop', logprobs: null }],
			usage: { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: 10, total_tokens: Math.ceil(raw.length / 4) + 10 },
		});
	};

	const server = createServer((req, res) => {
		handle(req, res).catch((error: Error) => openAiError(res, 500, error.message, 'server_error'));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		apiKey,
		requests,
		script(marker, turns) {
			scripts.set(marker, { turns, answered: 0 });
		},
		requestsFor(marker) {
			return requests.filter((request) => request.script === marker);
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
