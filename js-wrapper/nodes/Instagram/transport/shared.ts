import { createHash } from 'node:crypto';

import type { IExecuteFunctions } from 'n8n-workflow';

import type { RequestPlan } from '../../../bridge/types';
import type { Performed } from './perform';

/**
 * Requests the core marks as shareable within one execution (`coalesce`): the Page ID read
 * before an upload, and the upload of identical bytes. The first item to need one performs
 * it; every other item with the same request waits for that answer and settles it as its
 * own. A successful answer is kept for the rest of the execution; a failed one is dropped,
 * so the next attempt asks again.
 */
export class SharedRequests {
	private readonly answers = new Map<string, Promise<Performed>>();

	/** `perform` once per identical request; `undefined` key: not shareable. */
	async perform(key: string | undefined, perform: () => Promise<Performed>): Promise<Performed> {
		if (key === undefined) return await perform();
		const known = this.answers.get(key);
		if (known) return await known;
		const answer = perform();
		this.answers.set(key, answer);
		const performed = await answer;
		const status = performed.response?.status ?? 0;
		if (status < 200 || status >= 300) this.answers.delete(key);
		return performed;
	}

	/** The identity of a shareable request; binary parts by the SHA-256 of their bytes. */
	static async key(ctx: IExecuteFunctions, itemIndex: number, request: RequestPlan): Promise<string | undefined> {
		if (!request.coalesce) return undefined;
		const base = [request.method, request.url, request.query];
		const body = request.body;
		// A multipart body by its parts, binary ones by their bytes; any other body as it is.
		if (body?.kind !== 'multipart') return JSON.stringify([...base, body]);
		const parts: unknown[] = [];
		for (const part of body.parts) {
			if (part.kind === 'text') {
				parts.push([part.name, part.value]);
			} else {
				const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, part.property);
				parts.push([part.name, createHash('sha256').update(bytes).digest('hex')]);
			}
		}
		return JSON.stringify([...base, parts]);
	}
}
