import { randomBytes } from 'node:crypto';

import type { ICredentialsDecrypted, IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { CATALOG } from '../../../bridge/generated/catalog';
import type { Answer, MultipartPart, RequestPlan } from '../../../bridge/types';
import { INSTAGRAM_CREDENTIAL_TYPE } from '../../../credentials/InstagramMessagingApi.credentials';

/** What came back for one request: Meta's response, or why there was none. */
export type Performed = Pick<Answer, 'response' | 'failure'>;

interface FullResponse {
	body: unknown;
	headers: IDataObject;
	statusCode: number;
}

/**
 * Performs one request the core planned, with n8n's HTTP helper and the credential's own
 * authentication. Any HTTP status comes back as a response for the core to read; only a
 * request that got no response at all becomes a failure.
 */
export async function perform(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: RequestPlan,
	timeout: number,
	credentials: ICredentialsDecrypted | undefined,
): Promise<Performed> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.url,
		headers: { ...request.headers },
		encoding: 'text',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout,
	};
	if (request.query) options.qs = Object.fromEntries(request.query);
	try {
		options.body = await encodeBody(ctx, itemIndex, request, options.headers as IDataObject);
	} catch (error) {
		return { failure: { code: CATALOG.fileUnreadableCode, message: (error as Error).message } };
	}
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			INSTAGRAM_CREDENTIAL_TYPE,
			options,
			credentials ? { credentialsDecrypted: credentials } : undefined,
		)) as FullResponse;
		return {
			response: {
				status: response.statusCode,
				headers: relevantHeaders(response.headers),
				body: bodyText(response.body),
			},
		};
	} catch (error) {
		return { failure: transportFailure(error) };
	}
}

async function encodeBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: RequestPlan,
	headers: IDataObject,
): Promise<string | Buffer | undefined> {
	const body = request.body;
	if (!body) return undefined;
	switch (body.kind) {
		case 'json':
			return body.text;
		case 'multipart': {
			const boundary = `----n8nInstagram${randomBytes(16).toString('hex')}`;
			headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
			return await multipart(ctx, itemIndex, body.parts, boundary);
		}
	}
}

/** `multipart/form-data` (RFC 7578): text parts as given, binary parts from n8n's binary data. */
async function multipart(ctx: IExecuteFunctions, itemIndex: number, parts: MultipartPart[], boundary: string): Promise<Buffer> {
	const chunks: Buffer[] = [];
	const quoted = (value: string) => value.replace(/["\\\r\n]/g, (c) => encodeURIComponent(c));
	for (const part of parts) {
		chunks.push(Buffer.from(`--${boundary}\r\n`));
		if (part.kind === 'text') {
			chunks.push(Buffer.from(`Content-Disposition: form-data; name="${quoted(part.name)}"\r\n\r\n`));
			chunks.push(Buffer.from(part.value, 'utf8'));
		} else {
			chunks.push(
				Buffer.from(
					`Content-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.fileName)}"\r\n` +
						`Content-Type: ${part.mimeType}\r\n\r\n`,
				),
			);
			chunks.push(await ctx.helpers.getBinaryDataBuffer(itemIndex, part.property));
		}
		chunks.push(Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

/** Only the headers the core reads cross into it; none at all is the usual case. */
export function relevantHeaders(headers: IDataObject | undefined): Record<string, unknown> | undefined {
	if (!headers) return undefined;
	let picked: Record<string, unknown> | undefined;
	for (const name of CATALOG.relevantHeaders) {
		const value = headers[name];
		if (value !== undefined && value !== null) (picked ??= {})[name] = value;
	}
	return picked;
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return JSON.stringify(body);
}

/**
 * The error code and text of a request that got no HTTP response. n8n wraps the HTTP
 * client's error; the code (ECONNREFUSED, ETIMEDOUT, ...) sits on it or on its cause.
 * Only these two strings go on, to the core, which redacts them.
 */
export function transportFailure(error: unknown): { code: string; message: string } {
	const seen: unknown[] = [];
	let code = '';
	let message = '';
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.includes(current) && seen.length < 5) {
		seen.push(current);
		const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
		if (!code && typeof candidate.code === 'string' && /^[A-Z_]+$/.test(candidate.code)) code = candidate.code;
		if (typeof candidate.message === 'string' && candidate.message) message = candidate.message;
		current = candidate.cause;
	}
	return { code: code || 'UNKNOWN', message: message || 'the request failed without a response' };
}
