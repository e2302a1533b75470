// Media as Meta sees it: URLs it fetches, files uploaded through the Attachment Upload API
// (`POST /{PAGE_ID}/message_attachments`, JSON with a URL or multipart with `filedata`),
// and the attachment IDs it issued. Meta's media errors come from here:
//   2018008 the URL cannot be fetched (here: any host under .invalid, which never resolves)
//   2018047 the declared type does not match the file
//   2018074 an attachment ID this account never uploaded
//   2018109 a file over Instagram's size limit
import { createHash } from 'node:crypto';

import { refuse } from './graphErrors';
import type { Reply } from './graphErrors';
import { MEDIA_TYPES } from './sendApi';

const MB = 1024 * 1024;
/** Instagram's limits by media type. */
export const MAX_BYTES: Record<string, number> = { image: 8 * MB, audio: 25 * MB, video: 25 * MB, file: 25 * MB };

/** Which media types a MIME type or file extension can be. */
function typesOf(mimeOrExtension: string): string[] | undefined {
	const value = mimeOrExtension.toLowerCase();
	if (/^(image\/(png|jpeg|gif)|png|jpe?g|gif)$/.test(value)) return ['image'];
	if (/^(audio\/(aac|mp4|x-m4a|m4a|wav|x-wav|wave)|aac|m4a|wav)$/.test(value)) return ['audio'];
	if (/^(video\/mp4|mp4)$/.test(value)) return ['video', 'audio'];
	if (/^(video\/(ogg|x-msvideo|avi|quicktime|webm)|ogg|avi|mov|webm)$/.test(value)) return ['video'];
	if (/^(application\/pdf|pdf)$/.test(value)) return ['file'];
	return undefined;
}

/** A file at a URL, as a test describes it; unknown URLs are small files of their extension's type. */
export interface RemoteFile {
	bytes: number;
	mimeType?: string;
}

export interface Attachment {
	id: string;
	type: string;
	bytes: number;
	sha256?: string;
	url?: string;
}

export class MediaStore {
	private readonly remote = new Map<string, RemoteFile>();
	private readonly attachments = new Map<string, Attachment>();
	private counter = 0;

	/** Describes the file at `url` (its size, its type) for later fetches. */
	host(url: string, file: RemoteFile): void {
		this.remote.set(url, file);
	}

	/** Meta fetching `url` as `type`: `undefined` when it would work, else Meta's error. */
	fetch(url: string, type: string): Reply | undefined {
		const parsed = new URL(url);
		if (parsed.hostname.endsWith('.invalid')) {
			return refuse(400, 100, 'Failed to fetch the file from the url. Check that the URL is valid, with a valid SSL certificate, valid file size, and that the server is responding fast enough.', { type: 'OAuthException', subcode: 2018008 });
		}
		const known = this.remote.get(url);
		const extension = /\.([a-z0-9]+)$/i.exec(parsed.pathname)?.[1];
		const types = typesOf(known?.mimeType ?? extension ?? '');
		if (types && !types.includes(type)) {
			return refuse(400, 100, 'Upload attachment failure: the provided media type does not match type of file provided in the URL', { type: 'OAuthException', subcode: 2018047 });
		}
		if (known && known.bytes > MAX_BYTES[type]) return tooLarge();
		return undefined;
	}

	/** Whether `id` is an attachment this imitation issued. */
	known(id: string): Reply | undefined {
		if (this.attachments.has(id)) return undefined;
		return refuse(400, 100, '(#100) Possible invalid ID or you do not own the attachment.', { type: 'OAuthException', subcode: 2018074 });
	}

	get(id: string): Attachment | undefined {
		return this.attachments.get(id);
	}

	/** `POST /{PAGE_ID}/message_attachments` with JSON: `{platform, message: {attachment: {type, payload: {url, is_reusable}}}}`. */
	uploadJson(raw: string): { attachment: Attachment } | { reply: Reply } {
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(raw);
		} catch {
			return { reply: refuse(400, 100, '(#100) Request body is not valid JSON') };
		}
		if (body.platform !== 'instagram') return { reply: refuse(400, 100, '(#100) param platform must be instagram') };
		const attachment = uploadMessage(body.message);
		if ('reply' in attachment) return attachment;
		const url = attachment.payload.url;
		if (typeof url !== 'string' || !/^https:\/\//.test(url)) return { reply: refuse(400, 100, '(#100) payload.url must be an https URL') };
		const refused = this.fetch(url, attachment.type);
		if (refused) return { reply: refused };
		return { attachment: this.issue({ type: attachment.type, bytes: this.remote.get(url)?.bytes ?? 1, url }) };
	}

	/** The same with `multipart/form-data`: `platform`, `message` and the file as `filedata`. */
	uploadMultipart(raw: Buffer, contentType: string): { attachment: Attachment; fileName: string; mimeType: string } | { reply: Reply } {
		const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
		if (!boundary) return { reply: refuse(400, 100, '(#100) multipart body without a boundary') };
		const parts = parseMultipart(raw, boundary[1] ?? boundary[2]);
		if (!parts) return { reply: refuse(400, 100, '(#100) malformed multipart body') };
		const field = (name: string) => parts.find((part) => part.name === name);
		if (field('platform')?.data.toString('utf8') !== 'instagram') return { reply: refuse(400, 100, '(#100) param platform must be instagram') };
		let message: unknown;
		try {
			message = JSON.parse(field('message')?.data.toString('utf8') ?? '');
		} catch {
			return { reply: refuse(400, 100, '(#100) param message must be JSON') };
		}
		const attachment = uploadMessage(message);
		if ('reply' in attachment) return attachment;
		if ('url' in attachment.payload) return { reply: refuse(400, 100, '(#100) Send the file or a url, not both') };
		const file = field('filedata');
		if (!file || file.fileName === undefined) return { reply: refuse(400, 100, '(#100) The parameter filedata is required') };
		const mimeType = (file.contentType ?? '').split(';')[0].trim().toLowerCase();
		const types = typesOf(mimeType);
		if (!types) return { reply: refuse(400, 100, `(#100) Unsupported file type ${mimeType}`, { subcode: 2018047 }) };
		if (!types.includes(attachment.type)) {
			return { reply: refuse(400, 100, 'Upload attachment failure: the provided media type does not match type of file provided', { type: 'OAuthException', subcode: 2018047 }) };
		}
		if (file.data.length > MAX_BYTES[attachment.type]) return { reply: tooLarge() };
		if (file.data.length === 0) return { reply: refuse(400, 100, '(#100) The file is empty') };
		const sha256 = createHash('sha256').update(file.data).digest('hex');
		return { attachment: this.issue({ type: attachment.type, bytes: file.data.length, sha256 }), fileName: file.fileName, mimeType };
	}

	private issue(attachment: Omit<Attachment, 'id'>): Attachment {
		const id = String(9_000_000_000_000 + ++this.counter);
		const issued = { id, ...attachment };
		this.attachments.set(id, issued);
		return issued;
	}

	reset(): void {
		this.remote.clear();
		this.attachments.clear();
	}
}

function tooLarge(): Reply {
	return refuse(400, 100, '(#100) Attachment size exceeds allowable limit', { type: 'OAuthException', subcode: 2018109 });
}

function uploadMessage(message: unknown): { type: string; payload: Record<string, unknown> } | { reply: Reply } {
	const attachment = (message as { attachment?: Record<string, unknown> } | undefined)?.attachment;
	const payload = attachment?.payload as Record<string, unknown> | undefined;
	if (!attachment || !MEDIA_TYPES.includes(String(attachment.type)) || !payload || typeof payload !== 'object') {
		return { reply: refuse(400, 100, '(#100) param message must be {attachment: {type, payload}}') };
	}
	if (payload.is_reusable !== true && payload.is_reusable !== 'true') {
		return { reply: refuse(400, 100, '(#100) Only reusable attachments can be uploaded for Instagram') };
	}
	return { type: String(attachment.type), payload };
}

interface Part {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

/** A strict `multipart/form-data` reader (RFC 7578): CRLF line ends, a closing delimiter. */
export function parseMultipart(raw: Buffer, boundary: string): Part[] | undefined {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: Part[] = [];
	let at = raw.indexOf(delimiter);
	if (at !== 0) return undefined;
	for (;;) {
		at += delimiter.length;
		if (raw.subarray(at, at + 2).toString() === '--') return parts;
		if (raw.subarray(at, at + 2).toString() !== '\r\n') return undefined;
		at += 2;
		const headerEnd = raw.indexOf('\r\n\r\n', at);
		if (headerEnd < 0) return undefined;
		const headers = raw.subarray(at, headerEnd).toString('utf8').split('\r\n');
		const next = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) return undefined;
		const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
		const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
		if (name === undefined) return undefined;
		const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
		const contentType = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '');
		parts.push({ name, fileName, contentType, data: raw.subarray(headerEnd + 4, next) });
		at = next + 2;
	}
}
